// runbook review OLD NEW (or --git REV FILE): the pull-request comment for a
// change to a runbook, in one command. Markdown, in three parts:
//
//   what changes     `runbook diff` of the two sides;
//   scenario tests   `runbook test` on the scenarios (default runbooks/tests);
//   failure paths    `runbook verify` of the proposed runbook.
//
// Exit 0 when the tests pass and every path ends safe, 1 when not, 2 when a
// side does not check. --no-verify leaves the third part out (a quick look).
#include <thread>

#include <fmt/core.h>

#include "cli/change_sides.hpp"
#include "cli/commands.hpp"
#include "exec/exit_codes.hpp"
#include "simulate/scenario_tests.hpp"
#include "verify/report.hpp"
#include "verify/verify.hpp"

namespace runbook::cli {

namespace {

struct ReviewFlags {
   ChangeSides sides;
   std::vector<std::string> tests{"runbooks/tests"};
   bool skip_verify = false;
};

/// The scenario tests as a Markdown section; `passed` says whether they did.
std::string tests_section(const ReviewFlags& flags, bool& passed)
{
   sim::ScenarioTestOptions options;
   options.stdlib_dirs = flags.sides.load.stdlib_dirs;
   std::string out;
   const int code = sim::run_scenario_tests(flags.tests, options, out);
   passed = code != exit_code::Failed;   // none found (2) is no failure of the change
   const char* verdict = code == 0 ? "all pass" : code == 2 ? "no scenario found" : "FAILING";
   return fmt::format("### Scenario tests: {}\n\n```\n{}```\n", verdict, out);
}

/// `runbook verify` of the proposed runbook as a Markdown section.
std::string verify_section(const ReviewFlags& flags, bool& safe)
{
   verify::VerifyOptions options;
   options.runbook_path = flags.sides.new_file();
   options.params = flags.sides.load.params;
   options.params_file = flags.sides.load.params_file;
   options.stdlib_dirs = flags.sides.load.stdlib_dirs;
   options.jobs = std::max(1u, std::thread::hardware_concurrency());
   Diagnostics diags;
   std::string error;
   const auto report = verify::verify(options, diags, error);
   if (!report) {
      safe = false;
      return fmt::format("### runbook verify: could not run\n\n```\n{}{}\n```\n", render_text(diags, false), error);
   }
   safe = report->all_safe() && report->healthy.broken.empty();
   return verify::render_report(*report, verify::ReportFormat::Markdown);
}

int run_review(const ReviewFlags& flags)
{
   const auto change = diff_change(flags.sides, "review");
   if (!change) return exit_code::Invalid;
   std::string out = fmt::format("## runbook review: `{}`\n\n", change->new_name);
   out += plan::render_diff_markdown(change->diff, change->old_name, change->new_name) + "\n";
   bool passed = false;
   out += tests_section(flags, passed) + "\n";
   bool safe = true;
   out += flags.skip_verify ? "### runbook verify: not run (--no-verify)\n" : verify_section(flags, safe);
   fmt::print("{}", out);
   return passed && safe ? exit_code::Completed : exit_code::Failed;
}

}  // namespace

void add_review_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<ReviewFlags>();
   auto* cmd = app.add_subcommand("review", "The pull-request comment for a runbook change, as Markdown: what changes, "
                                            "the scenario tests, and every failure path of the new version");
   add_change_sides(cmd, flags->sides);
   cmd->add_option("--tests", flags->tests, "Scenario files or folders to run (default: runbooks/tests)");
   cmd->add_flag("--no-verify", flags->skip_verify, "Leave out runbook verify (a quick review)");
   cmd->callback([flags, &exit_code] { exit_code = run_review(*flags); });
}

}  // namespace runbook::cli
