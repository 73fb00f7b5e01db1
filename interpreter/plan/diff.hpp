// What changes between two plans, for the people a rollout affects: the
// review of a runbook's pull request (`runbook diff OLD NEW`).
//
// Not a text diff: two plans are compared by what they do. Steps are matched
// by id (the id a run journals them under), so a step whose command changed
// is "changed", one that moved to another id is "moved" (same kind and text),
// and every id whose step differs is a place where a run in progress would
// see another step than the one it journaled: `runbook resume --use-current`
// refuses to adopt the new file once a run has reached one of them.
#pragma once

#include <string>
#include <vector>

#include "plan/plan.hpp"

namespace runbook::plan {

struct Change {
   std::string area;      ///< "param", "metric", "trigger", "phase", "rollback", "step".
   std::string name;      ///< The param, metric, trigger, phase slug, rollback name, or step id.
   std::string what;      ///< "added", "removed", "changed", "moved".
   std::string where;     ///< For steps: the phase title or "rollback NAME".
   std::string before;    ///< One line as the old plan reads ("" when added).
   std::string after;     ///< One line as the new plan reads ("" when removed).
};

struct PlanDiff {
   std::vector<Change> changes;
   /// Step ids of the old plan, in the order a run meets them, whose step
   /// is changed, removed or moved in the new one.
   std::vector<std::string> differing_ids;
   bool empty() const { return changes.empty(); }
};

PlanDiff diff_plans(const Plan& before, const Plan& after);

std::string render_diff_text(const PlanDiff& diff, const std::string& old_name, const std::string& new_name);
std::string render_diff_markdown(const PlanDiff& diff, const std::string& old_name, const std::string& new_name);
std::string render_diff_json(const PlanDiff& diff, const std::string& old_name, const std::string& new_name);

}  // namespace runbook::plan
