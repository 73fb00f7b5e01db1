// Running paths: each fault is a scenario (the base world plus the fault's
// lines), simulated by the real interpreter on the virtual clock, spread
// over worker threads.
//
// Every path re-runs from T+0, so the scenario written for a finding is
// byte for byte what ran. Measured on rollout.rb (docs/verify.md): a path
// costs about 0.15 s of CPU, most of it sampling the armed triggers every
// 30 s over hours of virtual time; forking from a journal snapshot at the
// injection point would save the prefix's share (half, on average), not
// the order of magnitude the 10 s aim needs. Not done yet.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "simulate/simulation_result.hpp"
#include "verify/faults.hpp"
#include "verify/world.hpp"

namespace runbook::verify {

struct PathSetup {
   std::string runbook_path;               ///< As given on the command line.
   std::vector<std::pair<std::string, std::string>> params;   ///< -p name=value.
   std::vector<std::string> stdlib_dirs;
   BaseWorld base;
   double limit_ms = 0;                    ///< A path still running then waits for ever.
};

struct PathResult {
   Fault fault;
   std::string scenario;                   ///< The text that ran (`runbook` names the absolute path).
   std::optional<sim::SimulationResult> result;
   std::string error;                      ///< Why it could not run (an invalid generated scenario: a bug).
};

/// The scenario text of one path; `runbook_ref` is what its `runbook` line says.
std::string scenario_text(const PathSetup& setup, const Fault& fault, const std::string& runbook_ref);

/// Runs one path (the healthy run is the path of an empty fault).
PathResult run_path(const PathSetup& setup, const Fault& fault);

/// Runs every fault on `jobs` threads; results in the faults' order.
std::vector<PathResult> run_paths(const PathSetup& setup, const std::vector<Fault>& faults, int jobs);

}  // namespace runbook::verify
