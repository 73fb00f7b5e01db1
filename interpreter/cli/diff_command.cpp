// runbook diff OLD NEW, or runbook diff --git REV FILE: what changes between
// two versions of a runbook for the people its rollout affects
// (plan/diff.hpp), not the text that changed.
//
// Both sides are checked with the same flags (-p, --params, --stdlib) and
// planned; an invalid one gets its diagnostics and exit 2, as with `plan`.
// With --git the old side is FILE (and its modules) as of REV.
#include <fmt/core.h>

#include <cstdio>
#include <optional>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "exec/exit_codes.hpp"
#include "cli/git_sources.hpp"
#include "plan/diff.hpp"

namespace runbook::cli {

namespace {

struct DiffFlags {
   std::vector<std::string> files;   ///< OLD NEW, or FILE with --git.
   std::string git_rev;
   std::string format = "text";
   LoadFlags load;
};

/// The plan of one side, or nothing when it does not check (said on stderr).
std::optional<plan::Plan> plan_of(const std::string& file, const LoadFlags& load, SourceProvider* provider = nullptr)
{
   SourceRequest request = source_request(file, load);
   request.provider = provider;
   const CheckedProgram loaded = load_and_check(request);
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

void print_diff(const plan::PlanDiff& diff, const std::string& format, const std::string& old_name,
                const std::string& new_name)
{
   if (format == "markdown") fmt::print("{}", plan::render_diff_markdown(diff, old_name, new_name));
   else if (format == "json") fmt::print("{}", plan::render_diff_json(diff, old_name, new_name));
   else fmt::print("{}", plan::render_diff_text(diff, old_name, new_name));
}

int run_diff(const DiffFlags& flags)
{
   const std::size_t wanted = flags.git_rev.empty() ? 2 : 1;
   if (flags.files.size() != wanted) {
      fmt::print(stderr, "runbook diff: {}\n", flags.git_rev.empty()
                                                   ? "give two runbooks, OLD and NEW (or --git REV and one runbook)"
                                                   : "with --git REV give one runbook: its version at REV is the old side");
      return exit_code::Invalid;
   }
   std::optional<plan::Plan> before;
   std::string old_name = flags.files.front();
   if (flags.git_rev.empty()) {
      before = plan_of(flags.files.front(), flags.load);
   } else {
      old_name = flags.git_rev + ":" + flags.files.front();
      try {
         GitRevisionSources at_rev(flags.git_rev, flags.files.front());
         before = plan_of(flags.files.front(), flags.load, &at_rev);
      } catch (const std::runtime_error& e) {
         fmt::print(stderr, "runbook diff: --git {}: {}\n", flags.git_rev, e.what());
         return exit_code::Invalid;
      }
   }
   if (!before) return exit_code::Invalid;
   const auto after = plan_of(flags.files.back(), flags.load);
   if (!after) return exit_code::Invalid;
   print_diff(plan::diff_plans(*before, *after), flags.format, old_name, flags.files.back());
   return exit_code::Completed;
}

}  // namespace

void add_diff_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<DiffFlags>();
   auto* cmd = app.add_subcommand("diff", "Show what changes between two versions of a runbook: steps, thresholds, "
                                          "triggers, rollbacks, and which step ids a run in progress sees differently");
   cmd->add_option("files", flags->files, "OLD NEW: the runbook as it was and as proposed (with --git: one runbook)")
       ->required()
       ->check(CLI::ExistingFile);
   cmd->add_option("--git", flags->git_rev, "Compare FILE as of this git revision (HEAD, main, a commit) with FILE now");
   cmd->add_option("--format", flags->format, "text, markdown (for a review comment) or json")
       ->check(CLI::IsMember({"text", "markdown", "json"}));
   add_load_flags(cmd, flags->load);
   cmd->callback([flags, &exit_code] { exit_code = run_diff(*flags); });
}

}  // namespace runbook::cli
