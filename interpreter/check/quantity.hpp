// Spelling quantities and types the way a runbook author writes them.
//
// The checker's messages, the plan and the step signatures all show values in
// the language's own notation (`5m`, `0.1%`, `512KB`), so they share these.
#pragma once

#include <optional>
#include <string>

#include "io/human_units.hpp"   // format_number, format_duration: the exact spellings
#include "syntax/ast.hpp"

namespace runbook {

/// A quantity as a literal of its unit: (0.1, Percent) -> "0.1%", (300000, Duration) -> "5m".
std::string format_quantity(double value, ast::Unit unit);

/// A number for people to read, not to compute with: at most two decimals,
/// trailing zeros dropped (3.237184907301121 -> "3.24", 56.199999999999996 ->
/// "56.2"); a small non-zero value keeps two significant digits (0.00423 ->
/// "0.0042") rather than reading as 0. Never for splices: a value spliced
/// into a command or a request body keeps format_number's exact spelling.
std::string format_number_for_people(double value);
/// format_quantity with format_number_for_people: (3.237184907301121, Percent) -> "3.24%".
std::string format_quantity_for_people(double value, ast::Unit unit);
/// For a reviewer reading a plan: the exact spelling when it is as short as
/// a person would type it (at most nine significant digits: "0.1234567%",
/// "5m"), else six significant digits after "≈" (1 / 3 -> "≈0.333333",
/// 1m / 7 -> "≈8571.43ms"): a computed value reads as what it is, without
/// sixteen digits of floating-point noise.
std::string format_quantity_for_review(double value, ast::Unit unit);
/// A value already spelled ("3.237184907301121%", "56.199999999999996%")
/// respelled for people ("3.24%", "56.2%"): a leading number with more than
/// two decimals is rounded, its unit kept; anything else is returned as is.
std::string respell_for_people(const std::string& text);

/// "a duration", "a percent", "a string"... for messages.
std::string describe_type(ast::Type type);
/// "string", "duration"... as written in `param x: TYPE`.
std::string type_name(ast::Type type);

/// The type that holds a quantity of `unit` (Unit::None -> Type::Number).
ast::Type type_of_unit(ast::Unit unit);

/// True for the types that `<`, `>`, `+`, `-` accept.
bool is_numeric(ast::Type type);

/// The value of a number literal without a unit (`0.02`, `-5`), if `expr` is one.
std::optional<double> bare_literal(const ast::Expr& expr);

/// What a bare `value` next to a quantity of type `quantity` likely meant, for
/// "did you mean ...?": "2% (the fraction 0.02) or 0.02%", "0.5s or 0.5ms".
std::string unit_suggestions(double value, ast::Type quantity);

}  // namespace runbook
