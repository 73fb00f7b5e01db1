// The sustained-condition state machine, rule by rule, as tables:
// readings in (C clear, D deciding, E error) and verdicts out
// (H holding, P pending, U unknown, B breached, L monitoring lost).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "metrics/condition_tracker.hpp"

using runbook::Assessment;
using runbook::ConditionRules;
using runbook::ConditionTracker;
using runbook::Reading;
using runbook::Verdict;

namespace {

Reading reading_of(char c)
{
   switch (c) {
      case 'C': return Reading::Clear;
      case 'D': return Reading::Deciding;
      default: return Reading::Error;
   }
}

char letter(Verdict verdict)
{
   switch (verdict) {
      case Verdict::Holding: return 'H';
      case Verdict::Pending: return 'P';
      case Verdict::Unknown: return 'U';
      case Verdict::Breached: return 'B';
      case Verdict::MonitoringLost: return 'L';
   }
   return '?';
}

/// Feeds `readings` (one letter per sample, spaces ignored) every `interval_ms`, from t = 0.
std::string verdicts(const ConditionRules& rules, std::string_view readings, double interval_ms = 30000)
{
   ConditionTracker tracker(rules);
   std::string out;
   double at = 0;
   for (const char c : readings) {
      if (c == ' ') {
         out += ' ';
         continue;
      }
      out += letter(tracker.observe(reading_of(c), at).verdict);
      at += interval_ms;
   }
   return out;
}

ConditionRules rules(double for_ms = 0, int after = 1, bool consecutive = false, int lost = 3, double window = 0)
{
   ConditionRules r;
   r.for_ms = for_ms;
   r.failures_allowed_before = after;
   r.consecutive = consecutive;
   r.lost_after_errors = lost;
   r.budget_window_ms = window;
   return r;
}

struct Row {
   const char* rule;
   ConditionRules rules;
   const char* readings;
   const char* expected;
};

}  // namespace

TEST_CASE("condition tracker: every rule, sample by sample", "[metrics][condition]")
{
   const double s = 1000;
   const std::vector<Row> table = {
      // No clauses: the first deciding sample decides, a clear one holds.
      {"plain", rules(), "C D C D", "H B H B"},
      {"plain, errors never pass", rules(), "E C E D", "U H U B"},

      // for W (samples every 30s): the first deciding sample starts the span.
      {"for 60s", rules(60 * s), "D D D D", "P P B B"},
      {"for 60s, a clear sample resets", rules(60 * s), "D D C D D D", "P P H P P B"},
      {"for 60s, an error resets", rules(60 * s), "D D E D D D", "P P U P P B"},
      {"for 30s decides on the second sample", rules(30 * s), "D D", "P B"},
      {"for shorter than the interval", rules(10 * s), "D D", "P B"},

      // after K failures: a budget counted over the tracker's life.
      {"after 3 failures", rules(0, 3), "D C D C D", "P H P H B"},
      {"after 3 failures, errors neither count nor forgive", rules(0, 3), "D E D E D", "P U P U B"},
      {"after 3 failures, spent budget decides at once", rules(0, 3), "D D D C D", "P P B H B"},

      // after K consecutive failures: a clear sample or an error breaks the run.
      {"after 3 consecutive", rules(0, 3, true), "D C D C D", "P H P H P"},
      {"after 3 consecutive, in a row", rules(0, 3, true), "D D D D", "P P B B"},
      {"after 3 consecutive, error breaks the run", rules(0, 3, true), "D D E D D D", "P P U P P B"},

      // for and a budget together: a failing sample is one whose span already lasted W.
      {"for 30s after 2 consecutive", rules(30 * s, 2, true), "D D D", "P P B"},
      {"for 30s after 2 total", rules(30 * s, 2), "D D C D D", "P P H P B"},

      // lost after N errors: N in a row, reset by any good sample.
      {"lost after 3", rules(), "E E E E C", "U U L L H"},
      {"lost after 3, interrupted", rules(), "E E C E E D", "U U H U U B"},
      {"lost after 1", rules(0, 1, false, 1), "E C E", "L H L"},
      {"lost wins over a pending span", rules(60 * s), "D E E E D", "P U U L P"},
   };
   for (const Row& row : table) {
      INFO(row.rule << ": " << row.readings);
      CHECK(verdicts(row.rules, row.readings) == row.expected);
   }
}

TEST_CASE("condition tracker: for W is measured in sample time, not sample count", "[metrics][condition]")
{
   ConditionTracker tracker(rules(60000));
   CHECK(tracker.observe(Reading::Deciding, 1000).verdict == Verdict::Pending);
   CHECK(tracker.observe(Reading::Deciding, 50000).verdict == Verdict::Pending);
   CHECK(tracker.observe(Reading::Deciding, 60999).verdict == Verdict::Pending);
   const Assessment met = tracker.observe(Reading::Deciding, 61000);
   CHECK(met.verdict == Verdict::Breached);
   REQUIRE(met.deciding_since);
   CHECK(*met.deciding_since == 1000);
   CHECK(met.explanation == "held on every sample for 1m0s (at least 1m0s)");
}

TEST_CASE("condition tracker: a total budget can be limited to a window", "[metrics][condition]")
{
   // After 2 failures within 60s.
   ConditionTracker tracker(rules(0, 2, false, 3, 60000));
   CHECK(tracker.observe(Reading::Deciding, 0).verdict == Verdict::Pending);
   CHECK(tracker.observe(Reading::Clear, 30000).verdict == Verdict::Holding);
   // The failure at 0 has left the window by 90s.
   CHECK(tracker.observe(Reading::Deciding, 90000).verdict == Verdict::Pending);
   CHECK(tracker.observe(Reading::Deciding, 100000).verdict == Verdict::Breached);
   CHECK(tracker.last().failures == 2);
}

TEST_CASE("condition tracker: assessments carry what the journal needs", "[metrics][condition]")
{
   ConditionTracker tracker(rules(60000, 1, false, 2));
   Assessment a = tracker.observe(Reading::Clear, 0);
   CHECK(a.verdict == Verdict::Holding);
   CHECK_FALSE(a.changed);   // Holding is where a tracker starts.
   CHECK(a.explanation == "the condition is clear");

   a = tracker.observe(Reading::Deciding, 30000);
   CHECK(a.changed);
   CHECK(a.explanation == "in the deciding state for 0ms of the 1m0s required");
   a = tracker.observe(Reading::Deciding, 60000);
   CHECK_FALSE(a.changed);
   CHECK(a.explanation == "in the deciding state for 30s of the 1m0s required");

   a = tracker.observe(Reading::Error, 90000);
   CHECK(a.verdict == Verdict::Unknown);
   CHECK_FALSE(a.deciding_since);
   CHECK(a.consecutive_errors == 1);
   CHECK(a.explanation == "sample error 1 of 2 before monitoring is lost");
   a = tracker.observe(Reading::Error, 120000);
   CHECK(a.verdict == Verdict::MonitoringLost);
   CHECK(a.changed);
   CHECK(a.explanation == "2 consecutive sample errors (lost after 2)");
   CHECK(tracker.verdict() == Verdict::MonitoringLost);

   SECTION("budget explanations")
   {
      ConditionTracker budget(rules(0, 3, true));
      CHECK(budget.observe(Reading::Deciding, 0).explanation == "1 of 3 consecutive failing samples allowed before it decides");
      budget.observe(Reading::Deciding, 1);
      CHECK(budget.observe(Reading::Deciding, 2).explanation == "held on this sample; failing sample 3 of 3 in a row");
   }
   SECTION("reset forgets everything")
   {
      tracker.reset();
      CHECK(tracker.verdict() == Verdict::Holding);
      CHECK(tracker.observe(Reading::Error, 200000).verdict == Verdict::Unknown);
   }
}

TEST_CASE("condition tracker: one concept for triggers and watches", "[metrics][condition]")
{
   // A trigger `error_rate > 1%` decides when the condition is true,
   // a watch `error_rate < 0.1%` when it is false.
   CHECK(runbook::reading_for_trigger(true) == Reading::Deciding);
   CHECK(runbook::reading_for_trigger(false) == Reading::Clear);
   CHECK(runbook::reading_for_watch(false) == Reading::Deciding);
   CHECK(runbook::reading_for_watch(true) == Reading::Clear);
   CHECK(std::string(runbook::verdict_name(Verdict::MonitoringLost)) == "monitoring lost");
}

TEST_CASE("condition tracker: rules from the AST, defaults and clamping", "[metrics][condition]")
{
   runbook::ast::Condition condition;
   ConditionRules r = runbook::rules_for(condition);
   CHECK(r.for_ms == 0);
   CHECK(r.failures_allowed_before == 1);
   CHECK_FALSE(r.consecutive);
   CHECK(r.lost_after_errors == 3);

   CHECK(runbook::rules_for(condition, 5).lost_after_errors == 5);   // The metric's setting.

   condition.for_ms = 300000;
   condition.after_failures = 3;
   condition.consecutive = true;
   condition.lost_after_errors = 2;
   r = runbook::rules_for(condition, 5);
   CHECK(r.for_ms == 300000);
   CHECK(r.failures_allowed_before == 3);
   CHECK(r.consecutive);
   CHECK(r.lost_after_errors == 2);   // The condition's own clause wins.

   // Nonsense the checker should have refused is clamped, never trusted.
   CHECK(verdicts(rules(-5, 0, false, 0), "D E") == "B L");
}

namespace {

ConditionRules total(double for_ms, int after = 1, bool consecutive = false)
{
   ConditionRules r = rules(for_ms, after, consecutive);
   r.for_total = true;
   return r;
}

/// Feeds `readings` every 30s from t = 0, then closes the window at the last sample:
/// the verdict that stands when the watch ends.
Verdict at_window_end(const ConditionRules& rules, std::string_view readings)
{
   ConditionTracker tracker(rules);
   double at = 0;
   double last = 0;
   for (const char c : readings) {
      if (c == ' ') continue;
      tracker.observe(reading_of(c), at);
      last = at;
      at += 30000;
   }
   return tracker.close_window(last).verdict;
}

}  // namespace

TEST_CASE("condition tracker: a watch's for W counts deciding time in total", "[metrics][condition]")
{
   const double s = 1000;
   const std::vector<Row> table = {
      // Each sample's state holds until the next sample: a span ended by a
      // clear sample at 30s counted 30s.
      {"total 60s, broken spans add up", total(60 * s), "D C D C D", "P H P H B"},
      {"consecutive 60s, broken spans never do", rules(60 * s), "D C D C D", "P H P H P"},
      // One unbroken span decides on the same sample either way.
      {"total 60s, one span", total(60 * s), "D D D D", "P P B B"},
      {"total 60s, an error ends a span that still counts", total(60 * s), "D E D D", "P U P B"},
      // Clear time and error time never count, and never forgive.
      {"total 90s, clear time does not count", total(90 * s), "D C C C C D D D", "P H H H H P P B"},
      {"total 60s, after 2 failures", total(60 * s, 2), "D C D D C D", "P H P P H B"},
   };
   for (const Row& row : table) {
      INFO(row.rule << ": " << row.readings);
      CHECK(verdicts(row.rules, row.readings) == row.expected);
   }
}

TEST_CASE("condition tracker: 9 bad minutes and 1 good, three times, exceed 10m in total", "[metrics][condition]")
{
   // The operators' case: 0.4% errors for 27 of 30 minutes never holds 10
   // minutes in a row, but holds 27 in all.
   std::string minute_pattern;
   for (int round = 0; round < 3; ++round) {
      // Appended in two steps: GCC 12 warns falsely (-Warray-bounds) on string(n, c) + "..." here.
      minute_pattern.append(18, 'D');
      minute_pattern += "CC";
   }
   CHECK(verdicts(rules(10 * 60000), minute_pattern).find('B') == std::string::npos);
   const std::string in_total = verdicts(total(10 * 60000), minute_pattern);
   // 18 deciding samples hold 9 minutes (each until the next sample); the next
   // span decides once it adds the tenth: on its third sample, at 11m.
   CHECK(in_total.find('B') == 22);
}

TEST_CASE("condition tracker: a watch's window ending in the deciding state is breached", "[metrics][condition]")
{
   const double m = 60000;
   SECTION("still deciding at the end fails, whatever for W still had to go")
   {
      CHECK(at_window_end(total(2 * m), "C C C D") == Verdict::Breached);
      CHECK(at_window_end(rules(2 * m), "C C C D D") == Verdict::Breached);
      CHECK(at_window_end(rules(), "C C D") == Verdict::Breached);   // already breached stays breached
      CHECK(at_window_end(rules(0, 3), "C C D") == Verdict::Breached);
   }
   SECTION("recovered before the end passes")
   {
      CHECK(at_window_end(total(2 * m), "C D D C") == Verdict::Holding);
      CHECK(at_window_end(rules(2 * m), "D D D C") == Verdict::Holding);
      CHECK(at_window_end(total(2 * m), "C C C C") == Verdict::Holding);
   }
   SECTION("an error last is not a breach (the span ended unseen), and not a pass either")
   {
      CHECK(at_window_end(total(2 * m), "C D D E") == Verdict::Unknown);
   }
   SECTION("what it says")
   {
      ConditionTracker tracker(total(2 * m));
      tracker.observe(Reading::Deciding, 0);
      tracker.observe(Reading::Clear, 30000);
      tracker.observe(Reading::Deciding, 60000);
      tracker.observe(Reading::Deciding, 90000);
      const Assessment closed = tracker.close_window(90000);
      CHECK(closed.verdict == Verdict::Breached);
      CHECK(closed.changed);
      REQUIRE(closed.deciding_since);
      CHECK(*closed.deciding_since == 60000);
      CHECK(closed.held_ms == 60000);
      CHECK(closed.explanation == "still failing when the window ended, for the last 30s; 1m0s in total, where 2m0s fails");
      CHECK(tracker.verdict() == Verdict::Pending);   // Closing changes nothing.
   }
}

TEST_CASE("condition tracker: a total breach explains itself", "[metrics][condition]")
{
   ConditionTracker tracker(total(60000));
   tracker.observe(Reading::Deciding, 0);
   CHECK(tracker.observe(Reading::Clear, 30000).held_ms == 30000);   // The total so far: D held until this sample.
   Assessment a = tracker.observe(Reading::Deciding, 60000);
   CHECK(a.held_ms == 30000);
   CHECK(a.explanation == "in the deciding state for 30s of the 1m0s required in total");
   a = tracker.observe(Reading::Deciding, 90000);
   CHECK(a.verdict == Verdict::Breached);
   CHECK(a.held_ms == 60000);
   CHECK(a.explanation == "held for 1m0s in total (at least 1m0s), the last 30s of it without a break");
   tracker.reset();
   CHECK(tracker.observe(Reading::Deciding, 100000).held_ms == 0);   // reset forgets the total too
}

TEST_CASE("condition tracker: only a watch counts for W in total, and `for W consecutive` opts out", "[metrics][condition]")
{
   runbook::ast::Condition condition;
   condition.for_ms = 120000;
   CHECK_FALSE(runbook::rules_for(condition).for_total);   // triggers and awaits: a state that lasts
   CHECK(runbook::rules_for_watch(condition).for_total);
   condition.for_consecutive = true;
   CHECK_FALSE(runbook::rules_for_watch(condition).for_total);
   CHECK_FALSE(runbook::rules_for(condition).for_total);
}

TEST_CASE("condition tracker: time nobody sampled counts for nothing (a resumed watch)", "[metrics][condition]")
{
   SECTION("an open span moves forward by the gap: deciding time before and after adds up, the gap does not")
   {
      ConditionTracker tracker(rules(60000));
      CHECK(tracker.observe(Reading::Deciding, 0).verdict == Verdict::Pending);
      CHECK(tracker.observe(Reading::Deciding, 30000).verdict == Verdict::Pending);
      tracker.skip_unobserved(600000);   // Dead from 30s to 10m30s.
      REQUIRE(tracker.last().deciding_since);
      CHECK(*tracker.last().deciding_since == 600000);
      // 30s seen before the gap, so 30s more after it (to 11m) make the minute.
      CHECK(tracker.observe(Reading::Deciding, 659999).verdict == Verdict::Pending);
      CHECK(tracker.observe(Reading::Deciding, 660000).verdict == Verdict::Breached);
   }
   SECTION("a budget window's failures move too: the gap does not age them out")
   {
      ConditionTracker tracker(rules(0, 2, false, 3, 60000));
      CHECK(tracker.observe(Reading::Deciding, 0).verdict == Verdict::Pending);
      tracker.skip_unobserved(600000);
      CHECK(tracker.observe(Reading::Deciding, 610000).verdict == Verdict::Breached);
   }
   SECTION("no gap, nothing moves")
   {
      ConditionTracker tracker(rules(60000));
      tracker.observe(Reading::Deciding, 1000);
      tracker.skip_unobserved(0);
      CHECK(*tracker.last().deciding_since == 1000);
   }
}
