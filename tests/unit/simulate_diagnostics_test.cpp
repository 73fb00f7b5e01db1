// simulate() on a runbook that does not parse: its diagnostics can still be
// rendered by the caller (they point into the runbook's source text, which
// used to be freed when simulate() returned: `runbook test` and `runbook
// simulate` then crashed printing the error).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "simulate/scenario_parser.hpp"
#include "simulate/simulation.hpp"

using namespace runbook;

TEST_CASE("simulate: a runbook with a syntax error gives diagnostics the caller can render", "[simulate]")
{
   std::string pattern = (std::filesystem::temp_directory_path() / "runbook-simdiag-XXXXXX").string();
   const std::filesystem::path dir = ::mkdtemp(pattern.data());
   std::ofstream(dir / "bad.rb") << "runbook \"x\"\nphase \"a\" {\n  wait 5x\n}\n";
   std::ofstream(dir / "bad.scenario") << "scenario \"s\"\nrunbook \"bad.rb\"\nexpect outcome completed\n";

   Diagnostics diags;
   const sim::Scenario scenario = sim::load_scenario((dir / "bad.scenario").string(), diags);
   REQUIRE_FALSE(diags.has_errors());
   const auto result = sim::simulate(scenario, sim::SimulationOptions{}, diags);
   CHECK_FALSE(result);
   REQUIRE(diags.has_errors());
   const std::string shown = render_text(diags);
   CHECK(shown.find("bad.rb:3:9: error: unknown unit after the number") != std::string::npos);
   CHECK(shown.find("  wait 5x\n        ^") != std::string::npos);

   std::error_code ignored;
   std::filesystem::remove_all(dir, ignored);
}
