// Timers: actions armed to run later, beside whatever the run is doing then.
//
// `after 15m unless resolved { notify.escalate(...) }` arms a timer and the
// run goes on at once. The queue below only knows ids, deadlines and the
// signal that cancels each timer; the interpreter keeps what a timer runs
// (exec/timer_steps.cpp) and journals every change (armed, fired, done,
// cancelled), so a resumed run rebuilds the queue from the journal and a
// deadline that passed while the process was dead fires at once.
//
// A rollback's deadline (`rollback emergency within 5m -> ...`) is a timer of
// its own kind in the same queue: it fires its action once and is dropped
// when the rollback ends.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "exec/clock.hpp"
#include "journal/journal.hpp"

namespace runbook {

struct TimerEntry {
   enum class Kind { Steps, RollbackDeadline, DecisionDeadline } kind = Kind::Steps;
   std::string id;          ///< The `after` step's runtime id, or "rollback:NAME/deadline".
   TimeMs due = 0;          ///< Runbook time (ms since the epoch: the same on every clock).
   std::string signal;      ///< Cancels the timer when given; empty: nothing does.
   std::string what;        ///< "after 15m unless resolved", for people; a decision's default choice.
};

/// The pending timers, earliest first.
class TimerQueue {
public:
   void arm(TimerEntry entry);
   /// Removes and returns the earliest timer due at `now`, if any.
   std::optional<TimerEntry> take_due(TimeMs now);
   /// Removes and returns the timers the signal cancels.
   std::vector<TimerEntry> cancel_by_signal(const std::string& signal);
   /// Removes one timer (a rollback deadline when the rollback ends).
   bool drop(const std::string& id);
   TimeMs next_due() const;
   bool contains(const std::string& id) const;
   /// The timers a run must wait for at its end (rollback deadlines are not among them).
   std::vector<TimerEntry> awaited() const;
   const std::vector<TimerEntry>& pending() const { return pending_; }

private:
   std::vector<TimerEntry> pending_;
};

/// What the journal says about timers, read once on resume: a timer that is
/// settled (its steps done, or cancelled) is not armed again; one that fired
/// but did not finish fires again at once (its done steps are skipped).
struct TimerHistory {
   std::set<std::string> settled;
   std::set<std::string> fired;
   /// When the run entered its rollback (the "mode" event): a rollback's deadline counts from there.
   std::optional<TimeMs> rollback_began_at;
   /// When its steps ended, succeeded or failed (the "rollback_completed" or
   /// "rollback_failed" event): a resume after that (in its `finally`, in a
   /// timer) does not measure them again nor arm their deadline.
   std::optional<TimeMs> rollback_ended_at;
   /// Reads one "timer", "mode" or rollback end event of the journal; ignores other kinds.
   void note(const JournalEvent& event);
};

}  // namespace runbook
