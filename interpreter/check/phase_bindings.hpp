// Which run variables a trigger may read.
//
// A trigger is sampled beside every step of the phases that arm it, in the
// run's own scope, so it may read a variable the run set earlier:
//
//   phase "Baseline" { let baseline = conversion }
//   phase "Canary" arms conversion_drop { ... }
//   trigger conversion_drop when conversion < baseline * 95% for 10m -> rollback emergency
//
// That is sound only if the variable is set on every path before the first
// sample: by a step at the top level of a phase that runs before every phase
// arming the trigger. A `let` inside an `if` or a loop, a capture of a step
// whose failure may be routed on, or a later phase does not count.
#pragma once

#include <set>
#include <string>

#include "syntax/ast.hpp"

namespace runbook {

/// The names a phase body sets on every path through it: each top-level
/// `let`, and each top-level step's `as NAME` capture unless the step is
/// soft or routes its failure (then the run may go on without the capture).
std::set<std::string> names_always_bound(const ast::Block& body);

}  // namespace runbook
