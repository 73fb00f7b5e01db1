#include "simulate/scenario_tests.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/core.h>

#include "exec/exit_codes.hpp"
#include "simulate/expectations.hpp"
#include "simulate/scenario_parser.hpp"
#include "simulate/simulation.hpp"

namespace runbook::sim {

namespace fs = std::filesystem;

std::vector<std::string> find_scenarios(const std::vector<std::string>& paths, std::vector<std::string>& problems)
{
   std::vector<std::string> found;
   for (const auto& path : paths) {
      std::error_code ec;
      if (fs::is_directory(path, ec)) {
         for (const auto& entry : fs::recursive_directory_iterator(path, ec))
            if (entry.is_regular_file() && entry.path().extension() == ".scenario") found.push_back(entry.path().string());
      } else if (fs::is_regular_file(path, ec)) {
         found.push_back(path);
      } else {
         problems.push_back(fmt::format("{}: no such file or folder", path));
      }
   }
   std::sort(found.begin(), found.end());
   found.erase(std::unique(found.begin(), found.end()), found.end());
   return found;
}

int run_scenario_tests(const std::vector<std::string>& paths, const ScenarioTestOptions& options, std::string& out)
{
   std::vector<std::string> problems;
   const auto files = find_scenarios(paths, problems);
   for (const auto& p : problems) out += "ERROR " + p + "\n";

   int passed = 0, failed = 0, errors = static_cast<int>(problems.size()), skipped = 0;
   for (const auto& file : files) {
      Diagnostics diags;
      const Scenario scenario = load_scenario(file, diags);
      if (diags.has_errors()) {
         out += fmt::format("ERROR {}\n{}", file, render_text(diags));
         ++errors;
         continue;
      }
      if (scenario.expectations.empty()) {
         ++skipped;   // A scenario to look at with `runbook simulate`, not a test.
         continue;
      }
      SimulationOptions sim_options;
      sim_options.stdlib_dirs = options.stdlib_dirs;
      std::optional<SimulationResult> result;
      try {
         result = simulate(scenario, sim_options, diags);
      } catch (const std::exception& e) {
         out += fmt::format("ERROR {}: {}\n", file, e.what());
         ++errors;
         continue;
      }
      if (!result) {
         out += fmt::format("ERROR {}\n{}", file, render_text(diags));
         ++errors;
         continue;
      }
      const auto checks = check_expectations(scenario, *result);
      const auto first_failure = std::find_if(checks.begin(), checks.end(), [](const ExpectationResult& x) { return !x.passed; });
      const bool ok = first_failure == checks.end() && result->scenario_errors.empty();
      out += fmt::format("{}  {}  ({})\n", ok ? "PASS " : "FAIL ", file, describe_outcome(*result));
      if (first_failure != checks.end()) out += "      " + describe_failure(scenario, *first_failure) + "\n";
      for (const auto& e : result->scenario_errors) out += "      " + e + "\n";
      if (options.verbose)
         for (const auto& x : checks) out += fmt::format("      {} {}\n", x.passed ? "pass" : "FAIL", x.expected);
      ok ? ++passed : ++failed;
   }
   out += fmt::format("{} scenario{}: {} passed, {} failed, {} could not run{}\n", passed + failed + errors,
                      passed + failed + errors == 1 ? "" : "s", passed, failed, errors,
                      skipped > 0 ? fmt::format(" ({} without expectations skipped)", skipped) : "");
   if (failed > 0 || errors > 0) return exit_code::Failed;
   if (passed == 0) return exit_code::Invalid;
   return exit_code::Completed;
}

}  // namespace runbook::sim
