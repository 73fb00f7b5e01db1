// What the built-in functions (check/builtins.hpp) compute at run time.
//
// Pure functions of their arguments and of the run's clock, which the caller
// passes in: `now()` and `since(t)` read the runbook time (virtual in
// simulate, scaled under --time-scale), so they agree with everything else
// the run measures.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "exec/value.hpp"

namespace runbook {

/// The builtin `name` applied to `args` at runbook time `now_ms`; nothing
/// when `name` is no builtin. Throws ValueError for an argument it cannot take
/// (the caller adds the location); the argument count is the caller's to check.
/// since(t) counts whole seconds (toward zero), as timestamp() shows them.
std::optional<Value> call_builtin(const std::string& name, const std::vector<Value>& args, double now_ms);

/// `seconds` since the epoch as ISO 8601 UTC text: "2026-11-26T15:04:05Z"
/// (whole seconds, rounded down).
std::string iso8601_utc(double seconds);

}  // namespace runbook
