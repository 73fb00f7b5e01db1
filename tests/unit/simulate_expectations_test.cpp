#include <catch2/catch.hpp>

#include "journal/journal.hpp"
#include "support/scenario_support.hpp"
#include "simulate/expectations.hpp"
#include "simulate/scenario_parser.hpp"
#include "simulate/timeline.hpp"

using namespace runbook;
using namespace runbook::sim;
using runbook::test::scenario_of;

namespace {

/// A hand-made result: a rollback 5m30s after a fault at T+1h.
SimulationResult rolled_back()
{
   SimulationResult r;
   r.title = "t";
   r.runbook_path = "a.rb";
   r.scenario_path = "t.scenario";
   r.start_ms = 0;
   r.end_ms = 2 * 3600000.0;
   r.exit_code = 3;
   r.status = run_status::RolledBack;
   r.rollback_name = "emergency";
   r.triggers_fired = {{"high_error_rate", 3600000.0 + 300000}};
   r.steps_started = {"canary/1[pct=25]/1", "rollback:emergency/1"};
   r.traffic = {{"blue", 100}, {"green", 0}};
   r.variables = {{"pct", 25}, {"name", "green"}, {"ok", true}};
   r.fault_at = 3600000.0;
   r.rollback_at = 3600000.0 + 300000;
   r.side_effects.push_back(SideEffect{1000, "canary/1", "http", "POST", "https://lb/api/traffic", "status 200", false, 0, false});
   r.side_effects.push_back(SideEffect{3600000.0 + 330000, "rollback:emergency/2", "http", "POST", "https://lb/api/traffic", "status 200", false, 0, true});
   r.questions.push_back(AskedQuestion{5000, "approve", "a", "Route 100%?", "yes", "scenario"});
   r.timeline.push_back(TimelineEntry{0, "phase", "", "Canary | one", nlohmann::json::object()});
   r.timeline.push_back(TimelineEntry{3900000, "trigger", "canary/1", "P0 high_error_rate", {{"trigger", "high_error_rate"}}});
   return r;
}

std::vector<bool> verdicts(const Scenario& s, const SimulationResult& r)
{
   std::vector<bool> out;
   for (const auto& x : check_expectations(s, r)) out.push_back(x.passed);
   return out;
}

}  // namespace

TEST_CASE("expectations pass and fail on what happened", "[simulate]")
{
   const Scenario s = scenario_of(R"(
expect outcome rolled back via emergency
expect outcome rolled back via step_back
expect outcome completed
expect exit 3
expect trigger high_error_rate fired
expect trigger high_error_rate not fired
expect rollback within 6m of fault
expect rollback within 5m of fault
expect step "rollback:*" ran
expect step "full/*" never ran
expect step "canary/*" never ran
expect variable pct == 25
expect variable pct > 30
expect variable name == "green"
expect variable ok == true
expect variable missing == 1
expect traffic blue 100%
expect traffic green 5%
expect question "Route*" asked
expect question "Abort*" asked
expect http POST "*/api/traffic" called 2 times
expect sh * never called
)");
   CHECK(verdicts(s, rolled_back()) == std::vector<bool>{true, false, false, true, true, false, true, false, true, true, false,
                                                         true, false, true, true, false, true, false, true, false, true, true});
}

TEST_CASE("a failed expectation says what happened instead", "[simulate]")
{
   const Scenario s = scenario_of("expect outcome completed\nexpect rollback within 5m of fault\n");
   const auto results = check_expectations(s, rolled_back());
   CHECK(describe_failure(s, results[0]) == "t.scenario:2: expected outcome completed, but the run ended rolled back via emergency (exit 3)");
   CHECK(describe_failure(s, results[1]) ==
         "t.scenario:3: expected rollback within 5m of the fault, but the fault was at T+01:00:00; the rollback's first side effect "
         "(http POST https://lb/api/traffic) came at T+01:05:30, 5m30s later");
}

TEST_CASE("timelines render the same bytes every time, in three formats", "[simulate]")
{
   const Scenario s = scenario_of("expect outcome completed\n");
   const SimulationResult r = rolled_back();
   const auto x = check_expectations(s, r);
   CHECK(render_timeline(r, TimelineFormat::Text, x) ==
         "Simulation: t\n"
         "Runbook:    a.rb\n"
         "Scenario:   t.scenario\n"
         "T+0:        1970-01-01T00:00:00Z (virtual time)\n"
         "\n"
         "T+00:00:00  phase     Canary | one\n"
         "T+01:05:00  trigger   [canary/1] P0 high_error_rate\n"
         "\n"
         "Outcome: rolled back via emergency (exit 3) at T+02:00:00\n"
         "\n"
         "Expectations:\n"
         "  FAIL  outcome completed (the run ended rolled back via emergency (exit 3))\n");
   const std::string md = render_timeline(r, TimelineFormat::Markdown, x);
   CHECK(md.find("| T+00:00:00 | phase |  | Canary \\| one |") != std::string::npos);
   CHECK(md.find("- [ ] outcome completed") != std::string::npos);
   const auto json = nlohmann::json::parse(render_timeline(r, TimelineFormat::Json, x));
   CHECK(json["outcome"]["exit_code"] == 3);
   CHECK(json["events"][1]["at"] == "T+01:05:00");
   CHECK(json["expectations"][0]["passed"] == false);
   CHECK(render_timeline(r, TimelineFormat::Json, x) == render_timeline(r, TimelineFormat::Json, x));
}

TEST_CASE("the recorder keeps the samples that change a verdict", "[simulate]")
{
   TimelineRecorder recorder(0);
   auto sample = [&](double at, const char* verdict) {
      recorder.on_event(RunEvent{RunEvent::Kind::Sample, at, "w", "error_rate < 1%", {{"condition", "error_rate < 1%"}, {"verdict", verdict}}});
   };
   sample(0, "holding");
   sample(30000, "holding");
   sample(60000, "pending");
   sample(90000, "pending");
   sample(120000, "breached");
   recorder.on_event(RunEvent{RunEvent::Kind::RunStarted, 0, "", "run r1-abc started", {{"run_id", "r1-abc"}}});
   recorder.on_event(RunEvent{RunEvent::Kind::RunFinished, 0, "", "interrupted; continue with: runbook resume r1-abc", {}});
   const auto& entries = recorder.entries();
   REQUIRE(entries.size() == 4);
   CHECK(entries[0].offset_ms == 60000);
   CHECK(entries[1].offset_ms == 120000);
   CHECK(entries[2].text == "run SIMULATED started");
   CHECK(entries[3].text == "interrupted; continue with: runbook resume SIMULATED");
}

namespace {

/// A rollback at T+1h05m that told the operator, Slack (once unreachable, then
/// delivered) and the status page.
SimulationResult notified()
{
   SimulationResult r = rolled_back();
   r.facts.rollback_started("emergency", 3900000.0);
   const nlohmann::json slack_step = {{"kind", "http"}, {"inputs", {{"method", "POST"}, {"body", {{"text", "EMERGENCY ROLLBACK\nverification still failing"}}}}}};
   const nlohmann::json level2_step = {{"kind", "http"}, {"inputs", {{"method", "POST"}, {"body", {{"text", "ESCALATION LEVEL 2"}}}}}};
   const nlohmann::json traffic_step = {{"kind", "http"}, {"inputs", {{"method", "POST"}, {"body", {{"environment", "blue"}}}}}};
   r.timeline.push_back(TimelineEntry{3900000, "step", "rollback:emergency/2", "http POST https://lb/api/traffic", traffic_step});
   r.timeline.push_back(TimelineEntry{3960000, "notify", "rollback:emergency/5", "rollback verification still failing", nlohmann::json::object()});
   r.timeline.push_back(TimelineEntry{4000000, "step", "rollback:emergency/6", "http POST https://hooks/***", slack_step});
   r.timeline.push_back(TimelineEntry{4800000, "step", "rollback:emergency/7", "http POST https://hooks/***", level2_step});
   r.side_effects.push_back(SideEffect{4000000, "rollback:emergency/6", "http", "POST", "https://hooks/***", "unreachable", true, 7, true});
   r.side_effects.push_back(SideEffect{4010000, "rollback:emergency/6", "http", "POST", "https://hooks/***", "status 200", false, 0, true});
   r.side_effects.push_back(SideEffect{4800000, "rollback:emergency/7", "http", "POST", "https://hooks/***", "unreachable", true, 7, true});
   return r;
}

}  // namespace

TEST_CASE("notifications count what went out, when, and only once delivered", "[simulate]")
{
   const Scenario s = scenario_of(R"(
expect notification "*EMERGENCY ROLLBACK*" sent
expect notification "*EMERGENCY ROLLBACK*" sent 1 time by 2m after rollback starts
expect notification "*EMERGENCY ROLLBACK*" sent by 1m after rollback starts
expect notification "*verification still failing*" sent 2 times
expect notification "*LEVEL 2*" never sent
expect notification "*LEVEL 2*" sent
expect notification "*blue*" sent from T+1h for 10m
expect notification "*" sent by 1m after rollback step_back starts
expect notification "*" never sent from trigger nothing fires
expect traffic on one environment
)");
   CHECK(verdicts(s, notified()) == std::vector<bool>{true, true, false, true, true, false, true, false, false, true});
   const auto results = check_expectations(s, notified());
   CHECK(describe_failure(s, results[2]) ==
         "t.scenario:5: expected notification \"*EMERGENCY ROLLBACK*\" sent by 1m after rollback starts, but none went out "
         "in that time (one went out at T+01:06:50 to https://hooks/***)");
   CHECK(describe_failure(s, results[7]) ==
         "t.scenario:10: expected notification \"*\" sent by 1m after rollback step_back starts, but 1m after rollback step_back "
         "starts never happened");
   SimulationResult split = notified();
   split.traffic = {{"blue", 95}, {"green", 5}};
   const auto one = check_expectations(scenario_of("expect traffic on one environment\n"), split);
   CHECK_FALSE(one[0].passed);
   CHECK(one[0].actual == "the final split is blue 95%, green 5%");
}

TEST_CASE("expect ensure: held and broken against the invariants the run ended with", "[simulate]")
{
   const Scenario s = scenario_of(R"(
expect ensure "traffic is 100% on one environment" held
expect ensure "traffic is 100% on one environment" broken
expect ensure "the release is tagged" broken
expect ensure "the release is tagged" held
expect ensure "never declared" held
)");
   SimulationResult r = rolled_back();
   r.ensures = {{"traffic is 100% on one environment", true, ""},
                {"the release is tagged", false, "tagged(version) is false"}};
   CHECK(verdicts(s, r) == std::vector<bool>{true, false, true, false, false});
   const auto x = check_expectations(s, r);
   CHECK(x[3].actual == "it was broken: tagged(version) is false");
   CHECK(x[4].actual.find("not evaluated") != std::string::npos);
}
