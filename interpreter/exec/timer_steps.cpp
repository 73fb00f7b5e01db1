// Timers, signals, manual triggers and rollback deadlines: what an operator
// or the clock starts beside the steps (docs/language.md, "Timers and
// signals"). The queue is exec/timers.hpp; this file journals and runs.
//
// Journal events (kind "timer", step id = the timer's id):
//   armed      {due, signal}      the `after` step itself is a journaled step too
//   fired      {due}              written before the timer's steps run
//   done       {outcome}          after them; a timer fired but not done fires
//                                 again on resume, its done steps skipped
//   cancelled  {signal, who}      the signal came first
// and kind "signal" {signal, who} when a signal is taken.
#include <fmt/core.h>

#include "exec/interpreter_impl.hpp"
#include "io/human_units.hpp"
#include "syntax/phase_arms.hpp"

namespace runbook {

namespace {

std::string timer_words(const ast::AfterStep& after, double delay_ms)
{
   return fmt::format("after {}{}", Value(delay_ms, ast::Unit::Duration).display(),
                      after.signal.empty() ? "" : " unless " + after.signal);
}

/// An expression's gist for people: calls and literals only. A name or a
/// spliced string says nothing without its value, and a value may be secret.
std::string timer_gist_of(const ast::Expr& expr)
{
   if (const auto* call = std::get_if<ast::Call>(&expr.node)) {
      std::string args;
      for (const auto& arg : call->args) {
         const std::string shown = timer_gist_of(*arg);
         if (!shown.empty()) args += (args.empty() ? "" : ", ") + shown;
      }
      return callee_name(*call->callee) + "(" + args + ")";
   }
   if (const auto* lit = std::get_if<ast::StringLit>(&expr.node)) {
      if (lit->parts.size() != 1 || lit->parts.front().expr) return "";
      return "\"" + lit->parts.front().text + "\"";
   }
   if (std::holds_alternative<ast::NumberLit>(expr.node) || std::holds_alternative<ast::BoolLit>(expr.node))
      return describe(expr);
   return "";
}

/// What a timer's steps do, in a few words for the live view: its first
/// step, e.g. `notify.slack(notify.escalation_message(3, "Management"))`,
/// and how many more there are.
std::string timer_gist(const ast::Block& body)
{
   if (body.empty()) return "nothing";
   const ast::Step& first = *body.front();
   std::string gist;
   if (const auto* call = std::get_if<ast::CallStep>(&first.node)) gist = timer_gist_of(*call->call);
   else if (const auto* notify = std::get_if<ast::NotifyStep>(&first.node)) gist = "notify " + timer_gist_of(*notify->message);
   else if (const auto* log = std::get_if<ast::LogStep>(&first.node)) gist = "log " + timer_gist_of(*log->message);
   else if (const auto* rollback = std::get_if<ast::RollbackStep>(&first.node)) gist = "rollback " + rollback->target;
   else gist = "its steps";
   if (body.size() > 1) gist += fmt::format(" and {} more steps", body.size() - 1);
   return gist;
}

const ast::Signal* find_signal(const Program& program, const std::string& name)
{
   if (!program.root) return nullptr;
   for (const auto& signal : program.root->signals)
      if (signal.name == name) return &signal;
   return nullptr;
}

}  // namespace

// ---------------------------------------------------------------- the `after` step

Flow Interpreter::Impl::run_after(const ast::Step& step, const ast::AfterStep& after, Frame& frame,
                                  const std::string& id)
{
   const double delay = duration_of(evaluator(frame).eval(*after.delay), "after");
   const std::string what = timer_words(after, delay);
   Resolved r{StepKind::Timer, {{"summary", what}, {"delay_ms", delay}, {"signal", after.signal}}, true,
              world_.clock().now() + delay};
   json result;
   const Flow flow = journaled(step, frame, id, r, [&](const Resolved& settled) {
      Performed p;
      p.result["due"] = *settled.deadline_ms;
      return p;
   }, &result);
   if (flow != Flow::Next || !result.contains("due")) return flow;
   arm_timer(after, frame, id, result["due"].get<double>());
   return Flow::Next;
}

void Interpreter::Impl::arm_timer(const ast::AfterStep& after, const Frame& frame, const std::string& id, TimeMs due)
{
   if (resume_.timers().settled.count(id) || timers_.contains(id)) return;
   const std::string what = after.signal.empty() ? "timer" : "timer unless " + after.signal;
   if (!after.signal.empty() && signals_.given(after.signal)) {
      record("timer", id, {{"event", "cancelled"}, {"signal", after.signal}, {"who", signals_.all().at(after.signal).who}});
      emit(RunEvent::Kind::Log, id, fmt::format("{} not armed: signal {} was given already", what, after.signal),
           {{"timer", id}, {"event", "cancelled"}});
      return;
   }
   timer_bodies_[id] = TimerBody{&after, frame, std::make_shared<Scope>(*frame.scope)};
   timers_.arm(TimerEntry{TimerEntry::Kind::Steps, id, due, after.signal, what});
   if (resume_.timers().fired.count(id)) return;   // Resumed mid-fire: it fires again at once, quietly armed.
   record("timer", id, {{"event", "armed"}, {"due", due}, {"signal", after.signal}});
   const double in_ms = std::max(0.0, due - world_.clock().now());
   emit(RunEvent::Kind::Log, id, fmt::format("{} armed: its steps run in {}", what, format_elapsed(in_ms)),
        {{"timer", id}, {"event", "armed"}, {"due", due}, {"signal", after.signal},
         {"does", redact(timer_gist(after.body))}});
}

// ---------------------------------------------------------------- firing

Stop Interpreter::Impl::fire_due_timers()
{
   // One timer's steps at a time: the steps of a timer pass through the
   // supervisor themselves, and must not start another timer inside them.
   if (firing_timer_ || resume_.replay_only()) return {};
   while (auto timer = timers_.take_due(world_.clock().now())) {
      if (timer->kind == TimerEntry::Kind::DecisionDeadline)
         return Stop{Stop::Kind::Defaulted, "", timer->what, "nobody in time (decide within: default)"};
      const Stop stop = timer->kind == TimerEntry::Kind::Steps ? fire_timer(*timer) : fire_rollback_deadline(*timer);
      if (stop) return stop;
   }
   return {};
}

namespace {

/// A timer's steps stopped by Ctrl-C or a broken journal: the timer is not
/// done, and the run stops the same way. Nothing for any other flow.
Stop cut_short(Flow flow, const std::string& message)
{
   if (flow == Flow::Interrupted) return Stop{Stop::Kind::Interrupted, "", message, ""};
   if (flow == Flow::JournalBroken) return Stop{Stop::Kind::Fail, "", message, ""};
   return {};
}

}  // namespace

Stop Interpreter::Impl::fire_timer(const TimerEntry& timer)
{
   const auto body = timer_bodies_.find(timer.id);
   if (body == timer_bodies_.end()) return {};
   record("timer", timer.id, {{"event", "fired"}, {"due", timer.due}});
   emit(RunEvent::Kind::Log, timer.id, fmt::format("{}: due, running its steps", timer.what),
        {{"timer", timer.id}, {"event", "fired"}, {"due", timer.due}});
   Frame frame = body->second.frame;
   frame.scope = body->second.scope.get();
   const std::string outer = current_step_;
   current_step_ = timer.id;
   firing_timer_ = true;
   const Flow flow = run_block(body->second.step->body, frame);
   firing_timer_ = false;
   current_step_ = outer;
   if (const Stop stop = cut_short(flow, stop_message_)) return stop;
   timer_bodies_.erase(body);
   const bool completed = flow == Flow::Next || flow == Flow::Return;
   record("timer", timer.id, {{"event", "done"}, {"outcome", completed ? "done" : "failed"}});
   if (flow == Flow::Rollback && !in_rollback_) return Stop{Stop::Kind::Rollback, stop_rollback_, stop_message_, ""};
   if (flow == Flow::Aborted) return Stop{Stop::Kind::Abort, "", stop_message_, ""};
   if (!completed)
      emit(RunEvent::Kind::Log, timer.id,
           fmt::format("warning: the steps of {} did not complete: {}", timer.what, stop_message_));
   return {};
}

// ---------------------------------------------------------------- signals and manual triggers

void Interpreter::Impl::give_signal(const std::string& name, const std::string& who)
{
   if (find_signal(program_, name) == nullptr) {
      emit(RunEvent::Kind::Log, current_step_,
           fmt::format("runbook signal {} from {}: the runbook declares no signal '{}'; ignored", name, who, name));
      return;
   }
   if (!signals_.give(name, who, world_.clock().now())) {
      emit(RunEvent::Kind::Log, current_step_, fmt::format("signal {} from {}: given already", name, who));
      return;
   }
   record("signal", current_step_, {{"signal", name}, {"who", who}});
   emit(RunEvent::Kind::Notify, current_step_, fmt::format("signal {} given by {}", name, who),
        {{"signal", name}, {"who", who}});
   for (const auto& timer : timers_.cancel_by_signal(name)) {
      timer_bodies_.erase(timer.id);
      record("timer", timer.id, {{"event", "cancelled"}, {"signal", name}, {"who", who}});
      emit(RunEvent::Kind::Log, timer.id, fmt::format("{} cancelled: signal {} was given", timer.what, name),
           {{"timer", timer.id}, {"event", "cancelled"}});
   }
}

Stop Interpreter::Impl::fire_manual(const std::string& name, const std::string& who)
{
   for (auto& armed : triggers_) {
      if (armed.trigger->name != name) continue;
      if (in_rollback_) break;
      const ast::Trigger& t = *armed.trigger;
      const std::string what = fmt::format("trigger {} \"{}\" fired by {} (runbook fire)", t.name, t.title, who);
      armed.fired = true;
      return fire(armed, what);
   }
   std::vector<std::string> phases;
   if (program_.root)
      for (const auto& phase : program_.root->phases) {
         if (phase_arms(phase, name)) phases.push_back("\"" + phase.title + "\"");
      }
   std::string where;
   for (const auto& p : phases) where += (where.empty() ? "" : ", ") + p;
   emit(RunEvent::Kind::Log, current_step_,
        fmt::format("runbook fire {} from {}: refused, {} is not armed {}{}", name, who, name,
                    in_rollback_ ? "during a rollback" : "now",
                    where.empty() ? " (no phase arms it)" : "; phases that arm it: " + where));
   return {};
}

// ---------------------------------------------------------------- rollback deadlines

void Interpreter::Impl::arm_rollback_deadline(const ast::RollbackBlock& block)
{
   // Every rollback says how long it took (end_rollback_deadline), with a
   // deadline or without one.
   rollback_began_at_ = world_.clock().now();
   if (!block.within_ms) return;
   const std::string id = "rollback:" + block.name + "/deadline";
   // Its steps ended before an interruption (in `finally`, in a timer): the
   // deadline they kept or missed is behind them.
   if (resume_.timers().settled.count(id) || resume_.timers().rollback_ended_at) return;
   const TimeMs began = resume_.timers().rollback_began_at.value_or(rollback_began_at_);
   const std::string what = fmt::format("rollback {} within {}", block.name,
                                        Value(*block.within_ms, ast::Unit::Duration).display());
   timers_.arm(TimerEntry{TimerEntry::Kind::RollbackDeadline, id, began + *block.within_ms, "", what});
}

void Interpreter::Impl::end_rollback_deadline(const ast::RollbackBlock& block, Flow flow)
{
   timers_.drop("rollback:" + block.name + "/deadline");
   // Succeeded or failed, the steps the deadline bounds have ended (an
   // interrupted body has not: its resume runs the rest). When they ended in
   // an earlier process (this one resumed in `finally` or in a timer, and
   // walked them again as done), that end stands and was told then.
   if (flow == Flow::Interrupted || flow == Flow::JournalBroken) return;
   if (const auto ended = resume_.timers().rollback_ended_at) {
      rollback_ended_at_ = *ended;
      return;
   }
   rollback_ended_at_ = world_.clock().now();
   const TimeMs began = resume_.timers().rollback_began_at.value_or(rollback_began_at_);
   const double took = world_.clock().now() - began;
   if (flow != Flow::Next) {
      record("rollback_failed", "", {{"rollback", block.name}, {"elapsed_ms", took}});
      return;
   }
   std::string text = fmt::format("rollback {} completed in {}", block.name, format_elapsed(took));
   if (block.within_ms)
      text += took <= *block.within_ms ? fmt::format(" (within its {})", Value(*block.within_ms, ast::Unit::Duration).display())
                                       : fmt::format(" (over its {})", Value(*block.within_ms, ast::Unit::Duration).display());
   emit(RunEvent::Kind::Log, "", text, {{"rollback_completed", block.name}, {"elapsed_ms", took}});
   record("rollback_completed", "", {{"rollback", block.name}, {"elapsed_ms", took}});
}

Stop Interpreter::Impl::fire_rollback_deadline(const TimerEntry& timer)
{
   const ast::RollbackBlock* block = find_rollback(rollback_name_);
   const std::string text = fmt::format("rollback {} exceeded {} (its deadline)", rollback_name_,
                                        block && block->within_ms ? Value(*block->within_ms, ast::Unit::Duration).display() : "");
   record("timer", timer.id, {{"event", "fired"}, {"due", timer.due}});
   emit(RunEvent::Kind::Notify, current_step_, text, {{"deadline", timer.id}, {"rollback", rollback_name_}});
   const Flow flow = block && block->overrun_action ? run_action(*block->overrun_action, "deadline:" + rollback_name_, text)
                                                    : Flow::Next;
   // Cut short by Ctrl-C or a broken journal: not done, so a resumed run
   // arms the deadline again, finds it past, and sends the action again
   // (its interrupted step settled by the in-doubt policy), as for `after`.
   if (const Stop stop = cut_short(flow, stop_message_)) return stop;
   record("timer", timer.id, {{"event", "done"}, {"outcome", "done"}});
   return {};
}

/// A deadline's action: `notify "text"` at once, or a call run as steps now
/// (a rollback that overran has no step boundary to wait for).
Flow Interpreter::Impl::run_action(const ast::TriggerAction& action, const std::string& id, const std::string& what)
{
   if (action.kind == ast::TriggerAction::Kind::Notify) {
      std::string text = what;
      try {
         if (action.value) text = evaluator(main_frame_).text(*action.value, Splice::Message);
      } catch (const std::exception& e) {
         text = what + " (notify text failed: " + e.what() + ")";
      }
      emit(RunEvent::Kind::Notify, id, text);
      record("notify", id, {{"text", text}});
      return Flow::Next;
   }
   const auto* call = action.value ? std::get_if<ast::Call>(&action.value->node) : nullptr;
   if (action.kind != ast::TriggerAction::Kind::Call || call == nullptr) return Flow::Next;
   try {
      const ast::Function* fn = find_function(callee_name(*call->callee));
      if (fn == nullptr) throw EvalError(action.loc, "no function named " + callee_name(*call->callee));
      std::vector<Value> args;
      Evaluator ev = evaluator(main_frame_);
      for (const auto& arg : call->args) args.push_back(ev.eval(*arg));
      const std::string outer = current_step_;
      current_step_ = id;
      firing_timer_ = true;
      const Flow flow = call_steps(*fn, std::move(args), id, nullptr);
      firing_timer_ = false;
      current_step_ = outer;
      if (flow == Flow::Interrupted || flow == Flow::JournalBroken) return flow;
      if (flow != Flow::Next)
         emit(RunEvent::Kind::Log, id, fmt::format("warning: the action of {} did not complete: {}", id, stop_message_));
   } catch (const std::exception& e) {
      firing_timer_ = false;
      emit(RunEvent::Kind::Log, id, fmt::format("warning: the action of {} failed: {}", id, e.what()));
   }
   return Flow::Next;
}

}  // namespace runbook
