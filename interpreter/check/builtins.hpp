// The functions every runbook can call without a `use`.
//
// One table, read by the checker (names, argument counts and types) and by the
// interpreter (which implements each entry). Keep it small: anything that can
// be written in the language belongs in the stdlib instead.
#pragma once

#include <optional>
#include <string>
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
   /// What each argument must be, checked by `runbook check` (Any: not checked).
   std::vector<ast::Type> arg_types = {};
};

/// now()         the current runbook time (seconds since the epoch; virtual in simulate)
/// len(x)        the length of a list, map or string
/// str(x)        x as text, as it would be interpolated
/// number(x)     a string parsed as a number
/// trim(x)       a string without the white space at its ends (`trim(r.stdout)`)
/// range(a, b)   the whole numbers a, a+1, ..., b (empty when b < a)
/// timestamp(t)  a time (seconds since the epoch, as now() gives) as ISO 8601 UTC text
/// since(t)      the duration from time t to now(), on the run's clock, in whole seconds
const std::vector<Builtin>& builtins();
const Builtin* find_builtin(std::string_view name);

/// The most items range() gives: a typo (`range(1, 100000)`) must not become a
/// loop that runs for days. The checker refuses it when both bounds are known
/// before the run, the interpreter when they are not.
constexpr double max_range_length = 10000;

/// Why range(first, last) cannot be made (bounds that are not whole numbers, or
/// more than max_range_length items), or nothing when it can.
std::optional<std::string> range_problem(double first, double last);

}  // namespace runbook
