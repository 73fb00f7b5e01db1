// `-p name=value`: giving a param its value on the command line.
//
// Every command that reads a runbook (check, plan, graph, simulate, run)
// accepts the same flags; the value is parsed as a literal of the param's
// type, exactly as if it had been written as the default in the file.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "syntax/loader.hpp"

namespace runbook {

/// Replaces the default of each named param (of the runbook or one of its
/// modules) with the flag's value. On the first bad flag returns false and
/// sets `error` to a message that names the flag: malformed (no '='), no such
/// param (with a suggestion), a secret, or a value that is not a literal of
/// the param's type. `given` receives the names that were set.
bool apply_param_flags(Program& program, const std::vector<std::string>& flags, std::string& error,
                       std::set<std::string>* given = nullptr);

/// The type a param's values must have: as declared, else that of its default.
ast::Type param_value_type(const ast::Param& param);

}  // namespace runbook
