// Checking a scenario's `expect` lines against a finished simulation.
#pragma once

#include <string>
#include <vector>

#include "simulate/scenario.hpp"
#include "simulate/simulation_result.hpp"

namespace runbook::sim {

struct ExpectationResult {
   const ExpectRule* rule = nullptr;
   bool passed = false;
   std::string expected;         ///< The expectation in words: "outcome rolled back via emergency".
   std::string actual;           ///< What happened instead (or what matched).
};

/// Evaluates every expectation, in file order.
std::vector<ExpectationResult> check_expectations(const Scenario& scenario, const SimulationResult& result);

/// "runbooks/tests/x.scenario:12: expected outcome rolled back via emergency, but the run completed (exit 0)".
std::string describe_failure(const Scenario& scenario, const ExpectationResult& failure);

}  // namespace runbook::sim
