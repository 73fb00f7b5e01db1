// runbook diff OLD NEW, or runbook diff --git REV FILE: what changes between
// two versions of a runbook for the people its rollout affects
// (plan/diff.hpp), not the text that changed.
//
// Both sides are checked with the same flags (-p, --params, --stdlib) and
// planned; an invalid one gets its diagnostics and exit 2, as with `plan`.
// With --git the old side is FILE (and its modules) as of REV.
#include <fmt/core.h>

#include "cli/change_sides.hpp"
#include "cli/commands.hpp"
#include "exec/exit_codes.hpp"

namespace runbook::cli {

namespace {

struct DiffFlags {
   ChangeSides sides;
   std::string format = "text";
};

int run_diff(const DiffFlags& flags)
{
   const auto change = diff_change(flags.sides, "diff");
   if (!change) return exit_code::Invalid;
   const auto& [diff, old_name, new_name] = *change;
   if (flags.format == "markdown") fmt::print("{}", plan::render_diff_markdown(diff, old_name, new_name));
   else if (flags.format == "json") fmt::print("{}", plan::render_diff_json(diff, old_name, new_name));
   else fmt::print("{}", plan::render_diff_text(diff, old_name, new_name));
   return exit_code::Completed;
}

}  // namespace

void add_diff_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<DiffFlags>();
   auto* cmd = app.add_subcommand("diff", "Show what changes between two versions of a runbook: steps, thresholds, "
                                          "triggers, rollbacks, and which step ids a run in progress sees differently");
   add_change_sides(cmd, flags->sides);
   cmd->add_option("--format", flags->format, "text, markdown (for a review comment) or json")
       ->check(CLI::IsMember({"text", "markdown", "json"}));
   cmd->callback([flags, &exit_code] { exit_code = run_diff(*flags); });
}

}  // namespace runbook::cli
