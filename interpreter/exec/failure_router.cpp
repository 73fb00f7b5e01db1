#include "exec/failure_router.hpp"

#include <fmt/core.h>

namespace runbook {

std::string route_words(const ast::FailRoute& route)
{
   switch (route.kind) {
   case ast::FailRoute::Kind::Rollback: return "rollback " + route.rollback;
   case ast::FailRoute::Kind::Stop: return "stop";
   case ast::FailRoute::Kind::Steps: return "steps";
   case ast::FailRoute::Kind::None: break;
   }
   return "none";
}

namespace {

/// Steps that only hold others: their failure is one of their steps', noted there.
bool is_container(const ast::Step& step)
{
   return std::holds_alternative<ast::IfStep>(step.node) || std::holds_alternative<ast::ForStep>(step.node) ||
          std::holds_alternative<ast::CallStep>(step.node);
}

}  // namespace

Flow FailureRouter::after_step(Flow flow, const ast::Step& step, Frame& frame, const std::string& id)
{
   const ast::FailRoute* route = run_.failure_routes_.take(step);
   if (flow == Flow::Failed && !is_container(step)) run_.failure_routes_.note(run_.stop_message_);
   // An in-doubt step left unsettled is not a failure of the runbook's: it
   // stays for the operator to settle on resume, never routed.
   if (flow != Flow::Failed || route == nullptr || run_.keep_resumable_ || run_.resume_.replay_only()) return flow;
   // Only the step's own `{ steps }` route is taken again on resume (a
   // condition's is found again by failing again).
   if (route == &step.options.on_fail && route->kind == ast::FailRoute::Kind::Steps)
      run_.record("failure_routed_to_steps", id, json::object());
   return take(*route, frame, id, "step " + id);
}

Flow FailureRouter::resume_routed(const ast::Step& step, Frame& frame, const std::string& id)
{
   run_.emit(RunEvent::Kind::StepSkipped, id, "failed before the interruption; its 'on fail' steps go on",
             {{"kind", "on fail"}});
   return to_steps(step.options.on_fail, frame, id);
}

Flow FailureRouter::after_phase(Flow flow, const ast::Phase& phase)
{
   if (flow != Flow::Failed || run_.keep_resumable_ || run_.resume_.replay_only()) return flow;
   const ast::FailRoute& route = phase.on_fail ? phase.on_fail : run_.program_.root->on_fail;
   if (!route) return flow;
   return take(route, run_.main_frame_, phase.slug, "phase " + phase.slug);
}

Flow FailureRouter::take(const ast::FailRoute& route, Frame& frame, const std::string& id, const std::string& where)
{
   const std::string failure = run_.stop_message_;
   run_.record("failure_routed", id, {{"route", route_words(route)}, {"failure", failure}, {"where", where}});
   run_.emit(RunEvent::Kind::Log, id, fmt::format("{} failed; on fail: {}", where, route_words(route)),
             {{"route", route_words(route)}, {"failure", failure}});
   switch (route.kind) {
   case ast::FailRoute::Kind::Rollback: return to_rollback(route, where);
   case ast::FailRoute::Kind::Stop:
      run_.stop_message_ = fmt::format("{} (on fail stop)", failure);
      return Flow::Stopped;
   case ast::FailRoute::Kind::Steps: return to_steps(route, frame, id);
   case ast::FailRoute::Kind::None: break;
   }
   return Flow::Failed;
}

Flow FailureRouter::to_rollback(const ast::FailRoute& route, const std::string& where)
{
   const std::string failure = run_.stop_message_;
   if (run_.in_rollback_) {
      run_.stop_message_ = fmt::format("{} (its route 'rollback {}' cannot run: already rolling back via '{}')",
                                       failure, route.rollback, run_.rollback_name_);
      return Flow::Failed;
   }
   run_.stop_rollback_ = route.rollback;
   run_.stop_message_ = fmt::format("{} failed: {}", where, failure);
   return Flow::Rollback;
}

Flow FailureRouter::to_steps(const ast::FailRoute& route, Frame& frame, const std::string& id)
{
   const Flow flow = run_.run_block(route.steps, frame);
   if (flow != Flow::Next) return flow;
   run_.record("failure_handled", id, json::object());
   run_.emit(RunEvent::Kind::Log, id, "the failure was handled by its 'on fail' steps; the run goes on");
   run_.stop_message_.clear();
   return Flow::Next;
}

Flow FailureRouter::soft(Flow flow, const ast::Step& step, std::vector<std::string>& soft_failures)
{
   if (flow != Flow::Failed || !step.options.soft || run_.keep_resumable_ || run_.resume_.replay_only()) return flow;
   soft_failures.push_back(run_.stop_message_);
   run_.record("soft_failure", step.id, {{"failure", run_.stop_message_}});
   run_.emit(RunEvent::Kind::Log, step.id, "soft failure recorded; the block goes on: " + run_.stop_message_);
   run_.stop_message_.clear();
   return Flow::Next;
}

Flow FailureRouter::block_end(const std::vector<std::string>& soft_failures)
{
   if (soft_failures.empty()) return Flow::Next;
   std::string listed;
   for (const auto& failure : soft_failures) listed += (listed.empty() ? "" : "; ") + failure;
   run_.stop_message_ = fmt::format("{} soft failure{}: {}", soft_failures.size(), soft_failures.size() == 1 ? "" : "s",
                                    listed);
   return Flow::Failed;
}

Flow FailureRouter::finally(const ast::Block& steps, Flow flow, std::size_t mark)
{
   if (steps.empty() || run_.resume_.replay_only() || flow == Flow::Interrupted || flow == Flow::JournalBroken) return flow;
   const std::vector<std::string> noted = run_.failure_routes_.since(mark);
   ValueList failures(noted.begin(), noted.end());
   if (flow != Flow::Next && !run_.stop_message_.empty() &&
       std::find(noted.begin(), noted.end(), run_.stop_message_) == noted.end())
      failures.emplace_back(run_.stop_message_);   // Also why the block ended (a soft block's end, a trigger).
   Scope scope(run_.main_frame_.scope);
   scope.set("failed", Value(flow != Flow::Next || !failures.empty()));
   scope.set("failures", Value(std::move(failures)));
   Frame frame = run_.main_frame_;
   frame.scope = &scope;
   const std::string message = run_.stop_message_;
   const std::string rollback = run_.stop_rollback_;
   const Flow own = run_.run_block(steps, frame);
   if (flow == Flow::Next || own == Flow::Interrupted || own == Flow::JournalBroken) return own;
   run_.stop_message_ = message;   // The block's own ending stands.
   run_.stop_rollback_ = rollback;
   return flow;
}

}  // namespace runbook
