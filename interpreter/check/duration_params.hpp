// Durations written as params where the language needs them before the run.
//
// `for`, `grace`, a trigger's `every`, `timeout` and `retry ... every` take a
// duration literal or the name of a param (ast::DurationParam). This pass
// gives each named one its value (the param's default, or its -p value, both
// already in the tree), after checking that it is a duration, so the checker's
// own rules, the plan, the simulation and the interpreter all read `*_ms` as
// if the value had been written there.
#pragma once

#include "check/static_value.hpp"
#include "syntax/diagnostic.hpp"
#include "syntax/loader.hpp"

namespace runbook {

/// Resolves every DurationParam of the program's files with `params` (the
/// params' static values). Reports a name that is not a param, a param that is
/// not a duration, and a param whose value is not known before the run.
/// A param with no value at all (required, not given) is left unresolved:
/// the checker reports it as missing where a value is required.
void resolve_duration_params(Program& program, const StaticScope& params, const std::vector<std::string>& param_names,
                             Diagnostics& diags);

}  // namespace runbook
