// runbook diff OLD NEW: what changes between two versions of a runbook for
// the people its rollout affects (plan/diff.hpp), not the text that changed.
//
// Both files are checked with the same flags (-p, --params, --stdlib) and
// planned; an invalid one gets its diagnostics and exit 2, as with `plan`.
#include <fmt/core.h>

#include <cstdio>
#include <optional>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "exec/exit_codes.hpp"
#include "plan/diff.hpp"

namespace runbook::cli {

namespace {

struct DiffFlags {
   std::string old_file;
   std::string new_file;
   std::string format = "text";
   LoadFlags load;
};

/// The plan of one side, or nothing when it does not check (said on stderr).
std::optional<plan::Plan> plan_of(const std::string& file, const LoadFlags& load)
{
   const CheckedProgram loaded = load_and_check(source_request(file, load));
   if (!loaded.usage_error.empty()) {
      fmt::print(stderr, "runbook diff: {}: {}\n", file, loaded.usage_error);
      return std::nullopt;
   }
   if (loaded.diags.has_errors()) {
      fmt::print(stderr, "{}", render_text(loaded.diags, false));
      fmt::print(stderr, "runbook diff: {} does not check; nothing was compared\n", file);
      return std::nullopt;
   }
   return plan::build_plan(loaded.program, loaded.given_params);
}

int run_diff(const DiffFlags& flags)
{
   const auto before = plan_of(flags.old_file, flags.load);
   if (!before) return exit_code::Invalid;
   const auto after = plan_of(flags.new_file, flags.load);
   if (!after) return exit_code::Invalid;
   const plan::PlanDiff diff = plan::diff_plans(*before, *after);
   if (flags.format == "markdown") fmt::print("{}", plan::render_diff_markdown(diff, flags.old_file, flags.new_file));
   else if (flags.format == "json") fmt::print("{}", plan::render_diff_json(diff, flags.old_file, flags.new_file));
   else fmt::print("{}", plan::render_diff_text(diff, flags.old_file, flags.new_file));
   return exit_code::Completed;
}

}  // namespace

void add_diff_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<DiffFlags>();
   auto* cmd = app.add_subcommand("diff", "Show what changes between two versions of a runbook: steps, thresholds, "
                                          "triggers, rollbacks, and which step ids a run in progress sees differently");
   cmd->add_option("old", flags->old_file, "The runbook as it was")->required()->check(CLI::ExistingFile);
   cmd->add_option("new", flags->new_file, "The runbook as it is proposed")->required()->check(CLI::ExistingFile);
   cmd->add_option("--format", flags->format, "text, markdown (for a review comment) or json")
       ->check(CLI::IsMember({"text", "markdown", "json"}));
   add_load_flags(cmd, flags->load);
   cmd->callback([flags, &exit_code] { exit_code = run_diff(*flags); });
}

}  // namespace runbook::cli
