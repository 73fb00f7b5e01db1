// Triggers beside every step, by severity, on a virtual clock.
#include "exec_test_support.hpp"

#include "exec/exit_codes.hpp"

using namespace runbook;
using namespace runbook::testing;

namespace {

const std::string head = R"(runbook "t"
metric error_rate = http get "http://127.0.0.1:1/m" json ".value" unit %
)";

const std::string tail = R"(
rollback emergency {
  sh "route blue 100"
}
)";

/// Error rate: 0.2% until `from`, then 2% until `to` (minutes since t0).
std::function<Sample(double)> spike(double from, double to = 1e9)
{
   return [from, to](double minutes) { return value(minutes >= from && minutes < to ? 2.0 : 0.2); };
}

double rollback_time(const FakeWorld& world)
{
   for (const auto& call : world.shell_calls)
      if (call.command == "route blue 100") return call.at;
   return -1;
}

}  // namespace

TEST_CASE("P0 during a wait: the rollback starts within one sample interval of the sustained condition", "[exec][triggers]")
{
   Harness h(head + R"(
trigger high "High error rate" when error_rate > 1% for 2m every 10s severity P0 -> rollback emergency
phase "Canary" arms all {
  wait 1h
  sh "never"
}
)" + tail);
   h.world.metrics["error_rate"] = spike(10);
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   // Sustained from 10m for 2m: met at 12m; the first rollback side effect at once.
   const double met = t0 + 12 * 60000;
   CHECK(rollback_time(h.world) >= met);
   CHECK(rollback_time(h.world) <= met + 10000);
   CHECK(h.steps(out.run_id).at("canary/1").outcome == step_outcome::Interrupted);
   CHECK(h.observer.has(RunEvent::Kind::TriggerFired, "high"));
   bool journaled = false;
   for (const auto& e : h.journal->events(out.run_id)) journaled = journaled || e.kind == "trigger";
   CHECK(journaled);
}

TEST_CASE("P0 during a long command stops it and rolls back", "[exec][triggers]")
{
   Harness h(head + R"(
trigger high when error_rate > 1% every 30s severity P0 -> rollback emergency
phase "Canary" arms high {
  sh "long migration"
}
)" + tail);
   h.world.metrics["error_rate"] = spike(5);
   h.world.on_shell = [](const std::string&) {
      ShellResult r = exited(0);
      r.elapsed_ms = 20 * 60000;   // The migration would take 20 minutes.
      return r;
   };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(rollback_time(h.world) == t0 + 5 * 60000);
   CHECK(h.steps(out.run_id).at("canary/1").outcome == step_outcome::Interrupted);
}

TEST_CASE("P1: a condition that clears within its grace period does not roll back", "[exec][triggers]")
{
   const std::string source = head + R"(
trigger slow when error_rate > 1% every 1m severity P1 grace 10m -> rollback emergency
phase "Canary" arms all {
  wait 1h
}
)" + tail;
   SECTION("clears")
   {
      Harness h(source);
      h.world.metrics["error_rate"] = spike(5, 9);
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Completed);
      CHECK(rollback_time(h.world) < 0);
      CHECK(h.observer.has(RunEvent::Kind::TriggerCleared, "within its grace period"));
      CHECK(h.observer.has(RunEvent::Kind::Notify, "unless it clears"));
   }
   SECTION("does not clear")
   {
      Harness h(source);
      h.world.metrics["error_rate"] = spike(5);
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::RolledBack);
      CHECK(rollback_time(h.world) == t0 + 15 * 60000);
   }
}

TEST_CASE("P2 asks the operator: continue, roll back or abort", "[exec][triggers]")
{
   const std::string source = head + R"(
trigger degraded when error_rate > 1% every 1m severity P2 -> rollback emergency
phase "Canary" arms all {
  wait 30m
}
)" + tail;
   SECTION("continue")
   {
      Harness h(source);
      h.world.metrics["error_rate"] = spike(5);
      h.world.on_ask = [](const Question&) { return Answer{"continue", "alice", false}; };
      CHECK(h.run().exit_code == exit_code::Completed);
      REQUIRE(h.world.questions.size() == 1);   // Asked once, not every sample.
      CHECK(h.world.questions[0].kind == Question::Kind::Decision);
   }
   SECTION("rollback")
   {
      Harness h(source);
      h.world.metrics["error_rate"] = spike(5);
      h.world.on_ask = [](const Question&) { return Answer{"rollback", "alice", false}; };
      CHECK(h.run().exit_code == exit_code::RolledBack);
   }
   SECTION("nobody to ask: fails closed into the rollback")
   {
      Harness h(source);
      h.world.metrics["error_rate"] = spike(5);
      h.world.on_ask = [](const Question&) { return Answer{"", "nobody", false}; };
      CHECK(h.run().exit_code == exit_code::RolledBack);
   }
}

TEST_CASE("P3 records only, warnings notify", "[exec][triggers]")
{
   Harness h(head + R"(
trigger cosmetic when error_rate > 1% every 1m severity P3 -> record
warning latency "Elevated errors" when error_rate > 1% every 1m -> notify "errors above 1%"
phase "Canary" arms all {
  wait 10m
}
)" + tail);
   h.world.metrics["error_rate"] = spike(2);
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(rollback_time(h.world) < 0);
   CHECK(h.observer.has(RunEvent::Kind::Notify, "errors above 1%"));
   int fired = 0;
   for (const auto& e : h.journal->events(out.run_id))
      if (e.kind == "trigger" && e.data_json.find("\"fired\"") != std::string::npos) ++fired;
   CHECK(fired == 2);
}

TEST_CASE("A breach that spans a phase boundary keeps its count when the next phase arms the same trigger", "[exec][triggers]")
{
   Harness h(head + R"(
trigger high "High error rate" when error_rate > 1% for 5m every 10s severity P0 -> rollback emergency
phase "Canary" arms all {
  wait 10m
}
phase "Full rollout" arms all {
  wait 1h
  sh "never"
}
)" + tail);
   // Breaching from 8m: 2 minutes in the canary, 3 more in the full rollout.
   h.world.metrics["error_rate"] = spike(8);
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   const double met = t0 + 13 * 60000;
   CHECK(rollback_time(h.world) >= met);
   CHECK(rollback_time(h.world) <= met + 10000);
}

TEST_CASE("A trigger the next phase does not arm settles its pending breach before it is disarmed", "[exec][triggers]")
{
   const std::string runbook = head + R"(
trigger high when error_rate > 1% for 5m every 10s severity P0 -> rollback emergency
phase "Canary" arms all {
  wait 10m
}
phase "Quiet" {
  wait 1h
}
)" + tail;
   SECTION("a breach still going when the phase ends acts when its window is met") {
      Harness h(runbook);
      // Breaching from 8m: pending when the canary ends at 10m, met at 13m.
      h.world.metrics["error_rate"] = spike(8);
      CHECK(h.run().exit_code == exit_code::RolledBack);
      CHECK(rollback_time(h.world) >= t0 + 13 * 60000);
      CHECK(rollback_time(h.world) <= t0 + 13 * 60000 + 10000);
   }
   SECTION("a breach that clears while the phase waits lets the next phase run") {
      Harness h(runbook);
      h.world.metrics["error_rate"] = spike(8, 11);
      CHECK(h.run().exit_code == exit_code::Completed);
      CHECK(rollback_time(h.world) < 0);
   }
   SECTION("a breach that begins after the boundary is not watched") {
      Harness h(runbook);
      h.world.metrics["error_rate"] = spike(12);
      CHECK(h.run().exit_code == exit_code::Completed);
      CHECK(rollback_time(h.world) < 0);
   }
}

TEST_CASE("Triggers are armed only by the phases that name them", "[exec][triggers]")
{
   Harness h(head + R"(
trigger high when error_rate > 1% every 1m severity P0 -> rollback emergency
phase "Quiet" {
  wait 10m
}
)" + tail);
   h.world.metrics["error_rate"] = spike(0);
   CHECK(h.run().exit_code == exit_code::Completed);
   CHECK(h.world.samples.empty());
}

TEST_CASE("Monitoring lost: fails closed when nobody can be asked", "[exec][triggers]")
{
   Harness h(head + R"(
trigger high when error_rate > 1% every 1m severity P0 -> rollback emergency
phase "Canary" arms all {
  wait 30m
}
)" + tail);
   h.world.metrics["error_rate"] = [](double minutes) { return minutes >= 5 ? failed("connection refused") : value(0.2); };
   h.world.on_ask = [](const Question&) { return Answer{"", "nobody", false}; };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Failed);
   CHECK(out.summary.find("monitoring lost") != std::string::npos);
   // Three consecutive errors (5, 6, 7 minutes) make it lost.
   CHECK(h.world.clock_.now() == t0 + 7 * 60000);
}

TEST_CASE("Simulated runs are deterministic: the same inputs give the same timeline", "[exec][triggers]")
{
   auto timeline = [] {
      Harness h(head + R"(
trigger high when error_rate > 1% for 1m every 15s severity P0 -> rollback emergency
phase "Canary" arms all {
  for pct in [1, 5, 25] {
    sh "route green ${pct}"
    wait 10m
  }
}
)" + tail);
      h.world.metrics["error_rate"] = spike(23);
      h.run();
      std::string out;
      for (const auto& e : h.observer.events) {
         if (e.kind == RunEvent::Kind::RunStarted) continue;   // Holds the (random) run id.
         out += std::to_string(e.at) + " " + e.text + "\n";
      }
      return out;
   };
   CHECK(timeline() == timeline());
}

namespace {

/// The sample events of a run of a trigger and a watch that breach for a
/// moment and clear, as an observer that does or does not want quiet samples sees them.
std::vector<RunEvent> sample_events(bool quiet_samples, std::vector<JournalEvent>& journaled)
{
   Harness h(head + R"(
trigger high "High error rate" when error_rate > 1% for 2m every 10s severity P0 -> rollback emergency
phase "Canary" arms all {
  wait 20m
  watch 10m every 30s {
    error_rate < 1% for 5m
  }
}
)" + tail);
   h.world.metrics["error_rate"] = [](double minutes) {
      return value((minutes >= 10 && minutes < 11) || (minutes >= 24 && minutes < 25) ? 2.0 : 0.2);
   };
   h.observer.quiet_samples = quiet_samples;
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Completed);
   journaled = h.journal->events(out.run_id);
   std::vector<RunEvent> samples;
   for (const auto& e : h.observer.events)
      if (e.kind == RunEvent::Kind::Sample) samples.push_back(e);
   return samples;
}

/// What identifies a condition across its samples.
std::string condition_of(const RunEvent& e)
{
   return e.step_id + "|" + e.data.value("trigger", e.data.value("condition", std::string()));
}

}  // namespace

TEST_CASE("an observer that wants no quiet samples gets every sample that decides something, and the run is the same",
          "[exec][triggers]")
{
   std::vector<JournalEvent> journaled_all, journaled_deciding;
   const auto all = sample_events(true, journaled_all);
   const auto deciding = sample_events(false, journaled_deciding);
   // Quiet: holding, as at the previous sample of the same condition (a
   // condition starts out holding).
   std::vector<std::string> expected;
   std::map<std::string, std::string> last;
   for (const auto& e : all) {
      const std::string verdict = e.data.value("verdict", std::string());
      const std::string condition = e.data.value("trigger", e.data.value("condition", std::string()));
      const auto previous = last.find(condition);
      const bool quiet = verdict == "holding" && (previous == last.end() || previous->second == "holding");
      last[condition] = verdict;
      if (!quiet) expected.push_back(condition_of(e) + " " + verdict + " " + e.text);
   }
   std::vector<std::string> got;
   for (const auto& e : deciding) got.push_back(condition_of(e) + " " + e.data.value("verdict", std::string()) + " " + e.text);
   CHECK(all.size() > 100);           // 40 minutes of 10 s trigger samples, plus the watch's
   CHECK(deciding.size() * 4 < all.size());
   CHECK(got == expected);
   // The journal does not depend on who watches.
   REQUIRE(journaled_all.size() == journaled_deciding.size());
   for (std::size_t i = 0; i < journaled_all.size(); ++i) {
      CHECK(journaled_all[i].kind == journaled_deciding[i].kind);
      CHECK(journaled_all[i].data_json == journaled_deciding[i].data_json);
   }
}
