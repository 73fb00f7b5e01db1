// What a scenario says runs the way the real run would (issue 13): a sh
// pattern matches the command as written, a rule that matched nothing is
// reported, `prints` ends with a newline like a real command's stdout, and a
// bare number on a metric with a unit is refused as in a runbook.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "simulate/scenario_parser.hpp"
#include "simulate/simulation.hpp"

using namespace runbook;

namespace {

/// A runbook and a scenario written to a fresh folder, simulated.
struct Simulated {
   std::filesystem::path dir;
   Diagnostics diags;
   sim::Scenario parsed;   ///< Kept: its diagnostics point into its text.
   std::optional<sim::SimulationResult> result;

   Simulated(const std::string& runbook, const std::string& scenario)
   {
      std::string pattern = (std::filesystem::temp_directory_path() / "runbook-fidelity-XXXXXX").string();
      dir = ::mkdtemp(pattern.data());
      std::ofstream(dir / "r.rb") << runbook;
      std::ofstream(dir / "s.scenario") << "scenario \"s\"\nrunbook \"r.rb\"\n" << scenario;
      parsed = sim::load_scenario((dir / "s.scenario").string(), diags);
      REQUIRE_FALSE(diags.has_errors());
      result = sim::simulate(parsed, sim::SimulationOptions{}, diags);
   }
   ~Simulated()
   {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
   }
   bool noted(const std::string& text) const
   {
      for (const auto& note : result->notes)
         if (note.find(text) != std::string::npos) return true;
      return false;
   }
};

}  // namespace

TEST_CASE("scenario: a sh pattern matches the command as written, values spliced in unquoted", "[simulate]")
{
   Simulated s(R"(runbook "drain"
param host = "lb-edge-2"
phase "Drain" {
  sh "haproxy-ctl --connect ${host} --drain"
}
)",
               "sh \"*--connect lb-edge-2 --drain*\" fails with exit 3\n");
   INFO(render_text(s.diags));
   REQUIRE(s.result);
   CHECK(s.result->exit_code != 0);   // The rule answered: the step failed with exit 3.
   REQUIRE(s.result->side_effects.size() == 1);
   CHECK(s.result->side_effects[0].failed);
   CHECK_FALSE(s.noted("matched no"));
}

TEST_CASE("scenario: a rule that matched no call is reported", "[simulate]")
{
   Simulated s(R"(runbook "drain"
param host = "lb-edge-2"
phase "Drain" {
  sh "haproxy-ctl --connect ${host} --drain"
}
)",
               "sh \"*--connect lb-edge-3*\" fails\n");
   INFO(render_text(s.diags));
   REQUIRE(s.result);
   CHECK(s.result->exit_code == 0);
   CHECK(s.noted("scenario line 3: sh \"*--connect lb-edge-3*\" matched no command of the run"));
}

TEST_CASE("scenario: prints gives stdout with its newline, as a real command, and trim() drops it", "[simulate]")
{
   Simulated s(R"(runbook "fingerprint"
phase "Read" {
  sh "ssh-keygen -lf key.pub" as r
  assert r.stdout == "AB:CD\n" "stdout keeps its newline, as a real command's"
  assert trim(r.stdout) == "AB:CD" "trim() drops it"
}
)",
               "sh \"ssh-keygen*\" prints \"AB:CD\"\n");
   INFO(render_text(s.diags));
   REQUIRE(s.result);
   CHECK(s.result->exit_code == 0);   // Both asserts held.
}

TEST_CASE("scenario: a bare number on a metric with a unit is an error with the literal it means", "[simulate]")
{
   Simulated s(R"(runbook "latency"
metric p99 = http get "http://127.0.0.1:9/p99" json ".value" unit s
metric queue = http get "http://127.0.0.1:9/queue" json ".value" unit count
phase "Watch" {
  assert p99 < 1s
}
)",
               "metric p99 = 0.3\nmetric queue = 12\n");
   CHECK_FALSE(s.result);
   const std::string shown = render_text(s.diags);
   CHECK(shown.find("metric 'p99' is a duration (unit s), but the scenario gives it the bare number '0.3'") !=
         std::string::npos);
   CHECK(shown.find("did you mean 300ms?") != std::string::npos);
   CHECK(shown.find("metric 'queue'") == std::string::npos);   // A count takes a bare number.
}

TEST_CASE("scenario: a bare 0 is zero in any unit", "[simulate]")
{
   Simulated s(R"(runbook "latency"
metric p99 = http get "http://127.0.0.1:9/p99" json ".value" unit s
phase "Watch" {
  assert p99 < 1s
}
)",
               "metric p99 = 0\n");
   INFO(render_text(s.diags));
   REQUIRE(s.result);
   CHECK(s.result->exit_code == 0);
}
