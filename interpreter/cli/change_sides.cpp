#include "cli/change_sides.hpp"

#include <stdexcept>

#include <fmt/core.h>

#include "cli/git_sources.hpp"

namespace runbook::cli {

namespace {

/// The plan of one side, or nothing when it does not check (said on stderr).
std::optional<plan::Plan> plan_of(const std::string& file, const LoadFlags& load, const char* command,
                                  SourceProvider* provider = nullptr)
{
   SourceRequest request = source_request(file, load);
   request.provider = provider;
   const CheckedProgram loaded = load_and_check(request);
   if (!loaded.usage_error.empty()) {
      fmt::print(stderr, "runbook {}: {}: {}\n", command, file, loaded.usage_error);
      return std::nullopt;
   }
   if (loaded.diags.has_errors()) {
      fmt::print(stderr, "{}", render_text(loaded.diags, false));
      fmt::print(stderr, "runbook {}: {} does not check; nothing was compared\n", command, file);
      return std::nullopt;
   }
   return plan::build_plan(loaded.program, loaded.given_params);
}

}  // namespace

void add_change_sides(CLI::App* cmd, ChangeSides& sides)
{
   cmd->add_option("files", sides.files, "OLD NEW: the runbook as it was and as proposed (with --git: one runbook)")
       ->required()
       ->check(CLI::ExistingFile);
   cmd->add_option("--git", sides.git_rev, "Compare FILE as of this git revision (HEAD, main, a commit) with FILE now");
   add_load_flags(cmd, sides.load);
}

std::optional<ChangeDiff> diff_change(const ChangeSides& sides, const char* command)
{
   const std::size_t wanted = sides.git_rev.empty() ? 2 : 1;
   if (sides.files.size() != wanted) {
      fmt::print(stderr, "runbook {}: {}\n", command,
                 sides.git_rev.empty() ? "give two runbooks, OLD and NEW (or --git REV and one runbook)"
                                       : "with --git REV give one runbook: its version at REV is the old side");
      return std::nullopt;
   }
   ChangeDiff change;
   change.old_name = sides.files.front();
   change.new_name = sides.new_file();
   std::optional<plan::Plan> before;
   if (sides.git_rev.empty()) {
      before = plan_of(sides.files.front(), sides.load, command);
   } else {
      change.old_name = sides.git_rev + ":" + sides.files.front();
      try {
         GitRevisionSources at_rev(sides.git_rev, sides.files.front());
         before = plan_of(sides.files.front(), sides.load, command, &at_rev);
      } catch (const std::runtime_error& e) {
         fmt::print(stderr, "runbook {}: --git {}: {}\n", command, sides.git_rev, e.what());
         return std::nullopt;
      }
   }
   if (!before) return std::nullopt;
   const auto after = plan_of(sides.new_file(), sides.load, command);
   if (!after) return std::nullopt;
   change.diff = plan::diff_plans(*before, *after);
   return change;
}

}  // namespace runbook::cli
