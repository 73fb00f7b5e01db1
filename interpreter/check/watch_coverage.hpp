// The "watch coverage" warnings: monitoring that looks armed but cannot act.
//
// `short-soak`: a `wait` or `watch` step (a soak) shorter than the `for`
// window of a trigger armed during it. A breach that begins in the soak
// cannot be sustained for the window before the rollout moves on, so the
// trigger never fires inside the soak it was armed to guard.
//
// `watch-preempts-trigger`: a watch condition stricter than a trigger that
// would roll back on its own (P0, or P1 after its grace, with `-> rollback
// NAME`): it fails wherever the trigger fires, no later than the trigger's
// window (and grace) ends, so the watch fails the step first and its failure
// takes the watch's route (often: the run stops) instead of the rollback. A
// watch whose failure goes to that same rollback is not reported.
//
// Both rules decide only what is known before the run: durations and
// thresholds written as literals or as params with a literal value; a loop
// variable, a capture or a metric on both sides makes the rule skip, never
// guess. Steps inside function bodies are not followed.
#pragma once

#include <string>

#include "check/names.hpp"
#include "check/static_value.hpp"
#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"

namespace runbook {

/// What the watch coverage rules need to know besides the phase.
struct WatchCoverageContext {
   const GlobalNames& names;          ///< Triggers and metrics, by name.
   const StaticScope& params;         ///< The params' values known before the run.
   const ast::FailRoute& runbook_route;   ///< The runbook's default `on fail`.
   double default_every_ms;           ///< A watch's sampling interval when it says none.
};

/// Reports `short-soak` and `watch-preempts-trigger` for the steps of `phase`.
void warn_watch_coverage(const ast::Phase& phase, const WatchCoverageContext& context, Diagnostics& diags);

}  // namespace runbook
