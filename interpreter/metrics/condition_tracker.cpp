#include "metrics/condition_tracker.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "io/human_units.hpp"

namespace runbook {

const char* verdict_name(Verdict verdict)
{
   switch (verdict) {
      case Verdict::Holding: return "holding";
      case Verdict::Pending: return "pending";
      case Verdict::Unknown: return "unknown";
      case Verdict::Breached: return "breached";
      case Verdict::MonitoringLost: return "monitoring lost";
   }
   return "unknown";
}

ConditionRules rules_for(const ast::Condition& condition, int metric_lost_after_errors)
{
   ConditionRules rules;
   rules.for_ms = std::max(0.0, condition.for_ms.value_or(0));
   rules.failures_allowed_before = std::max(1, condition.after_failures.value_or(1));
   rules.consecutive = condition.consecutive;
   rules.lost_after_errors = std::max(1, condition.lost_after_errors.value_or(metric_lost_after_errors));
   return rules;
}

ConditionRules rules_for_watch(const ast::Condition& condition, int metric_lost_after_errors)
{
   ConditionRules rules = rules_for(condition, metric_lost_after_errors);
   rules.for_total = !condition.for_consecutive;
   return rules;
}

ConditionTracker::ConditionTracker(ConditionRules rules) : rules_(rules)
{
   // Nonsense clauses (the checker refuses them) are clamped rather than trusted.
   rules_.for_ms = std::max(0.0, rules_.for_ms);
   rules_.failures_allowed_before = std::max(1, rules_.failures_allowed_before);
   rules_.lost_after_errors = std::max(1, rules_.lost_after_errors);
   rules_.budget_window_ms = std::max(0.0, rules_.budget_window_ms);
}

void ConditionTracker::reset()
{
   deciding_since_.reset();
   closed_deciding_ms_ = 0;
   failure_times_.clear();
   consecutive_failures_ = 0;
   consecutive_errors_ = 0;
   last_ = Assessment{};
}

void ConditionTracker::skip_unobserved(double gap_ms)
{
   if (gap_ms <= 0) return;
   if (deciding_since_) *deciding_since_ += gap_ms;
   if (last_.deciding_since) *last_.deciding_since += gap_ms;
   for (double& at : failure_times_) at += gap_ms;
}

double ConditionTracker::held_ms(double at) const
{
   const double span = deciding_since_ ? at - *deciding_since_ : 0;
   return rules_.for_total ? closed_deciding_ms_ + span : span;
}

Verdict ConditionTracker::decide(Reading reading, double at)
{
   // A span that this sample ends counts until this sample: the state read at
   // a sample is taken to hold until the next one.
   if (reading != Reading::Deciding && deciding_since_) closed_deciding_ms_ += at - *deciding_since_;
   switch (reading) {
      case Reading::Error:
         // An error is not evidence either way: it ends a span in the deciding
         // state and a run of failures (they no longer held "on every sample"),
         // and counts toward monitoring lost. It never passes.
         ++consecutive_errors_;
         deciding_since_.reset();
         consecutive_failures_ = 0;
         return consecutive_errors_ >= rules_.lost_after_errors ? Verdict::MonitoringLost : Verdict::Unknown;

      case Reading::Clear:
         consecutive_errors_ = 0;
         deciding_since_.reset();
         consecutive_failures_ = 0;
         return Verdict::Holding;

      case Reading::Deciding:
         break;
   }

   consecutive_errors_ = 0;
   if (!deciding_since_) deciding_since_ = at;
   if (held_ms(at) < rules_.for_ms) return Verdict::Pending;

   // A failing sample: the deciding state has lasted `for` (or there is no `for`).
   ++consecutive_failures_;
   failure_times_.push_back(at);
   // Only the latest K failures can ever matter, so the memory stays bounded.
   while (failure_times_.size() > static_cast<std::size_t>(rules_.failures_allowed_before)) failure_times_.pop_front();
   if (rules_.budget_window_ms > 0) {
      while (!failure_times_.empty() && failure_times_.front() <= at - rules_.budget_window_ms) failure_times_.pop_front();
   }
   const int counted = rules_.consecutive ? consecutive_failures_ : static_cast<int>(failure_times_.size());
   return counted >= rules_.failures_allowed_before ? Verdict::Breached : Verdict::Pending;
}

Assessment ConditionTracker::observe(Reading reading, double at)
{
   const Verdict previous = last_.verdict;
   const Verdict verdict = decide(reading, at);

   Assessment assessment;
   assessment.verdict = verdict;
   assessment.changed = verdict != previous;
   assessment.deciding_since = deciding_since_;
   assessment.held_ms = held_ms(at);
   assessment.failures = rules_.consecutive ? consecutive_failures_ : static_cast<int>(failure_times_.size());
   assessment.consecutive_errors = consecutive_errors_;

   const std::string span = deciding_since_ ? format_duration_ms(at - *deciding_since_) : std::string();
   const std::string held = format_duration_ms(assessment.held_ms);
   switch (verdict) {
      case Verdict::Holding:
         assessment.explanation = "the condition is clear";
         break;
      case Verdict::Pending:
         if (assessment.held_ms < rules_.for_ms) {
            assessment.explanation = fmt::format("in the deciding state for {} of the {} required{}", held,
                                                 format_duration_ms(rules_.for_ms), rules_.for_total ? " in total" : "");
         } else {
            assessment.explanation = fmt::format("{} of {} {}failing samples allowed before it decides", assessment.failures,
                                                 rules_.failures_allowed_before, rules_.consecutive ? "consecutive " : "");
         }
         break;
      case Verdict::Unknown:
         assessment.explanation = fmt::format("sample error {} of {} before monitoring is lost", consecutive_errors_, rules_.lost_after_errors);
         break;
      case Verdict::Breached:
         if (rules_.for_ms > 0 && rules_.for_total) {
            assessment.explanation = fmt::format("held for {} in total (at least {}), the last {} of it without a break", held,
                                                 format_duration_ms(rules_.for_ms), span);
         } else if (rules_.for_ms > 0) {
            assessment.explanation = fmt::format("held on every sample for {} (at least {})", span, format_duration_ms(rules_.for_ms));
         } else {
            assessment.explanation = "held on this sample";
         }
         if (rules_.failures_allowed_before > 1) {
            assessment.explanation += fmt::format("; failing sample {} of {}{}", assessment.failures, rules_.failures_allowed_before,
                                                  rules_.consecutive ? " in a row" : "");
         }
         break;
      case Verdict::MonitoringLost:
         assessment.explanation = fmt::format("{} consecutive sample errors (lost after {})", consecutive_errors_, rules_.lost_after_errors);
         break;
   }
   last_ = assessment;
   return assessment;
}

Assessment ConditionTracker::close_window(double at) const
{
   if (!deciding_since_ || last_.verdict == Verdict::Breached) return last_;
   Assessment closing = last_;
   closing.verdict = Verdict::Breached;
   closing.changed = true;
   closing.held_ms = held_ms(at);
   closing.explanation = fmt::format("still failing when the window ended, for the last {}{}",
                                     format_duration_ms(at - *deciding_since_),
                                     rules_.for_total && rules_.for_ms > 0
                                        ? fmt::format("; {} in total, where {} fails", format_duration_ms(closing.held_ms),
                                                      format_duration_ms(rules_.for_ms))
                                        : "");
   return closing;
}

}  // namespace runbook
