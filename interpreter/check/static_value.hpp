// A small evaluator for what can be known before a runbook runs.
//
// The checker uses it to find the value of a duration written as a param or an
// expression (`watch soak * 2 every 30s`), and the plan uses it to expand
// loops over literal lists and to fill in interpolations. It never performs a
// side effect: metrics, probes, captures and calls stay symbolic, and secrets
// are never known (they show by name, as ${db_password}).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "check/signature.hpp"
#include "syntax/ast.hpp"

namespace runbook {

struct StaticEntry;

struct StaticValue {
   enum class Kind { Unknown, String, Number, Bool, List, Map };
   Kind kind = Kind::Unknown;
   double number = 0;
   ast::Unit unit = ast::Unit::None;
   bool boolean = false;
   /// String: its text, with the parts only known at run time shown as `${...}`.
   /// Unknown: the expression as written (`resp.status`, a secret's name).
   std::string text;
   std::vector<StaticValue> items;
   std::vector<StaticEntry> entries;   ///< Map entries, in order.
   bool exact = true;     ///< False when some part is only known at run time.
   bool secret = false;   ///< A secret contributed to it: outputs show it by name, never by value.

   static StaticValue unknown(std::string symbol, bool secret = false);
   static StaticValue of_string(std::string text);
   static StaticValue of_number(double value, ast::Unit unit = ast::Unit::None);
   static StaticValue of_bool(bool value);

   /// Known in full, nothing left for run time.
   bool known() const { return kind != Kind::Unknown && exact && !secret; }
   bool is_duration() const { return kind == Kind::Number && unit == ast::Unit::Duration && exact; }
};

/// One entry of a map value. A struct rather than std::pair<std::string,
/// StaticValue>: clang (the fuzz build) refuses to instantiate a pair of a
/// type that is still incomplete inside StaticValue's own definition.
struct StaticEntry {
   std::string first;    ///< The key.
   StaticValue second;   ///< The value.
};

/// Names with statically known (or deliberately unknown) values; scopes chain
/// to their parent so a loop body sees the params.
class StaticScope {
public:
   explicit StaticScope(const StaticScope* parent = nullptr) : parent_(parent) {}
   void set(const std::string& name, StaticValue value) { values_[name] = std::move(value); }
   const StaticValue* find(const std::string& name) const;

private:
   const StaticScope* parent_;
   std::map<std::string, StaticValue> values_;
};

/// Evaluates what it can; anything that needs the world comes back Unknown
/// (or as a String with exact == false).
StaticValue evaluate_static(const ast::Expr& expr, const StaticScope& scope);

/// For printing expressions that stay symbolic: names whose values are known
/// are shown by value, secrets as ${name}, the rest by name. `scope` must outlive
/// the returned function.
NameSubstitution known_names(const StaticScope& scope);

/// As a plan shows a value: strings quoted, quantities as literals (`5m`,
/// `0.1%`), lists and maps in JSON-like notation, secrets as `${name}`.
std::string show_value(const StaticValue& value);
/// show_value with numbers spelled for a reviewer (format_quantity_for_review):
/// for the plan's params and `let`s, never for text that is sent anywhere.
std::string show_value_for_review(const StaticValue& value);
/// As spliced into an interpolated string: strings without quotes, unknown
/// parts as `${expr}`.
std::string show_interpolated(const StaticValue& value);

}  // namespace runbook
