// The static plan: what a runbook will do, worked out without running it.
//
// build_plan() walks the checked tree with the static evaluator
// (check/static_value.hpp): loops over literal or param lists are expanded,
// interpolations are filled in where the values are known, function calls are
// expanded into the steps they run, and whatever needs the world (metrics,
// captures, probes) stays symbolic as `${...}`. Secrets show as `***`. No
// step is executed and nothing touches the network. The renderers
// (plan/render.hpp, plan/graph.hpp) only format this model.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "syntax/loader.hpp"

namespace runbook::plan {

/// Happy path and worst case of a step or a block, in milliseconds.
struct Timing {
   double happy_ms = 0;           ///< Every wait and watch runs its length; nothing fails or retries.
   double worst_ms = 0;           ///< Every step runs to its timeout and uses all its retries.
   int unbounded = 0;             ///< Steps with no timeout (sh, http, await): worst case has no bound.
   int operator_steps = 0;        ///< Approvals and checklists: they wait for a person.

   void add(const Timing& other);
};

struct PlanStep {
   std::string id;                ///< With loop iterations and call frames: canary/1[pct=5]/2.
   std::string kind;              ///< Step keyword: sh, http, checklist, ..., call, iteration, branch.
   std::string text;              ///< One line, as a reviewer reads it: `sh "npm test"`.
   std::vector<std::string> details;   ///< Headers, body, expectations, conditions, options.
   std::vector<std::string> items;     ///< Checklist items.
   bool side_effect = false;      ///< Changes the world: sh, non-GET http, calls that contain them.
   std::string rollback;          ///< For `rollback NAME` steps and `on lost rollback NAME`.
   std::size_t line = 0;
   Timing timing;
   std::vector<PlanStep> children;
};

struct PlanParam {
   std::string name;
   std::string type;
   std::string value;             ///< For people: a computed number as "≈0.333333"; "(required)" when missing.
   std::string exact_value;       ///< Every digit, for the JSON plan (the same as value when nothing is rounded).
   std::string source;            ///< "default", "-p" or "missing".
};

struct PlanSecret { std::string name; std::string env_var; };

struct PlanMetric {
   std::string name;
   std::string unit;
   std::string source;            ///< `http GET URL json .path`, `prometheus URL query '...'`, `sh "..."`.
};

struct PlanTrigger {
   std::string name;
   std::string title;
   bool warning = false;
   std::string severity;          ///< P0..P3; "" for warnings.
   std::string condition;         ///< Condition with its clauses.
   std::string window;            ///< `for` window, "" when the first sample decides.
   std::string every;             ///< Sampling interval.
   std::string grace;             ///< P1 grace period.
   std::string action;            ///< "rollback emergency", "notify \"...\"", "record", "call f(...)".
   std::string rollback;          ///< The rollback block it leads to, if any.
   std::string lost;              ///< When its metric cannot be read: "on lost rollback emergency"; "" by default.
   std::vector<std::string> armed_in;   ///< Phase slugs.
   bool manual = false;           ///< Fired by an operator (`runbook fire RUN NAME`), no condition.
   std::string decide;            ///< P2: "within 1h default rollback" (the default when not written).
};

/// Where a failure goes (`on fail ...`), as the plan shows it.
struct PlanRoute {
   std::string text;              ///< "rollback emergency", "stop", "the steps below"; "" when none.
   std::string origin;            ///< "" (written here) or "the runbook's default".
   std::vector<PlanStep> steps;   ///< For `on fail { steps }`.
};

struct PlanPhase {
   std::size_t number = 0;
   std::string title;
   std::string slug;
   std::vector<std::string> arms;
   PlanRoute on_fail;             ///< The phase's own route, or the runbook's default.
   std::vector<PlanStep> steps;
   std::vector<PlanStep> finally; ///< `finally { }`: runs whether the steps succeeded or failed.
   Timing timing;
};

struct PlanRollback {
   std::string name;
   std::vector<std::string> reached_by;  ///< "trigger high_errors", "step canary/3", "on lost in canary/2".
   std::string deadline;          ///< `within 5m -> notify "..."`; "" without a deadline.
   std::vector<PlanStep> steps;
   std::vector<PlanStep> finally;
   Timing timing;
};

/// `ensure "TITLE" EXPR`: checked once when the run ends (docs/verify.md, "ensure").
struct PlanEnsure {
   std::string id;                ///< "ensure/1": its function's steps are journaled under it.
   std::string title;
   std::string expression;        ///< As written, params shown by value, secrets by name.
};

struct Plan {
   std::string title;
   std::string file;
   std::string lock;              ///< `lock "name"`; "" when the runbook is its own lock.
   std::vector<PlanParam> params;
   std::vector<PlanSecret> secrets;
   std::vector<PlanMetric> metrics;
   std::vector<PlanTrigger> triggers;
   std::vector<PlanPhase> phases;
   std::vector<PlanRollback> rollbacks;
   std::vector<PlanEnsure> ensures;
   PlanRoute on_fail;             ///< The runbook-wide default route.
   Timing timing;                 ///< The forward path: all phases.
};

/// Builds the plan of a checked program. `given_params` are the params set
/// with -p (shown as such).
Plan build_plan(const Program& program, const std::set<std::string>& given_params = {});

/// "2h 30m", "45s", "0s": durations as a reviewer reads them.
std::string human_duration(double ms);

}  // namespace runbook::plan
