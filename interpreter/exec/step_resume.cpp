// What a resumed run does with a step the journal already knows, before the
// write-ahead protocol (exec/step_journal.cpp) would run it again:
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

namespace runbook {

namespace {

/// The identity half of a def_hash (exec/step_journal.cpp). Records
/// journaled before it had two halves (16 hex digits) have none: for them
/// only the kind is compared.
std::string identity_of(const std::string& def_hash)
{
   return def_hash.size() == 32 ? def_hash.substr(0, 16) : "";
}

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

std::optional<Flow> Interpreter::Impl::refuse_mismatched_record(const StepRecord& known, const std::string& id,
                                                                const Resolved& resolved, const std::string& hash)
{
   // A failed record is run again whatever it was: nothing of it is applied.
   if (known.outcome == step_outcome::Failed) return std::nullopt;
   const std::string change = record_mismatch(known, resolved, hash);
   if (resume_.verifying()) resume_.visited(id);
   if (change.empty()) return std::nullopt;
   const std::string what =
       fmt::format("step {} ({} in the journal) {}", id, is_done(known.outcome) ? "done" : "in doubt", change);
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

Flow Interpreter::Impl::replay_done_step(const ast::Step& step, Frame& frame, const std::string& id,
                                         const Resolved& resolved, const StepRecord& done, const std::string& hash,
                                         json* result_out)
{
   const json result = parse_or_empty(done.result_json);
   if (resume_.verifying() && done.def_hash != hash)
      resume_.changed(fmt::format("step {} ({}) is defined differently now", id, to_string(resolved.kind)));
   if (done.def_hash != hash && !resume_.replay_only()) {
      emit(RunEvent::Kind::Log, id,
           fmt::format("warning: step {} was done under a different definition than the runbook's now; it is "
                       "not redone",
                       id),
           {{"old_hash", done.def_hash}, {"new_hash", hash}});
      record("changed_done_step", id, {{"old_hash", done.def_hash}, {"new_hash", hash}});
   }
   restore_capture(step, frame, result);
   remember_undo(step, frame, id);
   if (result_out != nullptr) *result_out = result;
   if (!resume_.replay_only())
      emit(RunEvent::Kind::StepSkipped, id, fmt::format("{} already done", to_string(resolved.kind)),
           {{"kind", to_string(resolved.kind)}, {"outcome", done.outcome}});
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

Flow Interpreter::Impl::replay_into_container(const Resolved& resolved, const Performer& perform, json* result_out)
{
   // Containers are walked into: their inner steps may be done. Any other
   // step not done is where the replay ends.
   const bool container =
       resolved.kind == StepKind::Call || resolved.kind == StepKind::UndoAll || resolved.kind == StepKind::Undo;
   if (!container) return Flow::ReplayEnd;
   const Performed p = perform(resolved);
   if (result_out != nullptr) *result_out = p.result;
   return p.flow == Flow::Next ? Flow::ReplayEnd : p.flow;
}

// ---------------------------------------------------------------- unfinished steps

std::optional<Flow> Interpreter::Impl::resume_unfinished(const ast::Step& step, const std::string& id,
                                                         Resolved& resolved, const StepRecord& unfinished,
                                                         const std::string& hash)
{
   // Each of these is for one kind of step: at most one applies.
   keep_wait_deadline(id, resolved, unfinished);
   keep_question_deadline(id, resolved, unfinished);
   restart_watch_window(id, resolved);
   if (is_question(resolved.kind) && unfinished.def_hash != hash) {
      resume_.forget_answers(id);
      emit(RunEvent::Kind::Log, id, "its definition changed since it was answered: asking again");
   }
   if (!resolved.safe_to_repeat && !step.options.idempotent) return act_on_in_doubt(id, resolved);
   emit(RunEvent::Kind::Log, id,
        fmt::format("step {} {}; redoing it ({} is safe to repeat)", id, why_unfinished_text(unfinished),
                    to_string(resolved.kind)));
   return std::nullopt;
}

void Interpreter::Impl::keep_wait_deadline(const std::string& id, Resolved& resolved, const StepRecord& unfinished)
{
   if (resolved.kind != StepKind::Wait || !unfinished.deadline_ms) return;
   resolved.deadline_ms = unfinished.deadline_ms;
   // Time while the process was dead is not monitoring time: with
   // triggers armed, the wait owes the time nobody sampled them.
   const TimeMs now = world_.clock().now();
   const TimeMs unwatched = resume_.take_unwatched_gap(now);
   const TimeMs gap = triggers_.empty() ? 0 : unwatched;
   if (gap <= 0) {
      emit(RunEvent::Kind::Log, id, "wait keeps its deadline from before the interruption");
      return;
   }
   *resolved.deadline_ms += gap;
   const std::string text = fmt::format(
       "wait extends by {}: its armed triggers were not sampled while the run was stopped", format_elapsed(gap));
   emit(RunEvent::Kind::Log, id, text);
   record("unwatched_gap", id,
          json{{"gap_ms", gap}, {"from", now - gap}, {"deadline_ms", *resolved.deadline_ms}, {"text", text}});
}

void Interpreter::Impl::keep_question_deadline(const std::string& id, Resolved& resolved,
                                               const StepRecord& unfinished)
{
   if (!is_question(resolved.kind) || !unfinished.deadline_ms) return;
   // A question's timeout runs from when it was first asked: the time
   // the process was dead counts, as it does for the people not answering.
   resolved.deadline_ms = unfinished.deadline_ms;
   emit(RunEvent::Kind::Log, id,
        fmt::format("the question keeps its deadline from before the interruption: {} left",
                    format_elapsed(*resolved.deadline_ms - world_.clock().now())));
}

void Interpreter::Impl::restart_watch_window(const std::string& id, const Resolved& resolved)
{
   if (resolved.kind != StepKind::Watch) return;
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

std::optional<Flow> Interpreter::Impl::act_on_in_doubt(const std::string& id, const Resolved& resolved)
{
   const std::string decision = settle_in_doubt(id, resolved);
   if (decision == "interrupted") return Flow::Interrupted;
   if (decision == "abort" || decision == "fail") {
      // Left unsettled: the run stays resumable, to be settled differently.
      keep_resumable_ = true;
      stop_message_ = fmt::format("step {} is in doubt and was not settled ({}); resume again with "
                                  "--in-doubt redo or --in-doubt skip once you know whether it took effect",
                                  id, decision == "abort" ? "aborted" : "--in-doubt fail");
      return decision == "abort" ? Flow::Aborted : Flow::Failed;
   }
   if (decision == "done") return mark_done_in_doubt(id, resolved);
   return std::nullopt;   // "redo": run it again.
}

Flow Interpreter::Impl::mark_done_in_doubt(const std::string& id, const Resolved& resolved)
{
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

}  // namespace runbook
