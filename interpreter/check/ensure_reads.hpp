// What an `ensure` invariant may not read.
//
// An invariant is about where the world ends (docs/verify.md, "ensure"):
// params, secrets and function calls that look at the world. A metric is a
// sample of one moment, watched by triggers while the run runs; reading one
// at the end would make the verdict depend on when it was taken.
#pragma once

#include "check/names.hpp"
#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"

namespace runbook {

/// Reports `ensure-reads-metric` at every metric the invariant's expression
/// reads, the arguments of its calls included.
void report_metric_reads(const ast::Ensure& ensure, const GlobalNames& names, Diagnostics& diags);

}  // namespace runbook
