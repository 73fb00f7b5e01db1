// Running a runbook against a scenario: the heart of `runbook simulate` and `runbook test`.
//
// simulate() loads and checks the runbook, checks the scenario against it
// (metric names and units, trigger and rollback names), then runs the real
// Interpreter with a ScenarioWorld and a temporary journal that is deleted
// afterwards (never the production journal). When the scenario interrupts
// the run, it resumes from that journal exactly as `runbook resume` would.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "simulate/scenario.hpp"
#include "simulate/simulation_result.hpp"
#include "syntax/diagnostic.hpp"

namespace runbook {
struct CheckedProgram;
}  // namespace runbook

namespace runbook::sim {

struct SimulationOptions {
   /// The runbook to run; empty: the one the scenario names.
   std::string runbook_path;
   /// `-p name=value` from the command line; they win over the scenario's params.
   std::vector<std::string> params;
   /// `--params FILE`: a profile, between the scenario's params and -p.
   std::string params_file;
   /// `--stdlib DIR`: more folders for `use`d modules.
   std::vector<std::string> stdlib_dirs;
   /// The runbook already loaded and checked with exactly the params this
   /// scenario gives it (verify: one program for all its paths, read by
   /// several threads at once); null: simulate() loads it.
   const CheckedProgram* checked = nullptr;
};

/// Runs the simulation. Problems with the runbook or the scenario go to
/// `diags` and give nothing; a run that fails is a result, not an error.
/// The runbook's diagnostics stay renderable until the next simulate() on
/// the same thread (they point into its source text, kept until then).
std::optional<SimulationResult> simulate(const Scenario& scenario, const SimulationOptions& options, Diagnostics& diags);

}  // namespace runbook::sim
