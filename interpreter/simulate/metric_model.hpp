// Metric values as functions of virtual time and of what the run did.
//
// Each metric is described by the scenario's `metric` rules; at any moment
// the last rule whose window is open decides: a constant, a ramp that starts
// when its window opens, or an unreachable source. Noise is a pure function
// of (seed, metric, time), so a sample never depends on how many samples came
// before it: the same scenario gives the same values, always.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "metrics/sample.hpp"
#include "simulate/run_facts.hpp"
#include "simulate/scenario.hpp"

namespace runbook::sim {

class MetricModel {
public:
   MetricModel(const std::vector<MetricRule>& rules, const RunFacts& facts) : rules_(rules), facts_(facts) {}

   /// The sample of `metric` at virtual time `at`, in the unit's base (ms, %, bytes).
   /// A metric no rule describes samples as 0 (a healthy idle system).
   Sample sample(const std::string& metric, double at) const;

   /// The rule deciding `metric` at `at`, if any.
   const MetricRule* deciding_rule(const std::string& metric, double at) const;

   /// True when some rule describes `metric`.
   bool describes(const std::string& metric) const;

private:
   const std::vector<MetricRule>& rules_;
   const RunFacts& facts_;
};

/// Uniform noise in [-amplitude, +amplitude], a pure function of its inputs.
double seeded_noise(std::uint64_t seed, const std::string& metric, double at, double amplitude);

}  // namespace runbook::sim
