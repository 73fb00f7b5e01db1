// How a step id reads on a terminal.
//
// A step id names a step's place in the tree: phase, index, loop iteration,
// function call, branch. Inside functions and loops it grows long
// (`canary-deployment/1[pct=5]/2/fn:traffic.shift/2/else/1/fn:traffic.check_split/2`)
// and wraps every line it starts. The terminal shows a short label; the
// journal, `--output json` and `runbook log` keep the full id.
#pragma once

#include <string>

namespace runbook {

/// The phase, the loop iterations it is in, and the step from its innermost
/// function call on: `canary-deployment[pct=5]/.../traffic.check_split/2`.
/// A short id (three parts or fewer) is returned as is.
std::string short_step_label(const std::string& step_id);

}  // namespace runbook
