// The run from its beginning (exec/run_start.cpp: start or resume) to an
// outcome: phases, the switch into rollback mode, blocks and how a step is
// dispatched. The control steps themselves are in exec/control_steps.cpp.
#include "exec/interpreter_impl.hpp"

#include <chrono>

#include <fmt/core.h>

#include "exec/exit_codes.hpp"
#include "exec/failure_router.hpp"
#include "io/human_units.hpp"

namespace runbook {

double steady_ms_now()
{
   using namespace std::chrono;
   return static_cast<double>(duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count()) / 1000.0;
}

std::string Frame::runtime_id(const std::string& static_id) const
{
   // The longest rewritten prefix wins: the innermost loop's iteration.
   const std::pair<std::string, std::string>* best = nullptr;
   for (const auto& rewrite : rewrites) {
      const std::string& key = rewrite.first;
      const bool matches = static_id == key ||
                           (static_id.size() > key.size() && static_id.compare(0, key.size(), key) == 0 &&
                            static_id[key.size()] == '/');
      if (matches && (best == nullptr || key.size() > best->first.size())) best = &rewrite;
   }
   if (best != nullptr) return outer + best->second + static_id.substr(best->first.size());
   return outer + prefix + static_id;
}

Interpreter::Impl::Impl(const Program& program, World& world, Journal& journal, RunObserver& observer,
                        RunSettings settings)
   : program_(program), world_(world), journal_(journal), observer_(observer), settings_(std::move(settings))
{
   main_frame_.scope = &main_scope_;
   auto add_file = [this](const ast::File& file, const std::string& module_name) {
      for (const auto& fn : file.functions) {
         if (!module_name.empty()) functions_.emplace(module_name + "." + fn.name, &fn);
         // Unqualified too, so a module's functions can call each other; the root's own win.
         functions_.emplace(fn.name, &fn);
      }
      for (const auto& metric : file.metrics) metrics_.emplace(metric.name, &metric);
   };
   if (program_.root) add_file(*program_.root, "");
   for (const auto& [name, file] : program_.modules)
      if (file) add_file(*file, name);
}

Interpreter::Interpreter(const Program& program, World& world, Journal& journal, RunObserver& observer,
                         RunSettings settings)
   : impl_(std::make_unique<Impl>(program, world, journal, observer, std::move(settings)))
{
}

Interpreter::~Interpreter() = default;

RunOutcome Interpreter::start(const std::string& runbook_path) { return impl_->start(runbook_path); }
RunOutcome Interpreter::resume(const std::string& run_id) { return impl_->resume(run_id); }

// ---------------------------------------------------------------- output

void Interpreter::Impl::emit(RunEvent::Kind kind, const std::string& step_id, const std::string& text, json data)
{
   RunEvent event{kind, world_.clock().now(), redact(step_id), redact(text), redactor_.redact_json(data)};
   std::lock_guard<std::mutex> lock(emit_mutex_);
   if (output_lost_) return;
   try {
      observer_.on_event(event);
   } catch (const std::system_error&) {
      // The terminal hung up (EIO) or the reader of a pipe went away (EPIPE):
      // the run goes on, or stops cleanly, journaled; it is only not shown.
      output_lost_ = true;
   }
}

void Interpreter::Impl::record(const std::string& kind, const std::string& step_id, const json& data)
{
   if (run_id_.empty()) return;
   try {
      journal_.record(run_id_, kind, redact(step_id), journal_json(redactor_.redact_json(data)), world_.clock().now());
   } catch (const JournalError& e) {
      // The story of the run is incomplete, but no side effect depends on it;
      // step records (which do) stop the run when they fail.
      emit(RunEvent::Kind::Log, step_id, fmt::format("warning: could not journal a {} event: {}", kind, e.what()));
   }
}

// ---------------------------------------------------------------- the journal's server away

namespace {

/// libpq's reasons run over lines ("server closed the connection
/// unexpectedly\n\tThis probably means..."): one line, for one notice.
std::string outage_reason_line(const std::string& reason)
{
   std::string out;
   for (const char c : reason) {
      const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
      if (space && (out.empty() || out.back() == ' ')) continue;
      out += space ? ' ' : c;
   }
   while (!out.empty() && out.back() == ' ') out.pop_back();
   return out;
}

}  // namespace

Interpreter::Impl::JournalNotices::JournalNotices(Impl& impl)
   : impl_(impl), previous_(impl.journal_.set_listener(this))
{
}

Interpreter::Impl::JournalNotices::~JournalNotices() { impl_.journal_.set_listener(previous_); }

void Interpreter::Impl::JournalNotices::journal_unreachable(const JournalOutage& outage)
{
   // From whichever thread's write holds, with the journal locked: only
   // shown (emit), never record()ed. The name's password is redacted
   // (Journal::path()); emit redacts the run's secrets besides.
   const std::string retry_for = format_elapsed(outage.retry_for_ms);
   const std::string reason = outage_reason_line(outage.reason);
   impl_.emit(RunEvent::Kind::JournalUnreachable, "",
              fmt::format("journal {} unreachable: holding before the next step, retrying until it is back (up to "
                          "{}): {}",
                          outage.journal, retry_for, reason),
              {{"journal", outage.journal}, {"reason", reason}, {"retry_for_ms", outage.retry_for_ms}});
}

void Interpreter::Impl::JournalNotices::journal_back(const JournalOutage& outage)
{
   const std::string away = format_elapsed(outage.held_ms);
   impl_.emit(RunEvent::Kind::JournalBack, "",
              fmt::format("journal {} is back after {}: the run continues", outage.journal, away),
              {{"journal", outage.journal}, {"held_ms", outage.held_ms}});
}

// ---------------------------------------------------------------- driving the run

RunOutcome Interpreter::Impl::drive(bool resumed)
{
   (void)resumed;
   Flow flow = Flow::Next;
   if (!in_rollback_) {
      flow = run_phases();
      if (flow == Flow::Next) flow = wait_for_timers();
      if (flow != Flow::Rollback) return finish(flow, false);
      try {
         journal_.enter_rollback(run_id_, stop_rollback_);
      } catch (const JournalError& e) {
         stop_message_ = e.what();
         return finish(Flow::JournalBroken, false);
      }
      in_rollback_ = true;
      rollback_name_ = stop_rollback_;
      emit(RunEvent::Kind::ModeChanged, "",
           fmt::format("rolling back: {}{}", rollback_name_, stop_message_.empty() ? "" : " (" + stop_message_ + ")"),
           {{"mode", "rollback"}, {"rollback", rollback_name_}, {"reason", stop_message_}});
      record("mode", "", {{"mode", "rollback"}, {"rollback", rollback_name_}, {"reason", stop_message_}});
   } else {
      // Rebuild the forward path's captures and undo stack from the journal.
      resume_.set_replay_only(true);
      run_phases();
      resume_.set_replay_only(false);
   }
   stop_message_.clear();
   const ast::RollbackBlock* block = find_rollback(rollback_name_);
   if (block == nullptr) {
      stop_message_ = fmt::format("there is no rollback block named '{}'", rollback_name_);
      return finish(Flow::Failed, true);
   }
   // The deadline is the rollback's own steps; its `finally` (say what
   // happened) runs after, on time or not.
   arm_rollback_deadline(*block);
   const std::size_t mark = failure_routes_.mark();
   const Flow body_flow = run_block(block->body, main_frame_);
   end_rollback_deadline(*block, body_flow);
   flow = FailureRouter(*this).finally(block->finally, body_flow, mark);
   return finish(wait_for_timers_after_rollback(flow), true);
}

RunOutcome Interpreter::Impl::finish(Flow flow, bool in_rollback)
{
   triggers_.disarm();
   RunOutcome outcome;
   outcome.run_id = run_id_;
   // After the rollback and the pending timers (both done by now), before
   // the run's status is written: the journal says what held when it ended.
   // An interruption while they are read leaves the run interrupted.
   outcome.ensures = check_ensures(flow);
   outcome.rollback_ended_at = rollback_ended_at_;
   for (const auto& entry : undo_stack_) outcome.undoable.push_back(redact(entry.origin_id));
   for (const auto& id : undone_) outcome.undone.push_back(redact(id));
   judge_outcome(flow, in_rollback, outcome);
   outcome.summary = redact(outcome.summary);
   for (const auto& [name, value] : main_scope_.own()) outcome.variables[name] = redactor_.redact_json(value.to_json());
   if (!run_id_.empty()) {
      try {
         journal_.set_status(run_id_, outcome.status, outcome.summary);
         journal_.release_lease(run_id_);
      } catch (const JournalError& e) {
         outcome.summary += fmt::format(" (and the journal could not record it: {})", e.what());
         if (outcome.exit_code == exit_code::Completed) outcome.exit_code = exit_code::Invalid;
      }
   }
   emit(RunEvent::Kind::RunFinished, "", outcome.summary,
        {{"status", outcome.status}, {"exit_code", outcome.exit_code}, {"run_id", run_id_}});
   return outcome;
}

void Interpreter::Impl::judge_outcome(Flow flow, bool in_rollback, RunOutcome& outcome) const
{
   switch (flow) {
   case Flow::Next:
   case Flow::Return:
   case Flow::ReplayEnd:
      outcome.exit_code = in_rollback ? exit_code::RolledBack : exit_code::Completed;
      outcome.status = in_rollback ? run_status::RolledBack : run_status::Completed;
      outcome.summary = in_rollback ? fmt::format("rolled back via '{}'", rollback_name_) : "completed";
      break;
   case Flow::Interrupted:
      outcome.exit_code = exit_code::Interrupted;
      outcome.status = run_status::Interrupted;
      outcome.summary = fmt::format("interrupted; continue with: runbook resume {}", run_id_);
      break;
   case Flow::JournalBroken:
      outcome.exit_code = exit_code::Invalid;
      outcome.status = run_status::Failed;
      outcome.summary = "stopped: the journal cannot be written: " + stop_message_;
      break;
   case Flow::Failed:
   case Flow::Stopped:
   case Flow::Aborted:
   case Flow::Rollback:   // A rollback step inside a rollback block.
      if (in_rollback) {
         outcome.exit_code = exit_code::RollbackFailed;
         outcome.status = run_status::RollbackFailed;
         outcome.summary = fmt::format("the rollback '{}' failed: {}", rollback_name_, stop_message_);
      } else {
         outcome.exit_code = exit_code::Failed;
         outcome.status = flow == Flow::Aborted ? run_status::Aborted : run_status::Failed;
         outcome.summary = (flow == Flow::Aborted ? "aborted: " : "failed: ") + stop_message_;
      }
      break;
   }
   if (keep_resumable_ && (flow == Flow::Aborted || is_failure(flow))) {
      // Not a failed rollback: a step waits to be settled (docs/cli.md: exit
      // 1, resumable), in rollback mode as on the forward path.
      outcome.exit_code = exit_code::Failed;
      outcome.status = run_status::Interrupted;
      if (in_rollback) outcome.summary = fmt::format("the rollback '{}' stopped: {}", rollback_name_, stop_message_);
      outcome.summary += fmt::format(" (run {} stays resumable)", run_id_);
   }
}

// ---------------------------------------------------------------- phases and blocks

Flow Interpreter::Impl::run_phases()
{
   if (!program_.root) return Flow::Next;
   const auto& phases = program_.root->phases;
   std::size_t number = 0;
   for (const auto& phase : phases) {
      ++number;
      if (!resume_.replay_only()) {
         // Armed first so the event can say which triggers watch this phase.
         arm_triggers(phase);
         emit(RunEvent::Kind::PhaseStarted, "", phase.title,
              {{"phase", phase.title}, {"slug", phase.slug}, {"number", number}, {"of", phases.size()},
               {"triggers", triggers_.to_json()}});
         record("phase", "", {{"phase", phase.title}, {"slug", phase.slug}});
      }
      FailureRouter router(*this);
      const std::size_t mark = failure_routes_.mark();
      Flow flow = router.finally(phase.finally, router.after_phase(run_block(phase.body, main_frame_), phase), mark);
      // Triggers the next phase does not arm are settled before they are
      // disarmed; the ones it arms stay armed into it, so a breach does not
      // restart its count there (arm_triggers()).
      const ast::Phase* next = number < phases.size() ? &phases[number] : nullptr;
      if (flow == Flow::Next && !resume_.replay_only()) flow = settle_leaving_triggers(phase, next);
      if (flow != Flow::Next) {
         triggers_.disarm();
         return flow;
      }
   }
   triggers_.disarm();
   return Flow::Next;
}

Flow Interpreter::Impl::run_block(const ast::Block& block, Frame& frame)
{
   FailureRouter router(*this);
   std::vector<std::string> soft_failures;
   for (const auto& step : block) {
      const Flow flow = router.soft(run_step(*step, frame), *step, soft_failures);
      if (flow != Flow::Next) return flow;
   }
   return router.block_end(soft_failures);
}

Flow Interpreter::Impl::run_step(const ast::Step& step, Frame& frame)
{
   if (!resume_.replay_only()) {
      if (const Stop stop = at_boundary()) return flow_of(stop);
   }
   if (step.id.empty()) {
      stop_message_ = "internal error: a step has no id (the runbook was not checked before running)";
      return Flow::Failed;
   }
   const std::string id = frame.runtime_id(step.id);
   FailureRouter router(*this);
   if (resume_.resuming() && failure_routes_.was_routed_to_steps(id)) return router.resume_routed(step, frame, id);
   return router.after_step(resolve_and_run(step, frame, id), step, frame, id);
}

Flow Interpreter::Impl::resolve_and_run(const ast::Step& step, Frame& frame, const std::string& id)
{
   // A step's definition is resolved (its `${...}` spliced in) before its
   // start record; a metric that cannot be sampled there, or a bad value,
   // fails the step in words instead of escaping the interpreter.
   try {
      return dispatch_step(step, frame, id);
   } catch (const SampleFailed& e) {
      return failed_before_start(id, fmt::format("could not sample {}", redact(e.what())));
   } catch (const EvalError& e) {
      return failed_before_start(id, redact(e.what()));
   } catch (const ValueError& e) {
      return failed_before_start(id, redact(e.what()));
   } catch (const FlowUnwind& unwind) {
      return unwind.flow;   // A function called while resolving ended the run's forward path; it said why.
   }
}

Flow Interpreter::Impl::failed_before_start(const std::string& id, const std::string& message)
{
   stop_message_ = fmt::format("step {} could not be resolved: {}", id, message);
   emit(RunEvent::Kind::Log, id, stop_message_, {{"error", message}});
   record("step_unresolved", id, {{"error", message}});
   return Flow::Failed;
}

Flow Interpreter::Impl::dispatch_step(const ast::Step& step, Frame& frame, const std::string& id)
{
   if (const auto* sh = std::get_if<ast::ShStep>(&step.node)) return run_sh(step, *sh, frame, id);
   if (const auto* http = std::get_if<ast::HttpStep>(&step.node)) return run_http(step, *http, frame, id);
   if (const auto* checklist = std::get_if<ast::ChecklistStep>(&step.node))
      return run_checklist(step, *checklist, frame, id);
   if (const auto* approve = std::get_if<ast::ApproveStep>(&step.node)) return run_approve(step, *approve, frame, id);
   if (const auto* question = std::get_if<ast::AskStep>(&step.node)) return run_ask(step, *question, frame, id);
   if (const auto* wait = std::get_if<ast::WaitStep>(&step.node)) return run_wait(step, *wait, frame, id);
   if (const auto* watch = std::get_if<ast::WatchStep>(&step.node)) return run_watch(step, *watch, frame, id);
   if (const auto* await = std::get_if<ast::AwaitStep>(&step.node)) return run_await(step, *await, frame, id);
   if (const auto* check = std::get_if<ast::AssertStep>(&step.node)) return run_assert(step, *check, frame, id);
   if (const auto* after = std::get_if<ast::AfterStep>(&step.node)) return run_after(step, *after, frame, id);
   return run_control(step, frame, id);
}

const ast::Function* Interpreter::Impl::find_function(const std::string& name) const
{
   auto it = functions_.find(name);
   return it == functions_.end() ? nullptr : it->second;
}

const ast::RollbackBlock* Interpreter::Impl::find_rollback(const std::string& name) const
{
   if (!program_.root) return nullptr;
   for (const auto& block : program_.root->rollbacks)
      if (block.name == name) return &block;
   return nullptr;
}

// ---------------------------------------------------------------- EvalHooks

bool Interpreter::Impl::is_metric(const std::string& name) const { return metrics_.count(name) > 0; }

bool Interpreter::Impl::has_function(const std::string& name) const { return functions_.count(name) > 0; }

Value Interpreter::Impl::call_function(const std::string& name, std::vector<Value> args, const Location& loc)
{
   const ast::Function* fn = find_function(name);
   if (fn == nullptr) throw EvalError(loc, fmt::format("no function named '{}'", name));
   Value result;
   const Flow flow = call_steps(*fn, std::move(args), current_step_, &result);
   if (flow != Flow::Next) throw FlowUnwind{flow};
   return result;
}

}  // namespace runbook
