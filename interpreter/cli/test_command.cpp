// runbook test [PATH...] : run every scenario with expectations, like unit tests for runbooks.
//
// Prints PASS/FAIL per scenario with the first unmet expectation; exits 0
// when all pass, 1 when any fails or cannot run, 2 when none was found.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "simulate/scenario_tests.hpp"

namespace runbook::cli {

namespace {

struct TestFlags {
   std::vector<std::string> paths;
   std::vector<std::string> stdlib_dirs;
   bool verbose = false;
};

}  // namespace

void add_test_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<TestFlags>();
   auto* cmd = app.add_subcommand("test", "Run every scenario with expectations (default: runbooks/tests) and report pass/fail");
   cmd->add_option("paths", flags->paths, "Scenario files or folders (searched for *.scenario)");
   add_stdlib_flag(cmd, flags->stdlib_dirs);
   cmd->add_flag("-v,--verbose", flags->verbose, "List every expectation, not only the first that failed");
   cmd->callback([flags, &exit_code] {
      sim::ScenarioTestOptions options;
      options.stdlib_dirs = flags->stdlib_dirs;
      options.verbose = flags->verbose;
      std::string out;
      exit_code = sim::run_scenario_tests(flags->paths.empty() ? std::vector<std::string>{"runbooks/tests"} : flags->paths,
                                          options, out);
      fmt::print("{}", out);
   });
}

}  // namespace runbook::cli
