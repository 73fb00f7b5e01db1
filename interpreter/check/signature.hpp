// Canonical source text of expressions and steps, and the step definition hash.
//
// The checker quotes expressions in its messages, the plan shows conditions as
// the author wrote them, and the journal stores a hash of each step's
// definition so that `resume` notices when a done step was edited. All of them
// print the tree the same way, here: whitespace and comments are gone, string
// escapes are normalised, operators get single spaces, and parentheses appear
// only where precedence needs them. Two steps that mean the same thing print
// the same text.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "syntax/ast.hpp"

namespace runbook {

/// `error_rate > 1%`, `"routing ${pct}%"`, `traffic.route(api, "green", 5)`.
std::string expr_source(const ast::Expr& expr);

/// The condition with its clauses: `api_p99 < 100ms for 2m after 3 failures`.
std::string condition_source(const ast::Condition& condition);

/// A name's known value, for printing: `value` stands for the name in an
/// expression (`1%`, `"https://x"`), `text` inside an interpolated string.
struct SubstitutedName {
   std::string value;
   std::string text;
};
/// Returns the value to show for a name, or nullopt to print the name.
using NameSubstitution = std::function<std::optional<SubstitutedName>(const std::string& name)>;

/// The same, with the names `names` knows shown by value: the plan prints
/// `error_rate > 1% for 5m` for `error_rate > rollback_error_rate for 5m`.
std::string expr_source(const ast::Expr& expr, const NameSubstitution& names);
std::string condition_source(const ast::Condition& condition, const NameSubstitution& names);

/// What a condition does when its metric cannot be read, as written:
/// `lost after 2 errors on lost rollback emergency`; "" when both are default.
std::string lost_clauses_source(const ast::Condition& condition);

/// The language keyword of a step: "sh", "http", "checklist", ... "call", "undo all".
std::string step_keyword(const ast::Step& step);

/// The canonical text of one step's definition, used for the journal's
/// definition hash. It covers what the step itself does: its keyword, its
/// arguments, expectations, capture name and the options that change its
/// behaviour (timeout, retry, idempotent). It leaves out what is journaled
/// separately or does not change the step's effect: the steps nested in
/// `if`/`for` bodies (each has its own id and hash), `undo` blocks (they are
/// run from the current source when needed), the `id "..."` option (it is the
/// key, not the definition) and the source position.
std::string step_signature(const ast::Step& step);

/// 64-bit FNV-1a of step_signature(), as 16 lower-case hex digits.
std::string step_def_hash(const ast::Step& step);

/// 64-bit FNV-1a of any text (the building block of step_def_hash).
std::uint64_t fnv1a_64(const std::string& text);

}  // namespace runbook
