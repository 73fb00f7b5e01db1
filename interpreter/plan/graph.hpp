// `runbook graph`: phases as clusters, their top-level steps as nodes in
// order, rollback blocks as clusters, and dashed edges for every way into a
// rollback (a trigger, a `rollback` step, monitoring lost). Nested steps are
// summarised in their top-level step's node; the plan has the full detail.
#pragma once

#include <string>

#include "plan/plan.hpp"

namespace runbook::plan {

std::string render_mermaid(const Plan& plan);
std::string render_dot(const Plan& plan);

}  // namespace runbook::plan
