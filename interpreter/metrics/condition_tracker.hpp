// The sustained-condition state machine: one concept for watches and triggers.
//
// A condition is watched by sampling it again and again. Each sample gives a
// reading: the condition is in its *deciding* state, it is not, or the
// sample failed. The deciding state is the bad one in both uses:
//
//   trigger  `when error_rate > 1% for 5m`   deciding = the condition is true
//   watch    `{ error_rate < 0.1% for 2m }`  deciding = the condition is false
//
// The caller turns its expression result into a Reading (see
// reading_for_trigger / reading_for_watch) and the tracker applies the
// clauses of docs/language.md "Conditions" (docs/metrics.md has the full
// rules with examples):
//
//   for W                      the deciding state held on every sample across
//                              at least W. The first sample in the state starts
//                              the span (Prometheus `for:`); a sample in the
//                              other state or an error ends it.
//   for W, total (a watch's    the deciding state held for at least W in all,
//   `for W` without            over the tracker's life: every span counts from
//   `consecutive`)             its first deciding sample to the sample that
//                              ended it (each sample's state holds until the
//                              next sample), the current span up to now.
//   after K failures           a failure budget: only the K-th failing sample
//                              decides (total within the budget window).
//   after K consecutive ...    ... K failing samples in a row.
//   lost after N errors        N errors in a row are "monitoring lost", a
//                              verdict of its own. An error never passes.
//
// A failing sample is a deciding sample whose span (or, for a total window,
// the deciding time in all) has lasted at least W (so without `for`, every
// deciding sample). A watch asks `close_window` after its last sample: a
// condition still deciding then is breached, whatever W says, because a
// window that ends in the bad state cannot be called a pass. The tracker is
// pure: no I/O, time is passed in, so it is exhaustively testable and
// deterministic in simulation.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "syntax/ast.hpp"

namespace runbook {

/// What one sample said about the condition.
enum class Reading {
   Clear,      ///< The condition is not in its deciding (bad) state.
   Deciding,   ///< The condition is in its deciding (bad) state.
   Error,      ///< The sample failed (or the expression could not be evaluated).
};

/// A trigger's condition describes the bad state: true decides.
inline Reading reading_for_trigger(bool condition_true) { return condition_true ? Reading::Deciding : Reading::Clear; }
/// A watch condition describes the good state: false decides.
inline Reading reading_for_watch(bool condition_true) { return condition_true ? Reading::Clear : Reading::Deciding; }

/// The verdict after a sample. Exactly one at a time.
enum class Verdict {
   Holding,          ///< Nothing to decide: the last sample was clear.
   Pending,          ///< In the deciding state, not yet for long enough or not yet over budget.
   Unknown,          ///< The last sample was an error; not (yet) monitoring lost. Never a pass.
   Breached,         ///< Decided: the watch fails, the trigger fires.
   MonitoringLost,   ///< `lost after N errors` consecutive errors.
};

const char* verdict_name(Verdict verdict);

/// The clauses of one condition, with the defaults applied.
struct ConditionRules {
   double for_ms = 0;                 ///< `for W`; 0: a single deciding sample suffices.
   bool for_total = false;            ///< W counts all deciding time, not one unbroken span (a watch's `for W`).
   int failures_allowed_before = 1;   ///< `after K failures`: K (the K-th failing sample decides); 1: the first.
   bool consecutive = false;          ///< `after K consecutive failures`.
   double budget_window_ms = 0;       ///< Total budgets count failures within this span; 0: the tracker's lifetime.
   int lost_after_errors = 3;         ///< `lost after N errors`.
};

/// The rules of an AST condition; `metric_lost_after_errors` is the default
/// from the metric declaration (the condition's own clause wins). A trigger's
/// or an await's `for W` is one unbroken span: they are about a state that lasts.
ConditionRules rules_for(const ast::Condition& condition, int metric_lost_after_errors = 3);
/// The same for a watch's success criterion: its `for W` counts the deciding
/// time in total over the window, unless written `for W consecutive`.
ConditionRules rules_for_watch(const ast::Condition& condition, int metric_lost_after_errors = 3);

/// The tracker's answer to one sample, with what the journal needs to explain it.
struct Assessment {
   Verdict verdict = Verdict::Holding;
   bool changed = false;                   ///< The verdict differs from the previous sample's.
   std::optional<double> deciding_since;   ///< Start of the current span in the deciding state.
   double held_ms = 0;                     ///< Deciding time counted toward `for W` (the span, or the total).
   int failures = 0;                       ///< Failing samples counted toward the budget.
   int consecutive_errors = 0;
   std::string explanation;                ///< "deciding for 5m0s (since the sample at ...)", for logs.
};

/// A sample that decides nothing: the condition holds, as it did at the previous sample.
inline bool is_quiet(const Assessment& a)
{
   return a.verdict == Verdict::Holding && !a.changed;
}

class ConditionTracker {
public:
   explicit ConditionTracker(ConditionRules rules);

   /// Feeds one sample taken at runbook time `at` (ms). Samples must come in time order.
   Assessment observe(Reading reading, double at);

   Verdict verdict() const { return last_.verdict; }
   const Assessment& last() const { return last_; }
   const ConditionRules& rules() const { return rules_; }

   /// After a watch's last sample at `at`: a condition still in the deciding
   /// state is breached (it was never seen to recover); otherwise the last
   /// assessment stands. Changes nothing.
   Assessment close_window(double at) const;

   /// Forgets everything (the operator chose to keep watching after monitoring was lost).
   void reset();

   /// Time nobody sampled (the process was dead before a resume) is neither
   /// deciding nor clear: an open span and the budget's failure times move
   /// forward by it, so the deciding time and the budget count what was seen
   /// before and after the gap, and nothing for the gap itself.
   void skip_unobserved(double gap_ms);

private:
   Verdict decide(Reading reading, double at);

   ConditionRules rules_;
   double held_ms(double at) const;

   std::optional<double> deciding_since_;
   double closed_deciding_ms_ = 0;      ///< Deciding time of the spans already ended (total windows).
   std::deque<double> failure_times_;   ///< Failing samples inside the budget window (total budgets).
   int consecutive_failures_ = 0;
   int consecutive_errors_ = 0;
   Assessment last_;
};

}  // namespace runbook
