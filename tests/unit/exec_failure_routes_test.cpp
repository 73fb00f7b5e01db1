// Failure routes (`on fail`, docs/language.md "Failure routes"): where each
// kind of failure goes, which route wins, and what a resumed run does.
#include "exec_test_support.hpp"

#include "exec/exit_codes.hpp"

using namespace runbook;
using namespace runbook::testing;

namespace {

/// A shell that fails the commands containing `failing` (exit 1) and runs the others.
std::function<ShellResult(const std::string&)> failing_shell(const std::string& failing)
{
   return [failing](const std::string& command) {
      ShellResult r;
      r.started = true;
      r.exit_code = command.find(failing) != std::string::npos ? 1 : 0;
      return r;
   };
}

}  // namespace

TEST_CASE("on fail rollback NAME on a step sends its failure to that rollback", "[exec][routes]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "deploy" on fail rollback back
  sh "never"
}
rollback back { sh "restore" }
)");
   h.world.on_shell = failing_shell("deploy");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() == std::vector<std::string>{"deploy", "restore"});
   CHECK(h.observer.has(RunEvent::Kind::Log, "step one/1 failed; on fail: rollback back"));
}

TEST_CASE("on fail { steps }: the steps run and the run goes on after the failed step", "[exec][routes]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "smoke" on fail {
    notify "smoke failed"
  }
  sh "next"
}
)");
   h.world.on_shell = failing_shell("smoke");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(h.world.commands() == std::vector<std::string>{"smoke", "next"});
   CHECK(h.observer.has(RunEvent::Kind::Notify, "smoke failed"));
   const auto steps = h.steps(out.run_id);
   CHECK(steps.at("one/1").outcome == step_outcome::Failed);
   CHECK(steps.at("one/1/on-fail/1").outcome == step_outcome::Done);
}

TEST_CASE("on fail stop ends the run failed and no outer route takes it again", "[exec][routes]")
{
   Harness h(R"(runbook "t"
on fail rollback back
phase "One" on fail rollback back {
  sh "check" on fail stop
  sh "never"
}
rollback back { sh "restore" }
)");
   h.world.on_shell = failing_shell("check");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Failed);
   CHECK(out.summary.find("on fail stop") != std::string::npos);
   CHECK(h.world.commands() == std::vector<std::string>{"check"});
}

TEST_CASE("the innermost route wins: step over phase over the runbook's default", "[exec][routes]")
{
   const char* source = R"(runbook "t"
on fail rollback from_default
phase "One" on fail rollback from_phase {
  sh "a" on fail rollback from_step
  sh "b"
}
phase "Two" {
  sh "c"
}
rollback from_step { log "step" }
rollback from_phase { log "phase" }
rollback from_default { log "default" }
)";
   for (const auto& [failing, rollback] : std::vector<std::pair<std::string, std::string>>{
           {"a", "from_step"}, {"b", "from_phase"}, {"c", "from_default"}}) {
      Harness h(source);
      h.world.on_shell = failing_shell(failing);
      const RunOutcome out = h.run();
      INFO(failing);
      CHECK(out.exit_code == exit_code::RolledBack);
      CHECK(out.summary == "rolled back via '" + rollback + "'");
   }
}

TEST_CASE("a route on a call covers the steps of the function it runs", "[exec][routes]")
{
   Harness h(R"(runbook "t"
fn deploy() {
  sh "step-1"
  sh "step-2"
}
phase "One" {
  deploy() on fail rollback back
}
rollback back { sh "restore" }
)");
   h.world.on_shell = failing_shell("step-2");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() == std::vector<std::string>{"step-1", "step-2", "restore"});
}

TEST_CASE("a failing watch condition takes its own route before its step's", "[exec][routes]")
{
   Harness h(R"(runbook "t"
metric errors = sh "errors" unit %
phase "One" {
  watch 2m every 30s {
    errors < 1% on fail rollback back
  } on fail stop
}
rollback back { sh "restore" }
)");
   h.world.metrics["errors"] = [](double) { return Sample::of(5, 0); };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() == std::vector<std::string>{"restore"});
}

TEST_CASE("await timeouts, asserts and declined approvals are failures a route takes", "[exec][routes]")
{
   const char* source = R"(runbook "t"
metric up = sh "up" unit count
phase "One" {
  STEP on fail rollback back
}
rollback back { log "rolled back" }
)";
   for (const std::string step : {"await up == 1 timeout 1m every 10s", "assert up == 1 \"up\"", "approve \"go?\"",
                                  "checklist \"c\" {\n - \"ready\"\n}"}) {
      std::string text = source;
      text.replace(text.find("STEP"), 4, step);
      Harness h(text);
      h.world.metrics["up"] = [](double) { return Sample::of(0, 0); };
      h.world.on_ask = [](const Question&) { return Answer{"no", "test", false}; };
      INFO(step);
      CHECK(h.run().exit_code == exit_code::RolledBack);
   }
}

TEST_CASE("inside a rollback a route to another rollback fails the rollback, and { steps } handle it", "[exec][routes]")
{
   Harness h(R"(runbook "t"
phase "One" {
  rollback back
}
rollback back {
  sh "verify" on fail { notify "verification failed" }
  sh "restore" on fail rollback other
  sh "never"
}
rollback other { log "other" }
)");
   h.world.on_shell = [](const std::string& command) {
      ShellResult r = exited(1);
      (void)command;
      return r;
   };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RollbackFailed);
   CHECK(h.observer.has(RunEvent::Kind::Notify, "verification failed"));
   CHECK(h.world.commands() == std::vector<std::string>{"verify", "restore"});
}

TEST_CASE("a resumed run does not redo a step whose failure went to its { steps }", "[exec][routes][resume]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "smoke" on fail {
    notify "smoke failed"
    sh "repair"
  }
  sh "next"
}
)");
   h.world.on_shell = [&h](const std::string& command) {
      if (command == "repair") h.interrupt = true;
      ShellResult r;
      r.started = true;
      r.exit_code = command == "smoke" ? 1 : 0;
      return r;
   };
   const RunOutcome first = h.run();
   REQUIRE(first.exit_code == exit_code::Interrupted);
   h.world.on_shell = failing_shell("nothing fails now");
   const RunOutcome second = h.resume(first.run_id);
   CHECK(second.exit_code == exit_code::Completed);
   // "smoke" is not run again: its failure was already routed.
   const auto commands = h.world.commands();
   CHECK(std::count(commands.begin(), commands.end(), "smoke") == 1);
   CHECK(commands.back() == "next");
}
