// `undo "STEP-ID"` (docs/language.md, "Compensating one step"): checked
// against the step ids, planned, and run: the named step's undo runs only if
// the step completed in this run and was not undone yet, journaled under the
// undo step (exactly once across resume).
#include "exec_test_support.hpp"

#include <fmt/core.h>

#include "check/checker.hpp"
#include "exec/exit_codes.hpp"
#include "plan/plan.hpp"
#include "plan/render.hpp"

using namespace runbook;
using namespace runbook::testing;

namespace {

// The DNS step sits two `if`s deep: "full-rollout/update-dns" names it by the
// phase's slug and its explicit id.
const char* const dns_runbook = R"(runbook "t"
param update_dns = true
phase "Full rollout" on fail rollback emergency {
  sh "route green 100"
  if update_dns {
    ask "Apply the DNS change?" choices ["apply", "leave it"] as choice
    if choice == "apply" {
      sh "dns apply" id "update-dns" undo { sh "dns revert" }
    }
  }
  sh "verify"
}
rollback emergency {
  sh "route blue 100"
  undo "full-rollout/update-dns"
  undo all
}
)";

std::vector<std::string> diagnostics_of(const std::string& text)
{
   InMemorySources sources;
   sources.files["main.rb"] = text;
   Diagnostics diags;
   Program program = load_program("main.rb", sources, LoadOptions{}, diags);
   if (!diags.has_errors()) check_program(program, diags);
   std::vector<std::string> out;
   for (const auto& d : diags.all()) out.push_back(fmt::format("{}:{}: {}: {}", d.loc.line, d.loc.column, d.code, d.message));
   return out;
}

ShellResult exit_with(int code)
{
   ShellResult r;
   r.started = true;
   r.exit_code = code;
   return r;
}

}  // namespace

TEST_CASE("undo \"ID\": the id names a step with an undo block", "[checker][undo]")
{
   CHECK(diagnostics_of(dns_runbook).empty());
   const Program program = load_source(dns_runbook);
   const auto& undo = std::get<ast::UndoStep>(program.root->rollbacks.at(0).body.at(1)->node);
   CHECK(undo.step_id == "full-rollout/2/2/update-dns");

   const auto missing = diagnostics_of(R"(runbook "t"
phase "P" on fail rollback back { sh "a" id "apply" undo { sh "revert" } }
rollback back { undo "p/aply" }
)");
   REQUIRE(missing.size() == 1);
   CHECK(missing[0] == "3:22: undefined-step: undo \"p/aply\": no step has this id");

   const auto no_undo = diagnostics_of(R"(runbook "t"
phase "P" on fail rollback back { sh "a" }
rollback back { undo "p/1" }
)");
   REQUIRE(no_undo.size() == 1);
   CHECK(no_undo[0] == "3:22: no-undo: undo \"p/1\": step p/1 (line 2) has no 'undo { }' block to run");
}

TEST_CASE("undo \"ID\": the plan shows which step it undoes", "[plan][undo]")
{
   InMemorySources sources;
   sources.files["main.rb"] = dns_runbook;
   Diagnostics diags;
   Program program = load_program("main.rb", sources, LoadOptions{}, diags);
   check_program(program, diags);
   REQUIRE_FALSE(diags.has_errors());
   const std::string text = plan::render_text(plan::build_plan(program, {}));
   CHECK_THAT(text, Catch::Contains("undo \"full-rollout/update-dns\""));
   CHECK_THAT(text, Catch::Contains("runs the undo of step full-rollout/2/2/update-dns if it completed"));
}

TEST_CASE("undo \"ID\": a completed step is undone once, not again by undo all", "[exec][undo]")
{
   Harness h(dns_runbook);
   h.world.on_ask = [](const Question&) { return Answer{"apply", "alice", false}; };
   h.world.on_shell = [](const std::string& command) { return exit_with(command == "verify" ? 1 : 0); };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() ==
         std::vector<std::string>{"route green 100", "dns apply", "verify", "route blue 100", "dns revert"});
   // Journaled under the undo step.
   const auto steps = h.steps(h.latest_run_id());
   CHECK(steps.at("rollback:emergency/2").outcome == "done");
   CHECK(steps.count("rollback:emergency/2/full-rollout/2/2/update-dns/undo/1") == 1);
}

TEST_CASE("undo \"ID\": a step that never completed is not undone, with a log line", "[exec][undo]")
{
   Harness h(dns_runbook);
   h.world.on_ask = [](const Question&) { return Answer{"leave it", "alice", false}; };
   h.world.on_shell = [](const std::string& command) { return exit_with(command == "verify" ? 1 : 0); };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() == std::vector<std::string>{"route green 100", "verify", "route blue 100"});
   CHECK(h.observer.has(RunEvent::Kind::Log, "nothing to undo: step full-rollout/2/2/update-dns did not complete"));
}

TEST_CASE("undo \"ID\": resumed after a crash in the undo, it finishes without running anything twice",
          "[exec][undo][resume]")
{
   Harness h(R"(runbook "t"
phase "P" on fail rollback back {
  sh "apply" id "apply" undo {
    sh "revert one"
    sh "revert two"
  }
  sh "fails"
}
rollback back {
  undo "p/apply"
  undo all
  sh "done"
}
)");
   h.world.on_shell = [](const std::string& command) -> ShellResult {
      if (command == "revert two") throw Crash{};
      return exit_with(command == "fails" ? 1 : 0);
   };
   h.run();
   REQUIRE(h.crashed);
   const std::string run_id = h.latest_run_id();
   h.world.shell_calls.clear();
   h.world.on_shell = [](const std::string&) { return exit_with(0); };
   h.settings.in_doubt = InDoubtPolicy::Redo;
   const RunOutcome out = h.resume(run_id);
   CHECK(out.exit_code == exit_code::RolledBack);
   // "revert one" was done before the crash; "revert two" was in doubt (redone); undo all finds nothing left.
   CHECK(h.world.commands() == std::vector<std::string>{"revert two", "done"});
}

TEST_CASE("undo all on fail stop: an undo that fails ends the rollback there on purpose", "[exec][undo]")
{
   Harness h(R"(runbook "t"
phase "Rollout" on fail rollback back {
  sh "shift 5" undo { sh "unshift 5" }
  sh "shift 50" undo { sh "unshift 50" }
  sh "verify"
}
rollback back {
  undo all on fail stop
  sh "after the undos"
} finally {
  notify "the step back ended, failed: ${failed}"
}
)");
   h.world.on_shell = [](const std::string& command) { return exit_with(command == "verify" || command == "unshift 50" ? 1 : 0); };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RollbackFailed);
   CHECK(out.summary.find("(on fail stop)") != std::string::npos);
   std::vector<std::string> commands;
   for (const auto& call : h.world.shell_calls) commands.push_back(call.command);
   // The newest undo failed: the older one and the steps after `undo all` did not run; `finally` did.
   CHECK(std::find(commands.begin(), commands.end(), "unshift 5") == commands.end());
   CHECK(std::find(commands.begin(), commands.end(), "after the undos") == commands.end());
   CHECK(h.observer.has(RunEvent::Kind::Notify, "the step back ended, failed: true"));
}
