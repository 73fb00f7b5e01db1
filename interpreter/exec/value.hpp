// Runtime values: what expressions evaluate to while a runbook runs.
//
// A value is null, a string, a number (possibly a quantity with a unit), a
// bool, a list or a map. Quantities keep the language's units: durations in
// milliseconds, percents as the percentage (0.1% -> 0.1), bytes in bytes.
// Arithmetic and comparison check units and throw ValueError with words an
// operator understands ("cannot compare a duration (5m) with a percent (1%)").
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "syntax/ast.hpp"

namespace runbook {

/// A runtime type or unit error. The evaluator adds the location.
class ValueError : public std::runtime_error {
public:
   using std::runtime_error::runtime_error;
};

class Value;
using ValueList = std::vector<Value>;
using ValueMap = std::map<std::string, Value>;

struct Number {
   double value = 0;
   ast::Unit unit = ast::Unit::None;
};

class Value {
public:
   Value() = default;                                  ///< null
   Value(std::string s) : v_(std::move(s)) {}          // NOLINT: implicit on purpose
   Value(const char* s) : v_(std::string(s)) {}        // NOLINT
   Value(double n, ast::Unit unit = ast::Unit::None) : v_(Number{n, unit}) {}  // NOLINT
   Value(int n) : v_(Number{static_cast<double>(n), ast::Unit::None}) {}        // NOLINT
   Value(bool b) : v_(b) {}                            // NOLINT
   Value(ValueList list) : v_(std::make_shared<ValueList>(std::move(list))) {}  // NOLINT
   Value(ValueMap map) : v_(std::make_shared<ValueMap>(std::move(map))) {}      // NOLINT

   bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
   bool is_string() const { return std::holds_alternative<std::string>(v_); }
   bool is_number() const { return std::holds_alternative<Number>(v_); }
   bool is_bool() const { return std::holds_alternative<bool>(v_); }
   bool is_list() const { return std::holds_alternative<std::shared_ptr<ValueList>>(v_); }
   bool is_map() const { return std::holds_alternative<std::shared_ptr<ValueMap>>(v_); }

   /// Accessors throw ValueError naming what was expected and what was found.
   const std::string& as_string() const;
   const Number& as_number() const;
   double as_double() const { return as_number().value; }
   bool as_bool() const;
   const ValueList& as_list() const;
   const ValueMap& as_map() const;

   /// "a string", "a duration", "a list"... for messages.
   std::string type_name() const;

   /// How the value reads in the language: 5m, 0.1%, 1.5MB, true, [1, 2], {"a": 1}.
   /// Strings are shown bare (as when spliced into text).
   std::string display() const;
   /// display() for a person to read in a message, a log line or a view:
   /// numbers rounded (format_quantity_for_people: "3.24%", not
   /// "3.237184907301121%"). Never spliced into a command or a request body.
   std::string display_for_people() const;

   /// JSON: quantities become their base number (ms, percent, bytes).
   nlohmann::json to_json() const;
   /// Numbers become plain numbers; objects maps, arrays lists.
   static Value from_json(const nlohmann::json& json);

   /// Like to_json, but quantities keep their unit ({"$quantity": 300000, "unit": "duration"}),
   /// so a value journaled as a capture is restored exactly on resume.
   nlohmann::json to_typed_json() const;
   static Value from_typed_json(const nlohmann::json& json);

private:
   std::variant<std::monostate, std::string, Number, bool, std::shared_ptr<ValueList>, std::shared_ptr<ValueMap>> v_;
};

/// Binary operators of the language: + - * / < <= > >= == !=.
/// Throws ValueError on a type or unit mismatch or a division by zero.
Value apply_binary(const std::string& op, const Value& lhs, const Value& rhs);
/// Structural equality (numbers compare by value; units must agree unless one is plain).
bool values_equal(const Value& a, const Value& b);
/// Truthiness for `if`, `and`, `or`, `not`: only bools are allowed.
bool truthy(const Value& v);

/// The language name of a unit's type: "a duration", "a percent", "bytes", "a number".
std::string unit_type_name(ast::Unit unit);

}  // namespace runbook
