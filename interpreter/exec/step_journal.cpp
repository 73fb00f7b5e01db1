// The write-ahead protocol around every step: the start record before the
// effect, the outcome record after it, retries as new attempts, and what a
// completed step leaves behind (its capture, its undo). What a resumed run
// does first with a step the journal already knows is exec/step_resume.cpp.
#include "exec/interpreter_impl.hpp"

#include <fmt/core.h>

#include "check/quantity.hpp"
#include "check/retry_backoff.hpp"
#include "check/signature.hpp"

namespace runbook {

std::string Interpreter::Impl::def_hash(const ast::Step& step, const Resolved& resolved) const
{
   // Two halves. The first, the step as written (the checker's canonical
   // signature), is the record's identity: a record applies only to a step
   // of the same kind and definition. The second adds the step as resolved
   // (params and captures spliced in, redacted): a done step whose command
   // changed through a param is noticed (and reported) on resume.
   const std::string signature = step_signature(step);
   return fmt::format("{:016x}{:016x}", fnv1a_64(signature),
                      fnv1a_64(signature + "\n" + journal_json(resolved.inputs)));
}

void Interpreter::Impl::restore_capture(const ast::Step& step, Frame& frame, const json& result)
{
   if (!result.is_object() || !result.contains("capture")) return;
   const Value value = Value::from_typed_json(result["capture"]);
   if (const auto* let = std::get_if<ast::LetStep>(&step.node)) frame.scope->set(let->name, value);
   if (!step.options.capture.empty()) frame.scope->set(step.options.capture, value);
}

namespace {

/// Steps without side effects: their records need not wait for the disk's
/// flush. Lost to a power cut, they only mean the step runs again on resume,
/// which it may (it is safe to repeat); and the next step with a side effect
/// flushes its start record, and these with it, before it acts.
bool effect_free(StepKind kind, bool safe_to_repeat)
{
   return (kind == StepKind::Http && safe_to_repeat) || kind == StepKind::Log || kind == StepKind::Let ||
          kind == StepKind::Assert || kind == StepKind::Await;
}

/// Defers the journal's flushes for the records written in its scope.
class DeferredFlushes {
public:
   DeferredFlushes(Journal& journal, bool defer) : journal_(journal), defer_(defer)
   {
      if (defer_) journal_.defer_flushes(true);
   }
   ~DeferredFlushes()
   {
      if (!defer_) return;
      try {
         journal_.defer_flushes(false);
      } catch (const JournalError&) {
         // The journal is broken: the next write reports it and stops the run.
      }
   }
   DeferredFlushes(const DeferredFlushes&) = delete;
   DeferredFlushes& operator=(const DeferredFlushes&) = delete;

private:
   Journal& journal_;
   bool defer_;
};

}  // namespace

void Interpreter::Impl::forget_inner_records(const std::string& id, const RetryHistory::Pending* only_before)
{
   resume_.forget_inner_records(id, only_before);
}

Flow Interpreter::Impl::journaled(const ast::Step& step, Frame& frame, const std::string& id, Resolved resolved,
                                  const Performer& perform, json* result_out)
{
   resume_.set_last_failure_retryable(false);
   const std::string hash = def_hash(step, resolved);

   // ---- what the journal already knows about this step (resume: exec/step_resume.cpp)
   const StepRecord* known = resume_.record_of(id);
   if (known != nullptr) {
      if (const auto refused = refuse_mismatched_record(*known, id, resolved, hash)) return *refused;
      if (is_done(known->outcome)) return replay_done_step(step, frame, id, resolved, *known, hash, result_out);
   }
   if (resume_.replay_only()) return replay_into_container(resolved, perform, result_out);
   if (known != nullptr && is_unfinished(*known))
      if (const auto settled = resume_unfinished(step, id, resolved, *known, hash)) return *settled;

   // ---- do it: start record, effect, outcome record; retries are new attempts
   return run_attempts(step, frame, id, resolved, hash, perform, result_out);
}

Flow Interpreter::Impl::run_attempts(const ast::Step& step, Frame& frame, const std::string& id,
                                     const Resolved& resolved, const std::string& hash, const Performer& perform,
                                     json* result_out)
{
   const int retries = step.options.retry_count.value_or(0);
   const double every = step.options.retry_every_ms.value_or(1000);
   int tried = 0;   // Tries that failed before this one.
   if (const auto pending = resume_.take_retry(id); pending && retries > 0) {
      // The process stopped during try N of a retry (or the wait before it): carry on with try N.
      tried = std::min(pending->attempt, retries + 1) - 1;
      forget_inner_records(id, &*pending);
      emit(RunEvent::Kind::Log, id, fmt::format("resuming its retries at attempt {} of {}", tried + 1, retries + 1));
      if (!pending->started)
         if (const auto stopped = wait_to_retry(pending->due_at)) return *stopped;
   }
   for (;; ++tried) {
      Performed p;
      if (const auto broken = attempt_once(id, resolved, hash, perform, p)) return *broken;
      if (p.flow == Flow::Failed && p.retryable && tried < retries) {
         if (const auto stopped = schedule_retry(id, tried + 2, retries + 1, every)) return *stopped;
         // A call is retried as a whole: its steps are redone, whatever the
         // journal says they did in the try that failed.
         forget_inner_records(id);
         continue;
      }
      return conclude_step(step, frame, id, p, result_out);
   }
}

std::optional<Flow> Interpreter::Impl::attempt_once(const std::string& id, const Resolved& resolved,
                                                    const std::string& hash, const Performer& perform, Performed& p)
{
   const bool defer = effect_free(resolved.kind, resolved.safe_to_repeat);
   const std::optional<int> attempt = journal_start(id, resolved, hash, defer);
   if (!attempt) return Flow::JournalBroken;
   json started{{"kind", to_string(resolved.kind)}, {"attempt", *attempt}, {"inputs", resolved.inputs}};
   if (resolved.deadline_ms) started["deadline_ms"] = *resolved.deadline_ms;   // A wait's end (kept on resume).
   emit(RunEvent::Kind::StepStarted, id, redact(to_string(resolved.kind) + " " + resolved.inputs.value("summary", "")), started);

   p = perform_caught(id, resolved, perform);
   if (!p.message.empty()) p.result["error"] = redact(p.message);
   p.result["attempt"] = *attempt;
   if (!journal_outcome(id, resolved, p, defer)) return Flow::JournalBroken;
   return std::nullopt;
}

std::optional<int> Interpreter::Impl::journal_start(const std::string& id, const Resolved& resolved,
                                                    const std::string& hash, bool defer)
{
   const std::string inputs = journal_json(redactor_.redact_json(resolved.inputs));
   // A journal deleted or replaced under the run would take this step's
   // records with it: stop before its side effect, saying why.
   if (const std::string problem = journal_.file_problem(); !problem.empty()) {
      stop_message_ = fmt::format("step {} was not run: {}; stopping before its side effect (put the journal "
                                  "back, or pass --journal PATH to start a new one)",
                                  id, problem);
      return std::nullopt;
   }
   try {
      const DeferredFlushes deferred(journal_, defer);
      return journal_.step_started(run_id_, id, to_string(resolved.kind), hash, inputs, resolved.deadline_ms,
                                   world_.clock().now());
   } catch (const JournalError& e) {
      // Write-ahead: no start record, no side effect.
      stop_message_ = fmt::format("step {} was not run: {}", id, e.what());
      return std::nullopt;
   }
}

Interpreter::Impl::Performed Interpreter::Impl::perform_caught(const std::string& id, const Resolved& resolved,
                                                               const Performer& perform)
{
   const std::string outer_step = current_step_;
   current_step_ = id;
   Performed p;
   try {
      p = perform(resolved);
   } catch (const FlowUnwind& unwind) {
      p.flow = unwind.flow;
      p.outcome = is_failure(unwind.flow) ? step_outcome::Failed : step_outcome::Interrupted;
      p.message = stop_message_;
   } catch (const EvalError& e) {
      p.flow = Flow::Failed;
      p.outcome = step_outcome::Failed;
      p.message = e.what();
   } catch (const SampleFailed& e) {
      p.flow = Flow::Failed;
      p.outcome = step_outcome::Failed;
      p.message = fmt::format("could not sample {}", e.what());
   } catch (const ValueError& e) {
      p.flow = Flow::Failed;
      p.outcome = step_outcome::Failed;
      p.message = e.what();
   }
   current_step_ = outer_step;
   if (p.flow == Flow::Failed && p.outcome == step_outcome::Done) p.outcome = step_outcome::Failed;
   // Ctrl-C abandons the request or sample in flight, so a failure seen at
   // that moment may be the cancellation itself: the step is interrupted
   // (resumable, in doubt when not safe to repeat), never reported failed.
   if (p.flow == Flow::Failed && interrupted()) {
      json result = std::move(p.result);
      if (!p.message.empty()) result["error_when_interrupted"] = redact(p.message);
      p = stop_to_performed(Stop{Stop::Kind::Interrupted, "", "interrupted (Ctrl-C)", ""}, std::move(result));
   }
   return p;
}

bool Interpreter::Impl::journal_outcome(const std::string& id, const Resolved& resolved, const Performed& p,
                                        bool defer)
{
   try {
      const DeferredFlushes deferred(journal_, defer);
      journal_.step_finished(run_id_, id, p.outcome, journal_json(redactor_.redact_json(p.result)), world_.clock().now());
   } catch (const JournalError& e) {
      stop_message_ = fmt::format("the outcome of step {} could not be journaled: {}", id, e.what());
      return false;
   }
   const std::string kind = to_string(resolved.kind);
   emit(RunEvent::Kind::StepFinished, id,
        p.outcome == step_outcome::Done ? kind + " done"
                                        : kind + " " + p.outcome + (p.message.empty() ? "" : ": " + p.message),
        {{"kind", kind}, {"outcome", p.outcome}, {"result", p.result}});
   return true;
}

std::optional<Flow> Interpreter::Impl::schedule_retry(const std::string& id, int next, int of, double every)
{
   const double backoff = retry_backoff_ms(every, next);
   const TimeMs due_at = world_.clock().now() + backoff;
   // Journaled before the wait: a resumed run carries on with this try (exec/retry_history.hpp).
   record("retry", id, {{"attempt", next}, {"of", of}, {"due_at", due_at}});
   emit(RunEvent::Kind::Log, id,
        fmt::format("retrying in {} (attempt {} of {})", Value(backoff, ast::Unit::Duration).display(), next, of));
   return wait_to_retry(due_at);
}

std::optional<Flow> Interpreter::Impl::wait_to_retry(TimeMs due_at)
{
   // Whatever stops the wait before a retry ends the step; a stop that would
   // go on elsewhere (an approval) cannot go on here: the step failed.
   const Stop stop = supervise(due_at);
   if (!stop) return std::nullopt;
   const Flow flow = flow_of(stop);
   return flow == Flow::Next ? Flow::Failed : flow;
}

Flow Interpreter::Impl::conclude_step(const ast::Step& step, Frame& frame, const std::string& id, const Performed& p,
                                      json* result_out)
{
   resume_.set_last_failure_retryable(p.flow == Flow::Failed && p.retryable);
   if (p.flow == Flow::Failed) stop_message_ = p.message;
   if (p.flow == Flow::Next) {
      restore_capture(step, frame, p.result);
      remember_undo(step, frame, id);
   }
   if (result_out != nullptr) *result_out = p.result;
   return p.flow;
}

void Interpreter::Impl::remember_undo(const ast::Step& step, const Frame& frame, const std::string& id)
{
   if (step.options.has_undo)
      undo_stack_.push_back({id, &step.options.undo, std::make_shared<Scope>(*frame.scope), frame, step.id});
}

}  // namespace runbook
