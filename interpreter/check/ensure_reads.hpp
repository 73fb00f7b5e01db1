// What an `ensure` invariant may not read.
//
// An invariant is about where the world ends (docs/verify.md, "ensure"):
// params, secrets and function calls that look at the world. A metric is a
// sample of one moment, watched by triggers while the run runs; reading one
// at the end would make the verdict depend on when it was taken, whether the
// invariant names it or a function it calls reads it.
#pragma once

#include "check/names.hpp"
#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"
#include "syntax/loader.hpp"

namespace runbook {

/// Reports `ensure-reads-metric` at every metric the invariant's expression
/// reads, the arguments of its calls included, and at every call of a
/// function of the runbook or its modules whose steps read one (directly or
/// through further calls), naming the chain of functions.
void report_metric_reads(const ast::Ensure& ensure, const Program& program, const GlobalNames& names,
                         Diagnostics& diags);

}  // namespace runbook
