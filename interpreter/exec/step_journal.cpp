// The write-ahead protocol around every step, and what a resumed run does
// with what the journal says about it.
//
//   done (or marked done)    skipped; its captures restored; a changed
//                            definition is reported
//   started, no outcome      in doubt: redone when safe to repeat, otherwise
//   (or stopped by Ctrl-C)   settled by --in-doubt or the operator
//   failed                   run again
//
// A done or in-doubt record applies only to a step of the same kind and
// definition (record_mismatch): anything else is refused, saying what changed.
#include "exec/interpreter_impl.hpp"
#include "io/human_units.hpp"

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

namespace {

/// The identity half of a def_hash. Records journaled before it had two
/// halves (16 hex digits) have none: for them only the kind is compared.
std::string identity_of(const std::string& def_hash)
{
   return def_hash.size() == 32 ? def_hash.substr(0, 16) : "";
}

}  // namespace

std::string Interpreter::Impl::record_mismatch(const StepRecord& record, const Resolved& resolved,
                                               const std::string& hash) const
{
   // Step ids are positional: a step inserted or deleted before a recorded
   // one moves the record onto a different step. Applied there, a done or
   // in-doubt record would mark a step done that was never performed.
   const std::string was = fmt::format("{} `{}`", record.kind, journaled_summary(record.inputs_json));
   const std::string now = fmt::format("{} `{}`", to_string(resolved.kind), resolved.inputs.value("summary", ""));
   const auto record_kind = step_kind_from_string(record.kind);
   if (record_kind != resolved.kind) return fmt::format("was {}, is now {}", was, now);
   // A question still open is asked again when its wording changed (below):
   // its record applies nothing that the new wording would not ask for.
   const bool open_question =
       !is_done(record.outcome) && is_question(resolved.kind);
   if (open_question) return "";
   const std::string old_identity = identity_of(record.def_hash);
   if (!old_identity.empty() && old_identity != identity_of(hash))
      return fmt::format("was {}, is now defined differently: {}", was, now);
   return "";
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

json parse_or_empty(const std::string& text)
{
   json parsed = json::parse(text.empty() ? "{}" : text, nullptr, false);
   return parsed.is_discarded() ? json::object() : parsed;
}

// Why an unfinished step is being redone, as the journal tells it: a clean
// stop (Ctrl-C, a trigger, an abort) journaled its interruption and reason;
// a start with no outcome at all means the process died mid-step.
std::string why_unfinished_text(const StepRecord& record)
{
   if (record.outcome != step_outcome::Interrupted) return "was in doubt (its process died before recording an outcome)";
   const std::string reason = parse_or_empty(record.result_json).value("error", "");
   if (reason == "interrupted (Ctrl-C)") return "was interrupted by Ctrl-C";
   return reason.empty() ? "was interrupted" : fmt::format("was stopped ({})", reason);
}

}  // namespace

std::string Interpreter::Impl::settle_in_doubt(const std::string& id, const Resolved& resolved)
{
   std::string decision;
   std::string who;
   switch (settings_.in_doubt) {
   case InDoubtPolicy::Redo: decision = "redo"; who = "--in-doubt redo"; break;
   case InDoubtPolicy::Skip: decision = "done"; who = "--in-doubt skip"; break;
   case InDoubtPolicy::Fail: decision = "fail"; who = "--in-doubt fail"; break;
   case InDoubtPolicy::Ask: {
      Question q;
      q.kind = Question::Kind::InDoubt;
      q.step_id = id;
      q.text = redact(fmt::format(
         "step {} ({}: {}) started before the interruption but its outcome is unknown: it may or may not have "
         "taken effect. Redo it, mark it done, or abort?",
         id, to_string(resolved.kind), resolved.inputs.value("summary", "")));
      q.choices = {"redo", "mark done", "abort"};
      q.default_choice = "abort";      // --yes never guesses about a non-idempotent effect.
      q.fail_closed_choice = "abort";
      Stop stop;
      const Answer answer = ask(q, stop, false);
      if (stop) return stop.kind == Stop::Kind::Interrupted ? "interrupted" : "abort";
      decision = answer.choice == "redo" ? "redo" : answer.choice == "mark done" ? "done" : "abort";
      who = answer.who;
      break;
   }
   }
   record("in_doubt", id, {{"decision", decision}, {"by", who}, {"kind", to_string(resolved.kind)}});
   emit(RunEvent::Kind::Log, id, fmt::format("in-doubt step {}: {} (decided by {})", id, decision, who),
        {{"decision", decision}, {"by", who}});
   return decision;
}

void Interpreter::Impl::forget_inner_records(const std::string& id, const RetryHistory::Pending* only_before)
{
   resume_.forget_inner_records(id, only_before);
}

Flow Interpreter::Impl::journaled(const ast::Step& step, Frame& frame, const std::string& id, Resolved resolved,
                                  const Performer& perform, json* result_out)
{
   resume_.set_last_failure_retryable(false);
   const std::string hash = def_hash(step, resolved);

   // ---- what the journal already knows about this step (resume)
   const StepRecord* known = resume_.record_of(id);
   if (known != nullptr && known->outcome != step_outcome::Failed) {
      // A done or in-doubt record applies only to the step it was written for.
      const std::string change = record_mismatch(*known, resolved, hash);
      if (resume_.verifying()) resume_.visited(id);
      if (!change.empty()) {
         const std::string what =
             fmt::format("step {} ({} in the journal) {}", id, is_done(known->outcome) ? "done" : "in doubt", change);
         if (resume_.verifying()) {
            resume_.changed(what);
            return Flow::ReplayEnd;
         }
         keep_resumable_ = true;
         stop_message_ = fmt::format("{}: the journal's record is not applied to a different step; resume without "
                                     "--use-current to continue with the journaled source",
                                     what);
         emit(RunEvent::Kind::Log, id, stop_message_);
         return Flow::Failed;
      }
   }
   if (known != nullptr && is_done(known->outcome)) {
      const StepRecord& record_of_step = *known;
      const json result = parse_or_empty(record_of_step.result_json);
      if (resume_.verifying() && record_of_step.def_hash != hash)
         resume_.changed(fmt::format("step {} ({}) is defined differently now", id, to_string(resolved.kind)));
      if (record_of_step.def_hash != hash && !resume_.replay_only()) {
         emit(RunEvent::Kind::Log, id,
              fmt::format("warning: step {} was done under a different definition than the runbook's now; it is "
                          "not redone",
                          id),
              {{"old_hash", record_of_step.def_hash}, {"new_hash", hash}});
         record("changed_done_step", id, {{"old_hash", record_of_step.def_hash}, {"new_hash", hash}});
      }
      restore_capture(step, frame, result);
      if (step.options.has_undo)
         undo_stack_.push_back({id, &step.options.undo, std::make_shared<Scope>(*frame.scope), frame, step.id});
      if (result_out != nullptr) *result_out = result;
      if (!resume_.replay_only())
         emit(RunEvent::Kind::StepSkipped, id, fmt::format("{} already done", to_string(resolved.kind)),
              {{"kind", to_string(resolved.kind)}, {"outcome", record_of_step.outcome}});
      // Leaving the forward path is a fact too: a resumed run leaves it again.
      if (resolved.kind == StepKind::Abort) {
         stop_message_ = resolved.inputs.value("reason", "aborted");
         return Flow::Aborted;
      }
      if (resolved.kind == StepKind::Rollback) {
         stop_rollback_ = resolved.inputs.value("target", "");
         return Flow::Rollback;
      }
      return Flow::Next;
   }
   if (resume_.replay_only()) {
      // Containers are walked into: their inner steps may be done.
      const bool container =
          resolved.kind == StepKind::Call || resolved.kind == StepKind::UndoAll || resolved.kind == StepKind::Undo;
      if (!container) return Flow::ReplayEnd;
      const Performed p = perform(resolved);
      if (result_out != nullptr) *result_out = p.result;
      return p.flow == Flow::Next ? Flow::ReplayEnd : p.flow;
   }
   if (known != nullptr && (known->outcome.empty() || known->outcome == step_outcome::Interrupted)) {
      const StepRecord& in_doubt = *known;
      if (resolved.kind == StepKind::Wait && in_doubt.deadline_ms) {
         resolved.deadline_ms = in_doubt.deadline_ms;
         // Time while the process was dead is not monitoring time: with
         // triggers armed, the wait owes the time nobody sampled them.
         const TimeMs now = world_.clock().now();
         const TimeMs unwatched = resume_.take_unwatched_gap(now);
         const TimeMs gap = triggers_.empty() ? 0 : unwatched;
         if (gap > 0) {
            *resolved.deadline_ms += gap;
            const std::string text = fmt::format(
                "wait extends by {}: its armed triggers were not sampled while the run was stopped",
                format_elapsed(gap));
            emit(RunEvent::Kind::Log, id, text);
            record("unwatched_gap", id,
                   json{{"gap_ms", gap}, {"from", now - gap}, {"deadline_ms", *resolved.deadline_ms}, {"text", text}});
         } else {
            emit(RunEvent::Kind::Log, id, "wait keeps its deadline from before the interruption");
         }
      }
      const bool question = is_question(resolved.kind);
      if (question && in_doubt.deadline_ms) {
         // A question's timeout runs from when it was first asked: the time
         // the process was dead counts, as it does for the people not answering.
         resolved.deadline_ms = in_doubt.deadline_ms;
         emit(RunEvent::Kind::Log, id,
              fmt::format("the question keeps its deadline from before the interruption: {} left",
                          format_elapsed(*resolved.deadline_ms - world_.clock().now())));
      }
      if (resolved.kind == StepKind::Watch) {
         // Its window restarts, but what it saw before is kept: run_watch
         // replays the journaled samples and skips the time nobody sampled.
         const TimeMs now = world_.clock().now();
         const TimeMs gap = resume_.take_unwatched_gap(now);
         resume_.resume_watch(id, gap);
         emit(RunEvent::Kind::Log, id,
              fmt::format("watch restarts its window and keeps the samples it journaled before the interruption; "
                          "the {} while the run was stopped were not observed and count for nothing",
                          format_elapsed(gap)));
      }
      if (question && in_doubt.def_hash != hash) {
         resume_.forget_answers(id);
         emit(RunEvent::Kind::Log, id, "its definition changed since it was answered: asking again");
      }
      if (!resolved.safe_to_repeat && !step.options.idempotent) {
         const std::string decision = settle_in_doubt(id, resolved);
         if (decision == "interrupted") return Flow::Interrupted;
         if (decision == "abort" || decision == "fail") {
            keep_resumable_ = true;
            stop_message_ = fmt::format("step {} is in doubt and was not settled ({}); resume again with "
                                        "--in-doubt redo or --in-doubt skip once you know whether it took effect",
                                        id, decision == "abort" ? "aborted" : "--in-doubt fail");
            return decision == "abort" ? Flow::Aborted : Flow::Failed;
         }
         if (decision == "done") {
            try {
               journal_.step_finished(run_id_, id, step_outcome::MarkedDone,
                                      json{{"settled", "marked done while in doubt"}}.dump(), world_.clock().now());
            } catch (const JournalError& e) {
               stop_message_ = e.what();
               return Flow::JournalBroken;
            }
            emit(RunEvent::Kind::StepSkipped, id, "marked done (was in doubt)", {{"kind", to_string(resolved.kind)}});
            return Flow::Next;
         }
      } else {
         emit(RunEvent::Kind::Log, id,
              fmt::format("step {} {}; redoing it ({} is safe to repeat)", id, why_unfinished_text(in_doubt),
                          to_string(resolved.kind)));
      }
   }

   // ---- do it: start record, effect, outcome record; retries are new attempts
   const bool defer = effect_free(resolved.kind, resolved.safe_to_repeat);
   const int retries = step.options.retry_count.value_or(0);
   const double every = step.options.retry_every_ms.value_or(1000);
   // Stops the wait before a retry: whatever stopped it ends the step.
   auto wait_to_retry = [&](TimeMs due_at) -> std::optional<Flow> {
      const Stop stop = supervise(due_at);
      if (!stop) return std::nullopt;
      stop_message_ = stop.reason;
      if (stop.kind == Stop::Kind::Rollback) stop_rollback_ = stop.rollback;
      return stop.kind == Stop::Kind::Interrupted ? Flow::Interrupted
             : stop.kind == Stop::Kind::Rollback  ? Flow::Rollback
             : stop.kind == Stop::Kind::Abort     ? Flow::Aborted
                                                  : Flow::Failed;
   };
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
      const std::string inputs = journal_json(redactor_.redact_json(resolved.inputs));
      int attempt = 0;
      // A journal deleted or replaced under the run would take this step's
      // records with it: stop before its side effect, saying why.
      if (const std::string problem = journal_.file_problem(); !problem.empty()) {
         stop_message_ = fmt::format("step {} was not run: {}; stopping before its side effect (put the journal "
                                     "back, or pass --journal PATH to start a new one)",
                                     id, problem);
         return Flow::JournalBroken;
      }
      try {
         const DeferredFlushes deferred(journal_, defer);
         attempt = journal_.step_started(run_id_, id, to_string(resolved.kind), hash, inputs, resolved.deadline_ms,
                                         world_.clock().now());
      } catch (const JournalError& e) {
         // Write-ahead: no start record, no side effect.
         stop_message_ = fmt::format("step {} was not run: {}", id, e.what());
         return Flow::JournalBroken;
      }
      json started{{"kind", to_string(resolved.kind)}, {"attempt", attempt}, {"inputs", resolved.inputs}};
      if (resolved.deadline_ms) started["deadline_ms"] = *resolved.deadline_ms;   // A wait's end (kept on resume).
      emit(RunEvent::Kind::StepStarted, id, redact(to_string(resolved.kind) + " " + resolved.inputs.value("summary", "")), started);

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
      if (!p.message.empty()) p.result["error"] = redact(p.message);
      p.result["attempt"] = attempt;

      try {
         const DeferredFlushes deferred(journal_, defer);
         journal_.step_finished(run_id_, id, p.outcome, journal_json(redactor_.redact_json(p.result)), world_.clock().now());
      } catch (const JournalError& e) {
         stop_message_ = fmt::format("the outcome of step {} could not be journaled: {}", id, e.what());
         return Flow::JournalBroken;
      }
      const std::string kind = to_string(resolved.kind);
      emit(RunEvent::Kind::StepFinished, id,
           p.outcome == step_outcome::Done ? kind + " done"
                                           : kind + " " + p.outcome + (p.message.empty() ? "" : ": " + p.message),
           {{"kind", kind}, {"outcome", p.outcome}, {"result", p.result}});

      if (p.flow == Flow::Failed && p.retryable && tried < retries) {
         const int next = tried + 2;
         const double backoff = retry_backoff_ms(every, next);
         const TimeMs due_at = world_.clock().now() + backoff;
         // Journaled before the wait: a resumed run carries on with this try (exec/retry_history.hpp).
         record("retry", id, {{"attempt", next}, {"of", retries + 1}, {"due_at", due_at}});
         emit(RunEvent::Kind::Log, id,
              fmt::format("retrying in {} (attempt {} of {})", Value(backoff, ast::Unit::Duration).display(), next,
                          retries + 1));
         if (const auto stopped = wait_to_retry(due_at)) return *stopped;
         // A call is retried as a whole: its steps are redone, whatever the
         // journal says they did in the try that failed.
         forget_inner_records(id);
         continue;
      }
      resume_.set_last_failure_retryable(p.flow == Flow::Failed && p.retryable);
      if (p.flow == Flow::Failed) stop_message_ = p.message;
      if (p.flow == Flow::Next) {
         restore_capture(step, frame, p.result);
         if (step.options.has_undo)
            undo_stack_.push_back({id, &step.options.undo, std::make_shared<Scope>(*frame.scope), frame, step.id});
      }
      if (result_out != nullptr) *result_out = p.result;
      return p.flow;
   }
}

}  // namespace runbook
