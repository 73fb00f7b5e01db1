// Which source a metric with alternatives reads, decided before the run.
//
// `metric x unit U { SOURCE if COND ... }` lists sources, first applicable
// wins. The conditions may use params only (and literals and operators), so
// the choice is fixed by the params' values (defaults or -p): check, plan,
// simulate and run all read the same source, and the plan can show it.
#pragma once

#include <string>
#include <vector>

#include "check/static_value.hpp"
#include "syntax/diagnostic.hpp"
#include "syntax/loader.hpp"

namespace runbook {

/// Sets each metric's `chosen` and `chosen_by` from `params` (the params'
/// static values). Reports a condition that uses anything but params
/// (`metric-choice-not-param`), one that is not true/false
/// (`type-mismatch`), a source after one without `if` (`metric-choice-unreachable`),
/// and a metric none of whose sources applies (`metric-no-source`).
void choose_metric_sources(Program& program, const StaticScope& params, const std::vector<std::string>& param_names,
                           Diagnostics& diags);

}  // namespace runbook
