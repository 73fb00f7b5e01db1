// `runbook test`: every scenario with expectations, run and judged.
#pragma once

#include <string>
#include <vector>

namespace runbook::sim {

struct ScenarioTestOptions {
   std::vector<std::string> stdlib_dirs;
   bool verbose = false;          ///< Print every expectation, not only the first failure.
};

/// The `.scenario` files under `paths` (files as given, folders searched
/// recursively), sorted, that hold at least one `expect`.
std::vector<std::string> find_scenarios(const std::vector<std::string>& paths, std::vector<std::string>& problems);

/// Runs each scenario and prints one line per scenario (PASS/FAIL/ERROR, the
/// first unmet expectation) and a summary to `out`. Returns the exit code:
/// 0 all passed, 1 a scenario failed or could not run, 2 no scenario found.
int run_scenario_tests(const std::vector<std::string>& paths, const ScenarioTestOptions& options, std::string& out);

}  // namespace runbook::sim
