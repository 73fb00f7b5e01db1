// runbook verify: the fault classes and properties on small fixture runbooks
// (tests/fixtures/verify/), and the proof that it finds by itself the unsafe
// endings issue 12 lists in the rollout as it was before failure paths.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <unistd.h>
#include <functional>

#include "journal/journal.hpp"
#include "simulate/scenario_parser.hpp"
#include "simulate/simulation.hpp"
#include "verify/properties.hpp"
#include "verify/report.hpp"
#include "verify/verify.hpp"

using namespace runbook;
using namespace runbook::verify;

namespace {

std::string fixture(const std::string& name) { return (std::filesystem::path(RUNBOOK_TESTS_DIR) / "fixtures" / name).string(); }

VerifyReport verified(const std::string& runbook, int depth = 1, std::vector<std::string> params = {})
{
   VerifyOptions options;
   options.runbook_path = fixture(runbook);
   options.depth = depth;
   options.jobs = 2;
   options.params = std::move(params);
   Diagnostics diags;
   std::string error;
   auto report = verify::verify(options, diags, error);
   INFO(render_text(diags) << error);
   REQUIRE(report);
   return std::move(*report);
}

const ClassTally* tally(const VerifyReport& report, const std::string& cls)
{
   for (const auto& c : report.classes)
      if (c.cls == cls) return &c;
   return nullptr;
}

using Match = std::function<bool(const PathVerdict&)>;

const PathVerdict* unsafe_path(const VerifyReport& report, const Match& match)
{
   for (const auto& v : report.unsafe)
      if (v.path.result && match(v)) return &v;
   return nullptr;
}

bool broke(const PathVerdict& v, const std::string& property)
{
   return std::any_of(v.broken.begin(), v.broken.end(), [&](const Broken& b) { return b.property == property; });
}

double green(const PathVerdict& v)
{
   const auto it = v.path.result->traffic.find("green");
   return it == v.path.result->traffic.end() ? 0 : it->second;
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("verify derives a healthy world from the runbook's thresholds", "[verify]")
{
   const auto report = verified("verify/stops-in-place.rb");
   REQUIRE(report.base.derived);
   // The watch wants < 0.5%, the trigger fires above 1%: half of the tighter bound.
   CHECK(std::find(report.base.lines.begin(), report.base.lines.end(), "metric error_rate = 0.25%") != report.base.lines.end());
   CHECK(std::find(report.base.lines.begin(), report.base.lines.end(), "answer * * yes") != report.base.lines.end());
   REQUIRE(report.healthy.path.result);
   CHECK(report.healthy.path.result->status == run_status::Completed);
   CHECK(report.healthy.broken.empty());
}

TEST_CASE("verify: a failing step, a declined approval and an unanswered one stop in place", "[verify]")
{
   const auto report = verified("verify/stops-in-place.rb");
   CHECK_FALSE(report.all_safe());

   const auto* smoke = unsafe_path(report, [](const PathVerdict& v) {
      return v.path.fault.cls == fault_class::StepFails && mentions(v.path.fault.what, "smoke-test");
   });
   REQUIRE(smoke);
   CHECK(smoke->path.result->status == run_status::Failed);
   CHECK(green(*smoke) == 50);
   CHECK(broke(*smoke, property::Outcome));

   const auto* declined = unsafe_path(report, [](const PathVerdict& v) { return v.path.fault.cls == fault_class::AnsweredNo; });
   REQUIRE(declined);
   CHECK(declined->path.result->status == run_status::Failed);

   const auto* nobody = unsafe_path(report, [](const PathVerdict& v) { return v.path.fault.cls == fault_class::NeverAnswered; });
   REQUIRE(nobody);
   CHECK(broke(*nobody, property::Ends));

   const auto* lost = unsafe_path(report, [](const PathVerdict& v) { return v.path.fault.cls == fault_class::MetricLost; });
   REQUIRE(lost);
   CHECK(green(*lost) == 50);

   // The P0 trigger rolls back to blue when breached from the start, and from
   // the last step too: the run samples once more before it ends and waits
   // its `for 1m` out (it used to complete with the breach pending).
   const auto* breached = tally(report, fault_class::TriggerBreached);
   REQUIRE(breached);
   CHECK(breached->explored >= 2);
   CHECK(breached->safe == breached->explored);

   // Dying right after an effect and resuming is safe whatever the in-doubt
   // answer (the traffic POST carries an idempotency key). Dying before the
   // POST and answering "mark done" skips a shift that never happened: the
   // run completes with traffic split.
   const auto* after = tally(report, fault_class::CrashAfter);
   REQUIRE(after);
   CHECK(after->explored >= 3);
   CHECK(after->safe == after->explored);
   const auto* skipped = unsafe_path(report, [](const PathVerdict& v) { return v.path.fault.cls == fault_class::CrashBefore; });
   REQUIRE(skipped);
   CHECK(skipped->path.fault.in_doubt_choice == "mark done");
   CHECK(skipped->path.result->status == run_status::Completed);
   CHECK(broke(*skipped, property::Traffic));
}

TEST_CASE("simulate: 'crashes' kills the process right after the effect, and the resumed step is in doubt", "[verify][simulate]")
{
   Diagnostics diags;
   const auto scenario = sim::parse_scenario("crash.scenario", "runbook \"" + fixture("verify/stops-in-place.rb") + "\"\n"
                                             "answer in-doubt * \"redo\"\n"
                                             "answer * * yes\n"
                                             "metric error_rate = 0.2%\n"
                                             "sh \"smoke-test\" crashes on call 1\n", diags);
   REQUIRE_FALSE(diags.has_errors());
   const auto result = sim::simulate(scenario, {}, diags);
   REQUIRE(result);
   CHECK(result->interruptions == 1);
   CHECK(std::any_of(result->questions.begin(), result->questions.end(), [](const sim::AskedQuestion& q) { return q.kind == "in-doubt" && q.answer == "redo"; }));
   const auto smoke = std::count_if(result->side_effects.begin(), result->side_effects.end(),
                                    [](const sim::SideEffect& e) { return e.target == "smoke-test"; });
   CHECK(smoke == 2);   // Once before the crash, once redone.
   CHECK(result->status == run_status::Completed);
}

TEST_CASE("verify waits out a question's timeout before it says a path waits for ever", "[verify]")
{
   // The approval's 8h timeout answers "no" for nobody, which rolls back: a
   // patience of six hours alone would cut that path short and call it stuck.
   const auto report = verified("verify/long-question-timeout.rb");
   const auto* nobody = tally(report, fault_class::NeverAnswered);
   REQUIRE(nobody);
   CHECK(nobody->explored == 1);
   CHECK(nobody->safe == 1);
   const double healthy_ms = report.healthy.path.result->end_ms - report.healthy.path.result->start_ms;
   CHECK(report.limit_ms == healthy_ms + 6 * 3600e3 + 8 * 3600e3);
}

TEST_CASE("verify: the scenario of an unsafe path reproduces it with simulate", "[verify]")
{
   const auto report = verified("verify/stops-in-place.rb");
   REQUIRE_FALSE(report.unsafe.empty());
   for (const auto& v : report.unsafe) {
      Diagnostics diags;
      const auto scenario = sim::parse_scenario("repro.scenario", v.path.scenario, diags);
      REQUIRE_FALSE(diags.has_errors());
      const auto again = sim::simulate(scenario, {}, diags);
      REQUIRE(again);
      CHECK(again->exit_code == v.path.result->exit_code);
      CHECK(again->traffic == v.path.result->traffic);
   }
}

TEST_CASE("verify: a counterexample that needs a second fault inside the rollback", "[verify]")
{
   const auto single = verified("verify/rollback-step-fails.rb", 1);
   CHECK(single.all_safe());
   REQUIRE(tally(single, fault_class::TriggerBreached));

   const auto two = verified("verify/rollback-step-fails.rb", 2);
   CHECK_FALSE(two.all_safe());
   const auto* found = unsafe_path(two, [](const PathVerdict& v) { return v.path.fault.depth == 2 && mentions(v.path.fault.what, "restore-backup"); });
   REQUIRE(found);
   CHECK(found->path.result->status == run_status::RollbackFailed);
   CHECK(broke(*found, property::Outcome));
   CHECK(broke(*found, property::Notified));
}

TEST_CASE("verify: a rollback that notifies in its finally tells people even when it fails", "[verify]")
{
   const auto two = verified("verify/rollback-notifies-finally.rb", 2);
   const auto* found = unsafe_path(two, [](const PathVerdict& v) { return v.path.fault.depth == 2 && mentions(v.path.fault.what, "restore-backup"); });
   REQUIRE(found);
   CHECK(found->path.result->status == run_status::RollbackFailed);
   CHECK(broke(*found, property::Outcome));
   CHECK_FALSE(broke(*found, property::Notified));
}

TEST_CASE("verify: a runbook whose own path is a rollback is explored inside it, one fault deep", "[verify]")
{
   const auto report = verified("verify/rollback-is-the-path.rb", 1);
   const auto* fails = tally(report, fault_class::StepFails);
   REQUIRE(fails);
   CHECK(fails->explored == 1);
   CHECK(fails->safe == 0);
   const auto* found = unsafe_path(report, [](const PathVerdict& v) { return mentions(v.path.fault.what, "switch-to-blue"); });
   REQUIRE(found);
   CHECK(found->path.fault.depth == 1);
   CHECK(found->path.result->status == run_status::RollbackFailed);
   CHECK(broke(*found, property::Outcome));
   CHECK_FALSE(broke(*found, property::Notified));   // its finally told people
}

TEST_CASE("verify: a P1 whose breach begins at the last step is acted on before the run ends", "[verify]")
{
   // Issue 12: the run used to complete under it (its breach began after the
   // last sample). It samples once more at the end now and waits it out.
   const auto report = verified("verify/p1-dropped.rb");
   const auto* breached = tally(report, fault_class::TriggerBreached);
   REQUIRE(breached);
   CHECK(breached->explored >= 2);
   CHECK(breached->safe == breached->explored);
}

TEST_CASE("verify's property: a P0/P1 that stayed breached while the run completed was not acted on", "[verify]")
{
   RunbookFacts facts;
   TriggerFacts sla;
   sla.name = "sla";
   sla.severity = ast::Severity::P1;
   sla.rollback = "back";
   facts.triggers.push_back(sla);
   Fault fault;
   fault.cls = fault_class::TriggerBreached;
   fault.trigger = "sla";
   sim::SimulationResult completed;
   completed.status = run_status::Completed;
   const auto broken = check_properties(facts, fault, completed, false);
   REQUIRE(broken.size() == 1);
   CHECK(broken.front().property == property::ActedOn);
   CHECK(mentions(broken.front().detail, "still pending when the run ended"));

   sim::SimulationResult rolled_back;
   rolled_back.status = run_status::RolledBack;
   rolled_back.exit_code = 3;
   CHECK(check_properties(facts, fault, rolled_back, false).empty());
}

TEST_CASE("verify's property: a rollback step stopped on purpose is a declared end, an unrouted one is not", "[verify]")
{
   const RunbookFacts facts;
   Fault fault;
   fault.cls = fault_class::StepFails;
   sim::SimulationResult failed;
   failed.status = run_status::RollbackFailed;
   failed.exit_code = 4;
   failed.summary = "the rollback 'emergency' failed: POST https://lb/api/traffic answered HTTP 500 (expected 200)";
   const auto broken = check_properties(facts, fault, failed, false);
   REQUIRE(broken.size() == 1);
   CHECK(broken.front().property == property::Outcome);

   failed.summary += " (on fail stop)";
   CHECK(check_properties(facts, fault, failed, false).empty());
}

TEST_CASE("verify finds by itself the unsafe endings of the rollout before failure paths (issue 12)", "[verify]")
{
   const auto report = verified("rollout-before-failure-paths.rb");
   CHECK_FALSE(report.all_safe());

   // A failed gate in the canary leaves traffic split.
   CHECK(unsafe_path(report, [](const PathVerdict& v) {
      return v.path.fault.cls == fault_class::StepFails && mentions(v.path.fault.where, "canary-deployment") &&
             v.path.result->status == run_status::Failed && green(v) > 0 && green(v) < 100;
   }));
   // Declining "Route 100% of traffic to green?" leaves 50/50.
   const auto* declined = unsafe_path(report, [](const PathVerdict& v) {
      return v.path.fault.cls == fault_class::AnsweredNo && mentions(v.path.fault.what, "Route 100% of traffic to green");
   });
   REQUIRE(declined);
   CHECK(green(*declined) == 50);
   // "No" to a per-step success criterion at 1% leaves 1% on green.
   const auto* criterion = unsafe_path(report, [](const PathVerdict& v) {
      return v.path.fault.cls == fault_class::AnsweredNo && mentions(v.path.fault.what, "Success criteria for 1% traffic");
   });
   REQUIRE(criterion);
   CHECK(green(*criterion) == 1);
   // (A P1 that began near the end of the full rollout used to be dropped,
   // exit 0 with the SLA broken: the interpreter now settles it before the
   // run ends, whatever the runbook; see the p1-dropped test.)
   // A monitoring outage during the canary ends failed with traffic split.
   CHECK(unsafe_path(report, [](const PathVerdict& v) {
      return v.path.fault.cls == fault_class::MetricLost && v.path.result->status == run_status::Failed && green(v) > 0 && green(v) < 100;
   }));
   // A question nobody answers blocks the run for ever.
   CHECK(unsafe_path(report, [](const PathVerdict& v) { return v.path.fault.cls == fault_class::NeverAnswered && broke(v, property::Ends); }));
}

TEST_CASE("verify reports as markdown and writes a reproducing scenario per unsafe path", "[verify]")
{
   auto report = verified("verify/rollback-step-fails.rb", 2);
   const std::string dir = (std::filesystem::temp_directory_path() / ("runbook-verify-out-" + std::to_string(::getpid()))).string();
   std::string error;
   REQUIRE(write_reproductions(report, dir, error));
   const auto* found = unsafe_path(report, [](const PathVerdict& v) { return v.path.fault.depth == 2; });
   REQUIRE(found);
   Diagnostics diags;
   const auto scenario = sim::load_scenario(found->scenario_file, diags);
   REQUIRE_FALSE(diags.has_errors());
   const auto again = sim::simulate(scenario, {}, diags);   // The file names the runbook relative to itself.
   REQUIRE(again);
   CHECK(again->status == run_status::RollbackFailed);
   const std::string markdown = render_report(report, ReportFormat::Markdown);
   CHECK(mentions(markdown, "| fault class | explored | safe | unsafe |"));
   CHECK(mentions(markdown, "restore-backup"));
   std::filesystem::remove_all(dir);
}

TEST_CASE("verify's property: a broken or failing ensure breaks 'ensure holds', a held one does not", "[verify]")
{
   const RunbookFacts facts;
   Fault fault;
   fault.cls = fault_class::StepFails;
   sim::SimulationResult result;
   result.status = run_status::RolledBack;
   result.exit_code = 3;
   result.traffic = {{"blue", 50}, {"green", 50}};
   result.ensures = {{"traffic is 100% on one environment", true, ""}};
   // Declared invariants replace the built-in traffic guess: the split alone is not judged.
   CHECK(check_properties(facts, fault, result, true).empty());

   result.ensures = {{"traffic is 100% on one environment", false, "traffic.one_environment(lb, lb_token) is false"},
                     {"the release is tagged", false, "could not be evaluated: GET answered HTTP 500"}};
   const auto broken = check_properties(facts, fault, result, true);
   REQUIRE(broken.size() == 2);
   CHECK(broken[0].property == property::Ensure);
   CHECK(mentions(broken[0].detail, "\"traffic is 100% on one environment\": traffic.one_environment"));
   CHECK(mentions(broken[1].detail, "could not be evaluated"));

   // Stopped on purpose is the end the runbook declared for that case, as for traffic.
   result.status = run_status::RollbackFailed;
   result.exit_code = 4;
   result.summary = "the rollback 'emergency' failed: refused (on fail stop)";
   CHECK(check_properties(facts, fault, result, true).empty());

   // Without declared invariants the built-in traffic property still judges the split.
   result.ensures.clear();
   result.status = run_status::RolledBack;
   result.summary.clear();
   const auto split = check_properties(facts, fault, result, true);
   REQUIRE(split.size() == 1);
   CHECK(split.front().property == property::Traffic);
}

TEST_CASE("verify: a path that ends with traffic split breaks the runbook's ensure, one that rolls back keeps it", "[verify]")
{
   const auto report = verified("verify/ensure-split.rb");
   const auto* smoke = unsafe_path(report, [](const PathVerdict& v) {
      return v.path.fault.cls == fault_class::StepFails && mentions(v.path.fault.what, "smoke-test");
   });
   REQUIRE(smoke);
   CHECK(smoke->path.result->exit_code == 1);
   CHECK(green(*smoke) == 50);
   CHECK(broke(*smoke, property::Ensure));
   CHECK_FALSE(broke(*smoke, property::Traffic));   // the declared invariant replaces the built-in guess
   // Failing the canary check rolls back to blue: not unsafe.
   CHECK_FALSE(unsafe_path(report, [](const PathVerdict& v) {
      return v.path.fault.cls == fault_class::StepFails && mentions(v.path.fault.what, "verify-canary");
   }));
   // No fault is injected into the invariant's own read.
   for (const auto& v : report.unsafe) CHECK(v.path.fault.where.rfind("ensure/", 0) == std::string::npos);
}

TEST_CASE("verify's property: a rollback's steps end within its `within` deadline, or it is broken", "[verify]")
{
   RunbookFacts facts;
   RollbackFacts restore;
   restore.name = "restore";
   restore.within_ms = 5 * 60000.0;
   facts.rollbacks.push_back(restore);
   Fault fault;
   fault.cls = fault_class::TriggerBreached;
   sim::SimulationResult result;
   result.status = run_status::RolledBack;
   result.exit_code = 3;
   result.rollback_name = "restore";
   result.rollback_at = 60000;
   result.rollback_ended_at = 60000 + 4 * 60000.0;
   result.end_ms = 60000 + 20 * 60000.0;   // its `finally` and timers do not count
   CHECK(check_properties(facts, fault, result, false).empty());

   result.rollback_ended_at = 60000 + 10 * 60000.0;
   auto broken = check_properties(facts, fault, result, false);
   REQUIRE(broken.size() == 1);
   CHECK(broken.front().property == property::Deadline);
   CHECK(broken.front().detail == "rollback restore took 10m to run its steps (its deadline: 5m)");

   // Still running when the path ended: judged by how long it had run.
   result.rollback_ended_at.reset();
   result.exit_code = 130;
   broken = check_properties(facts, fault, result, false);
   CHECK(std::any_of(broken.begin(), broken.end(), [](const Broken& b) {
      return b.property == property::Deadline && mentions(b.detail, "still running 20m after it began (its deadline: 5m)");
   }));
   result.end_ms = 60000 + 3 * 60000.0;
   broken = check_properties(facts, fault, result, false);
   CHECK(std::none_of(broken.begin(), broken.end(), [](const Broken& b) { return b.property == property::Deadline; }));

   // A rollback without a deadline is not judged by it.
   facts.rollbacks.front().within_ms.reset();
   result.exit_code = 3;
   result.rollback_ended_at = 60000 + 10 * 60000.0;
   CHECK(check_properties(facts, fault, result, false).empty());
}

TEST_CASE("verify: a rollback whose check of blue waits past its deadline is reported, a generous one is safe", "[verify]")
{
   const auto report = verified("verify/rollback-overruns.rb");
   const auto* slow = unsafe_path(report, [](const PathVerdict& v) { return v.path.fault.cls == fault_class::TriggerBreached; });
   REQUIRE(slow);
   CHECK(broke(*slow, property::Deadline));
   CHECK_FALSE(broke(*slow, property::Outcome));   // only a soft check failed: a declared end
   CHECK(slow->broken.size() == 1);
   CHECK(mentions(slow->broken.front().detail, "rollback restore took 10m"));
   REQUIRE(slow->path.result->rollback_at);
   REQUIRE(slow->path.result->rollback_ended_at);
   CHECK(*slow->path.result->rollback_ended_at - *slow->path.result->rollback_at == 10 * 60000.0);

   CHECK(verified("verify/rollback-overruns.rb", 1, {"budget=15m"}).all_safe());
}

TEST_CASE("verify's property: `undo all` leaves no completed forward step with an undo not undone", "[verify]")
{
   RunbookFacts facts;
   RollbackFacts back;
   back.name = "step_back";
   back.undo_all = true;
   back.undo_all_steps = {"rollback:step_back/1"};
   facts.rollbacks.push_back(back);
   Fault fault;
   fault.cls = fault_class::StepFails;
   sim::SimulationResult result;
   result.status = run_status::RolledBack;
   result.exit_code = 3;
   result.rollback_name = "step_back";
   result.steps_started = {"deploy/1", "deploy/2", "deploy/3", "rollback:step_back/1"};
   // A step of the rollback itself with an undo is not a forward step.
   result.undoable_steps = {"deploy/1", "deploy/2", "rollback:step_back/2"};
   result.undone_steps = {"deploy/1", "deploy/2"};
   CHECK(check_properties(facts, fault, result, false).empty());

   // The undo of deploy/2 failed: `undo all` stopped before deploy/1's.
   result.status = run_status::RollbackFailed;
   result.exit_code = 4;
   result.summary = "the rollback 'step_back' failed: undo of deploy/2 failed: exit code 1";
   result.undone_steps.clear();
   auto broken = check_properties(facts, fault, result, false);
   REQUIRE(broken.size() == 2);
   CHECK(broken[0].property == property::Outcome);
   CHECK(broken[1].property == property::Undo);
   CHECK(mentions(broken[1].detail, "the undo of 2 completed steps not run (its `undo all` stopped short): deploy/2, deploy/1"));

   // The rollback failed before it reached `undo all`.
   result.steps_started = {"deploy/1", "deploy/2", "deploy/3", "rollback:step_back/0"};
   broken = check_properties(facts, fault, result, false);
   REQUIRE(broken.size() == 2);
   CHECK(mentions(broken[1].detail, "was never reached"));

   // Stopped on purpose: the end the runbook declared; an interrupted run has not ended.
   result.summary += " (on fail stop)";
   CHECK(check_properties(facts, fault, result, false).empty());
   result.summary = "interrupted";
   result.exit_code = 130;
   broken = check_properties(facts, fault, result, false);
   CHECK(std::none_of(broken.begin(), broken.end(), [](const Broken& b) { return b.property == property::Undo; }));

   // A rollback without `undo all` is not judged by it.
   result.exit_code = 4;
   facts.rollbacks.front().undo_all = false;
   broken = check_properties(facts, fault, result, false);
   CHECK(std::none_of(broken.begin(), broken.end(), [](const Broken& b) { return b.property == property::Undo; }));
}

TEST_CASE("verify: `undo all` compensates every completed step one fault deep, not when an undo fails", "[verify]")
{
   const auto single = verified("verify/undo-all.rb", 1);
   CHECK(single.all_safe());
   const auto* fails = tally(single, fault_class::StepFails);
   REQUIRE(fails);
   CHECK(fails->explored == 3);

   const auto two = verified("verify/undo-all.rb", 2);
   const auto* found = unsafe_path(two, [](const PathVerdict& v) { return v.path.fault.depth == 2 && mentions(v.path.fault.what, "revert-db"); });
   REQUIRE(found);
   CHECK(broke(*found, property::Undo));
   CHECK(broke(*found, property::Outcome));
   const auto& result = *found->path.result;
   CHECK(result.undoable_steps == std::vector<std::string>{"deploy/1"});
   CHECK(result.undone_steps.empty());
}
