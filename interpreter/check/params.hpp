// `-p name=value`: giving a param its value on the command line.
//
// Every command that reads a runbook (check, plan, graph, simulate, run,
// verify) accepts the same flags, and `--params FILE` for many at once; the value is parsed as a literal of the param's
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

/// `--params FILE`: a profile of `name = value` lines (`#` comments), read
/// into -p flags (`name=value`, appended to `flags`) for the params `program`
/// declares. Names it does not declare are skipped (a profile describes an
/// environment, not one runbook); a secret's name, a malformed line or a
/// value that is not a literal of the param's type is an error naming
/// FILE:LINE. Callers put these flags before the command line's -p, which win.
bool params_file_flags(Program& program, const std::string& path, std::vector<std::string>& flags, std::string& error);

/// The type a param's values must have: as declared, else that of its default.
ast::Type param_value_type(const ast::Param& param);

}  // namespace runbook
