// Soft checks and `finally` (docs/language.md "Soft checks and finally").
#include "exec_test_support.hpp"

#include "exec/exit_codes.hpp"

using namespace runbook;
using namespace runbook::testing;

namespace {

std::function<ShellResult(const std::string&)> shell_failing_exactly(std::vector<std::string> failing)
{
   return [failing](const std::string& command) {
      ShellResult r;
      r.started = true;
      r.exit_code = std::find(failing.begin(), failing.end(), command) != failing.end() ? 1 : 0;
      return r;
   };
}

}  // namespace

TEST_CASE("soft: every check runs, then the block fails listing each failure", "[exec][soft]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "a" soft
  sh "b" soft
  sh "c"
}
phase "Two" {
  sh "never"
}
)");
   h.world.on_shell = shell_failing_exactly({"a", "b"});
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Failed);
   CHECK(h.world.commands() == std::vector<std::string>{"a", "b", "c"});
   CHECK(out.summary.find("2 soft failures") != std::string::npos);
}

TEST_CASE("a soft block's end is a failure its route takes", "[exec][soft][routes]")
{
   Harness h(R"(runbook "t"
phase "One" {
  if true {
    sh "a" soft
    sh "b"
  } on fail rollback back
}
rollback back { sh "restore" }
)");
   h.world.on_shell = shell_failing_exactly({"a"});
   CHECK(h.run().exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() == std::vector<std::string>{"a", "b", "restore"});
}

TEST_CASE("finally runs after a failed phase with failed and failures in scope", "[exec][finally]")
{
   Harness h(R"(runbook "t"
phase "One" on fail rollback back {
  sh "check" soft
} finally {
  notify failed ? "failed: ${failures}" : "fine"
}
rollback back {
  sh "verify"
} finally {
  notify failed ? "rollback failed: ${failures}" : "rollback verified"
}
)");
   h.world.on_shell = shell_failing_exactly({"check", "verify"});
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RollbackFailed);
   CHECK(h.observer.has(RunEvent::Kind::Notify, "failed: ["));
   CHECK(h.observer.has(RunEvent::Kind::Notify, "rollback failed: ["));
}

TEST_CASE("finally after a phase that succeeded: failed is false", "[exec][finally]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "ok"
} finally {
  notify failed ? "failed" : "all good"
}
)");
   CHECK(h.run().exit_code == exit_code::Completed);
   CHECK(h.observer.has(RunEvent::Kind::Notify, "all good"));
}
