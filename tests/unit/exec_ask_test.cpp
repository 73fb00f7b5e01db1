// `ask "question" choices [...] timeout D default "X" as NAME` (docs/language.md,
// "Decisions"): parsed, checked, planned, and run: the answer is a journaled
// fact captured as a string, a timeout takes the default, nobody answering
// without a default is a failure routed as any other.
#include "exec_test_support.hpp"

#include <fmt/core.h>

#include "check/checker.hpp"
#include "exec/exit_codes.hpp"
#include "plan/plan.hpp"
#include "plan/render.hpp"

using namespace runbook;
using namespace runbook::testing;

namespace {

const char* const dns_runbook = R"(runbook "t"
phase "DNS" on fail rollback back {
  ask "DNS records are not resolving yet. What now?"
      choices ["wait", "roll back", "skip DNS"] timeout 30m default "roll back" as answer
  if answer == "roll back" { rollback back }
  if answer == "skip DNS" { log "DNS left as it is" }
  sh "after ${answer}"
}
rollback back { sh "restore" }
)";

/// The diagnostics of `check` on a runbook, as "LINE:COL: code: message".
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

}  // namespace

TEST_CASE("ask: the question, its choices and its default are parsed", "[parser][ask]")
{
   const Program program = load_source(dns_runbook);
   const auto& step = *program.root->phases.at(0).body.at(0);
   const auto* ask = std::get_if<ast::AskStep>(&step.node);
   REQUIRE(ask != nullptr);
   CHECK(ask->choices == std::vector<std::string>{"wait", "roll back", "skip DNS"});
   CHECK(ask->decision.default_answer == std::optional<std::string>("roll back"));
   CHECK(step.options.timeout_ms == std::optional<double>(30 * 60'000.0));
   CHECK(step.options.capture == "answer");
   CHECK(step.id == "dns/1");
}

TEST_CASE("ask: a syntax error names what is missing", "[parser][ask]")
{
   auto first = [](const std::string& text) {
      const auto all = diagnostics_of(text);
      return all.empty() ? std::string() : all.front();
   };
   CHECK(first("runbook \"t\"\nphase \"P\" {\n  ask \"Go?\"\n}\n") ==
         "3:12: syntax: expected 'choices' and the answers in brackets after the question, as in choices [\"wait\", "
         "\"roll back\"]");
   CHECK(first("runbook \"t\"\nphase \"P\" {\n  ask \"Go?\" choices [\"a\", b]\n}\n") ==
         "3:25: syntax: expected ',' and another choice, or ']' to close the choices");
}

TEST_CASE("ask: check wants distinct choices and a default among them, after a timeout", "[checker][ask]")
{
   const auto wrong_default = diagnostics_of(R"(runbook "t"
phase "P" on fail stop {
  ask "Now?" choices ["wait", "roll back"] timeout 5m default "rollback" as a
}
)");
   REQUIRE(wrong_default.size() == 1);
   CHECK(wrong_default[0] ==
         "3:63: bad-default: 'default \"rollback\"' is not one of the choices (\"wait\", \"roll back\")");

   const auto twice = diagnostics_of(R"(runbook "t"
phase "P" on fail stop {
  ask "Now?" choices ["wait", "wait"]
}
)");
   REQUIRE(twice.size() == 1);
   CHECK(twice[0] == "3:14: duplicate-choice: the choice \"wait\" is offered twice");

   const auto no_timeout = diagnostics_of(R"(runbook "t"
phase "P" on fail stop {
  ask "Now?" choices ["wait", "go"] default "go"
}
)");
   REQUIRE(no_timeout.size() == 1);
   CHECK(no_timeout[0] ==
         "3:45: bad-default: 'default' needs a 'timeout': it is the answer when nobody answers in time");

   // The capture is a string: comparing it with a string is fine, with a number is not.
   CHECK(diagnostics_of(dns_runbook).empty());
}

TEST_CASE("ask: the plan shows the question, its choices, its timeout and default", "[plan][ask]")
{
   InMemorySources sources;
   sources.files["main.rb"] = dns_runbook;
   Diagnostics diags;
   Program program = load_program("main.rb", sources, LoadOptions{}, diags);
   check_program(program, diags);
   REQUIRE_FALSE(diags.has_errors());
   const std::string text = plan::render_text(plan::build_plan(program, {}));
   CHECK_THAT(text, Catch::Contains("ask \"DNS records are not resolving yet. What now?\""));
   CHECK_THAT(text, Catch::Contains("choices \"wait\", \"roll back\", \"skip DNS\""));
   CHECK_THAT(text, Catch::Contains("unanswered after 30m: \"roll back\" by default"));
}

TEST_CASE("ask: the chosen answer is captured and drives the run", "[exec][ask]")
{
   Harness h(dns_runbook);
   h.world.on_ask = [](const Question& q) {
      CHECK(q.kind == Question::Kind::Ask);
      CHECK(q.choices == std::vector<std::string>{"wait", "roll back", "skip DNS"});
      return Answer{"skip DNS", "alice", false};
   };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(h.world.commands() == std::vector<std::string>{"after 'skip DNS'"});
   CHECK(h.observer.has(RunEvent::Kind::Log, "DNS left as it is"));
   CHECK(h.observer.has(RunEvent::Kind::Answer, "skip DNS (by alice)"));
}

TEST_CASE("ask: nobody answering within the timeout takes the default", "[exec][ask]")
{
   Harness h(dns_runbook);
   h.world.on_ask = answers_after(45, "wait");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() == std::vector<std::string>{"restore"});
   CHECK(h.observer.has(RunEvent::Kind::Answer, "roll back (default after timeout)"));
   // The question ended at its deadline.
   CHECK(h.world.shell_calls.at(0).at - t0 == 30 * 60'000.0);
}

TEST_CASE("ask: unanswered within the timeout without a default is a failure, routed", "[exec][ask]")
{
   Harness h(R"(runbook "t"
phase "DNS" on fail rollback back {
  ask "What now?" choices ["wait", "go"] timeout 10m as answer
  sh "never"
}
rollback back { sh "restore" }
)");
   h.world.on_ask = answers_after(20, "go");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() == std::vector<std::string>{"restore"});
   CHECK(h.observer.has(RunEvent::Kind::StepFinished, "nobody answered within 10m"));
}

TEST_CASE("ask: nobody to ask takes the default, or fails without one", "[exec][ask]")
{
   {
      Harness h(dns_runbook);
      h.world.on_ask = [](const Question&) { return Answer{"", "nobody to ask (no terminal and no --yes)", false}; };
      CHECK(h.run().exit_code == exit_code::RolledBack);
   }
   {
      Harness h(R"(runbook "t"
phase "P" on fail stop {
  ask "What now?" choices ["wait", "go"]
}
)");
      h.world.on_ask = [](const Question&) { return Answer{"", "nobody to ask (no terminal and no --yes)", false}; };
      CHECK(h.run().exit_code == exit_code::Failed);
      CHECK(h.observer.has(RunEvent::Kind::StepFinished, "has no default"));
   }
}

TEST_CASE("ask: the answer is journaled and a resumed run does not ask again", "[exec][ask][resume]")
{
   Harness h(R"(runbook "t"
phase "P" {
  ask "What now?" choices ["wait", "go"] as answer
  sh "first ${answer}"
  sh "second ${answer}"
}
)");
   h.world.on_ask = [](const Question&) { return Answer{"go", "alice", false}; };
   h.world.on_shell = [](const std::string& command) -> ShellResult {
      if (command == "second go") throw Crash{};
      ShellResult r = exited(0);
      return r;
   };
   h.run();
   REQUIRE(h.crashed);
   const std::string run_id = h.latest_run_id();
   CHECK(h.steps(run_id).at("p/1").outcome == "done");
   h.world.questions.clear();
   h.world.on_shell = [](const std::string&) {
      ShellResult r = exited(0);
      return r;
   };
   h.settings.in_doubt = InDoubtPolicy::Redo;
   const RunOutcome out = h.resume(run_id);
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(h.world.questions.empty());
   // The capture was restored from the journal: the last command saw "go".
   CHECK(h.world.commands().back() == "second go");
}
