// The functions every runbook can call without a `use`.
//
// One table, read by the checker (names and argument counts) and by the
// interpreter (which implements each entry). Keep it small: anything that can
// be written in the language belongs in the stdlib instead.
#pragma once

#include <string_view>
#include <vector>

#include "syntax/ast.hpp"

namespace runbook {

struct Builtin {
   std::string_view name;
   std::size_t min_args = 0;
   std::size_t max_args = 0;
   ast::Type result = ast::Type::Any;
   std::string_view summary;              ///< One line for docs and messages.
};

/// now()      the current runbook time (seconds since the epoch; virtual in simulate)
/// len(x)     the length of a list, map or string
/// str(x)     x as text, as it would be interpolated
/// number(x)  a string parsed as a number
/// trim(x)    a string without the white space at its ends (`trim(r.stdout)`)
const std::vector<Builtin>& builtins();
const Builtin* find_builtin(std::string_view name);

}  // namespace runbook
