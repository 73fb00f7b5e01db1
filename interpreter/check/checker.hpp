// The semantic checker: everything that can be known about a runbook before
// it runs.
//
// It reports every problem in one pass (sorted by position) and annotates the
// tree: after check_program every ast::Step has its stable id. See
// docs/checks.md for the list of checks and their messages.
#pragma once

#include "syntax/diagnostic.hpp"
#include "syntax/loader.hpp"

namespace runbook {

struct CheckOptions {
   /// A param without a default is an error (set by commands that need
   /// every value: run, simulate). `check` and `plan` leave it off.
   bool require_param_values = false;
   /// The sampling interval of a `watch` or trigger that does not say `every`.
   double default_every_ms = 30'000;
};

/// Checks the root runbook and every module it uses, assigns step ids, and
/// appends errors and warnings to `diags` (which it sorts).
void check_program(Program& program, Diagnostics& diags, const CheckOptions& options = {});

}  // namespace runbook
