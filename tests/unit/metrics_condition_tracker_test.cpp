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
