// The `unrouted-failure` warning: a phase that changes the world and has a
// step whose failure goes nowhere declared.
//
// A failure with no route ends the run where it stands (exit 1), traffic
// wherever it is. That is what docs/language.md calls the case a reviewer
// must see: the warning names the first such step.
#pragma once

#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"

namespace runbook {

/// Warns on `phase` when it has a step with side effects (sh, an http method
/// other than GET/HEAD, a function call) and a step that can fail with no
/// `on fail` of its own or of an enclosing step. The caller has already
/// checked that neither the phase nor the runbook declares a route.
void warn_unrouted_failure(const ast::Phase& phase, Diagnostics& diags);

}  // namespace runbook
