// `runbook simulate FILE --replay RUN`: a real run's samples as the metric series.
//
// "Would the new thresholds have rolled back last Tuesday's release?" The
// journal of a real run holds the samples that decided something (every
// change of a condition's verdict, every breach). replay_scenario() turns
// them into metric rules that hold each journaled value from the moment it
// was taken until the next one, on the run's own time line (T+0 = the
// run's start), so the edited runbook can be simulated against them.
#pragma once

#include <optional>
#include <string>

#include "journal/journal.hpp"
#include "simulate/scenario.hpp"

namespace runbook::sim {

/// Builds the scenario, or returns nothing with `error` set (no such run, no samples).
std::optional<Scenario> replay_scenario(Journal& journal, const std::string& run_id, std::string& error);

}  // namespace runbook::sim
