// The world every path of `runbook verify` starts from: healthy, so that the
// only thing going wrong on a path is the fault verify injects.
//
// Either the user's base scenario, or one derived from the runbook: each
// metric at a value that satisfies every watch, await and assert condition
// and breaches no trigger (from the thresholds the checker resolved), every
// question answered yes, and the scenario defaults for the rest (commands
// exit 0, requests answered 2xx by the sandbox model).
#pragma once

#include <string>
#include <vector>

#include "verify/runbook_facts.hpp"

namespace runbook::verify {

struct BaseWorld {
   /// Scenario statements, one per line, without `runbook`, `scenario` or `expect` lines.
   std::vector<std::string> lines;
   /// What was derived and why, for the report ("error_rate = 0.05%: below 0.1% (condition ...)").
   std::vector<std::string> explanation;
   bool derived = false;
};

/// A healthy world derived from the runbook's own thresholds.
BaseWorld derive_healthy_world(const RunbookFacts& facts);

/// The user's scenario text as a base: its `scenario`, `runbook` and `expect`
/// lines are dropped (verify writes its own), the rest kept in order.
BaseWorld base_from_scenario(const std::string& text, const std::string& path);

/// A value for `metric` that makes every comparison in `breach` true, as a
/// scenario writes it ("2%", "1000ms", "1"); empty when none exists.
std::string breaching_value(const RunbookFacts& facts, const std::string& metric, const std::vector<Comparison>& breach);

/// A metric value in the scenario's notation for that metric's unit.
std::string scenario_quantity(const MetricFacts& metric, double value);

}  // namespace runbook::verify
