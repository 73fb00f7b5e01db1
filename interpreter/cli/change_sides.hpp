// The two sides of a change to a runbook, as `runbook diff` and `runbook
// review` take them: OLD NEW, or --git REV FILE (FILE as of REV, and now).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/load.hpp"
#include "plan/diff.hpp"

namespace runbook::cli {

struct ChangeSides {
   std::vector<std::string> files;   ///< OLD NEW, or FILE with --git.
   std::string git_rev;
   LoadFlags load;

   /// The proposed runbook: NEW, or FILE with --git.
   const std::string& new_file() const { return files.back(); }
};

/// Adds the positionals and --git (and the load flags) to `cmd`.
void add_change_sides(CLI::App* cmd, ChangeSides& sides);

/// What changed, with the names the report gives the two sides; nothing when
/// the sides are not two runbooks that check (`command` says which, on stderr).
struct ChangeDiff {
   plan::PlanDiff diff;
   std::string old_name;
   std::string new_name;
};
std::optional<ChangeDiff> diff_change(const ChangeSides& sides, const char* command);

}  // namespace runbook::cli
