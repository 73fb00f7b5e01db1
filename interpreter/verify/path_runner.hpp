// Running paths: each fault is a scenario (the base world plus the fault's
// lines), simulated by the real interpreter on the virtual clock, spread
// over worker threads.
//
// Every path re-runs from T+0, so the scenario written for a finding is
// byte for byte what ran. Sharing the prefix with the healthy run by
// forking at the fault's moment was built and measured (docs/verify.md,
// "How fast"): on this 2-core VM a copy-on-write page fault costs ~16 us
// and a forked path dirties ~1,100 pages, more than the prefix it saves.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "check/front_end.hpp"
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
   /// The runbook as every path's scenario has simulate() load it (see
   /// load_for_paths): loaded once, shared by the paths; null: each loads it.
   const CheckedProgram* checked = nullptr;
};

/// The runbook loaded and checked exactly as simulate() does for a path's
/// scenario (its absolute path, the setup's params as the scenario's).
std::unique_ptr<CheckedProgram> load_for_paths(const PathSetup& setup);

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
