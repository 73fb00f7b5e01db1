// What a run settles before it may end. "All steps done" is not "done": a
// P1 trigger in its grace period, a breach whose `for` window has not
// elapsed, or an escalation timer still pending would otherwise be dropped
// with the process, and the run would say "completed" while nothing watches.
//
//   settle_leaving_triggers  after a phase, the triggers the next phase does
//                            not arm (after the last phase: all of them):
//                            samples them once more, then waits for each
//                            pending breach to clear or act,
//                            bounded by its window (P1: its grace period)
//   wait_for_timers          at the end (completed or rolled back, the
//                            rollback failed included): waits for pending
//                            `after` timers unless their signal cancels them
#include <algorithm>

#include <fmt/core.h>

#include "exec/interpreter_impl.hpp"
#include "io/human_units.hpp"
#include "syntax/phase_arms.hpp"

namespace runbook {

namespace {

std::string join(const std::vector<std::string>& items)
{
   std::string out;
   for (const auto& item : items) out += (out.empty() ? "" : "; ") + item;
   return out;
}

}  // namespace

Flow Interpreter::Impl::flow_of(const Stop& stop)
{
   stop_message_ = stop.reason;
   switch (stop.kind) {
   case Stop::Kind::Interrupted: return Flow::Interrupted;
   case Stop::Kind::Rollback: stop_rollback_ = stop.rollback; return Flow::Rollback;
   case Stop::Kind::Abort: return Flow::Aborted;
   case Stop::Kind::Fail: return Flow::Failed;
   case Stop::Kind::LeaseLost: return Flow::JournalBroken;
   case Stop::Kind::Approved:
   case Stop::Kind::Defaulted:
   case Stop::Kind::None: break;
   }
   return Flow::Next;
}

// ---------------------------------------------------------------- pending triggers

namespace {

/// A trigger the run must not end under, and until when it may take to settle.
struct PendingTrigger {
   std::string text;
   TimeMs until = 0;
};

std::optional<PendingTrigger> pending_of(const ArmedTrigger& armed)
{
   const ast::Trigger& t = *armed.trigger;
   if (t.manual) return std::nullopt;
   if (armed.grace_until)
      return PendingTrigger{fmt::format("P1 {} in its grace period (rolls back unless it clears)", t.name),
                            *armed.grace_until};
   const Assessment& last = armed.tracker.last();
   if (last.verdict != Verdict::Pending || !last.deciding_since || armed.fired) return std::nullopt;
   // Bounded by its window: the breach has until its `for` has elapsed (and
   // one more sample to see it) to become a breach or clear.
   const TimeMs until = *last.deciding_since + armed.tracker.rules().for_ms + armed.every_ms;
   return PendingTrigger{fmt::format("trigger {} pending (breach began, its window has not elapsed)", t.name), until};
}

}  // namespace

Flow Interpreter::Impl::settle_leaving_triggers(const ast::Phase& done, const ast::Phase* next)
{
   // A trigger the next phase arms goes on watching there with its state; the
   // others are disarmed when this phase ends, so what they were deciding is
   // decided first.
   const auto leaving = [&](const ArmedTrigger& armed) { return next == nullptr || !phase_arms(*next, armed.trigger->name); };
   // A breach that began after the last sample has not been seen: one more
   // round now, so no phase ends under a breach nobody sampled.
   const TimeMs phase_done = world_.clock().now();
   for (auto& armed : triggers_)
      if (!armed.trigger->manual && leaving(armed)) armed.next_due = std::min(armed.next_due, phase_done);   // manual: nothing to sample
   if (const Stop stop = sample_triggers()) return flow_of(stop);

   const std::string what = next == nullptr ? "the run ends" : fmt::format("phase \"{}\" ends", done.title);
   bool announced = false;
   std::vector<std::string> waiting;
   TimeMs until = 0;
   const auto look = [&] {
      waiting.clear();
      until = 0;
      for (const auto& armed : triggers_) {
         if (!leaving(armed)) continue;
         if (const auto p = pending_of(armed)) {
            waiting.push_back(p->text);
            until = std::max(until, p->until);
         }
      }
      return waiting.empty();
   };
   for (;;) {
      if (look()) return Flow::Next;
      const TimeMs now = world_.clock().now();
      if (now >= until) {
         emit(RunEvent::Kind::Log, current_step_, fmt::format("warning: {} with a pending breach: {}", what, join(waiting)),
              {{"pending_triggers", waiting}});
         record("pending_at_end", current_step_, {{"triggers", waiting}, {"phase", next ? done.title : ""}});
         return Flow::Next;
      }
      if (!announced) {
         announced = true;
         const std::string text =
            fmt::format("{}; waiting (at most {}) before {}: {}", next ? "phase done" : "all phases done",
                        format_elapsed(until - now), what, join(waiting));
         emit(RunEvent::Kind::Log, current_step_, text, {{"waiting_for", waiting}, {"until", until}});
         record("waiting_at_end", current_step_, {{"triggers", waiting}, {"until", until}, {"phase", next ? done.title : ""}});
      }
      // Ends early when everything settled (a clear, a breach that acted).
      if (const Stop stop = supervise(until, look)) return flow_of(stop);
   }
}

// ---------------------------------------------------------------- pending timers

Flow Interpreter::Impl::wait_for_timers()
{
   std::size_t announced = 0;
   for (;;) {
      const std::vector<TimerEntry> waiting = timers_.awaited();
      if (waiting.empty()) return Flow::Next;
      if (waiting.size() != announced) {
         announced = waiting.size();
         json list = json::array();
         std::vector<std::string> words;
         for (const auto& t : waiting) {
            list.push_back({{"timer", t.id}, {"due", t.due}, {"signal", t.signal}, {"what", t.what}});
            words.push_back(fmt::format("{} ({}, in {})", t.id, t.what,
                                        format_elapsed(t.due - world_.clock().now())));
         }
         emit(RunEvent::Kind::Log, "",
              fmt::format("waiting for {} pending timer{} before the run ends: {}", waiting.size(),
                          waiting.size() == 1 ? "" : "s", join(words)),
              {{"waiting_for_timers", list}});
         record("waiting_for_timers", "", {{"timers", list}});
      }
      // Ends early when a signal cancels the first (the run need not sit out its deadline).
      const std::string first = waiting.front().id;
      if (const Stop stop = supervise(waiting.front().due, [&] { return !timers_.contains(first); }))
         return flow_of(stop);
   }
}

// A rollback that failed (traffic on blue, a check still failing) is when
// escalation matters most: its timers are waited for as after a rollback
// that succeeded, and the rollback's own failure stands unless something
// stops the wait (Ctrl-C, an abort, a timer's rollback or abort). An
// aborted or interrupted rollback does not wait.
Flow Interpreter::Impl::wait_for_timers_after_rollback(Flow flow)
{
   if (flow == Flow::Next) return wait_for_timers();
   if (!is_failure(flow)) return flow;
   const std::string failure = stop_message_;
   const Flow waited = wait_for_timers();
   if (waited != Flow::Next) return waited;
   stop_message_ = failure;
   return flow;
}

}  // namespace runbook
