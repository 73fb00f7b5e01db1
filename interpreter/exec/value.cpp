#include "exec/value.hpp"

#include <cmath>

#include <fmt/core.h>

#include "check/quantity.hpp"

namespace runbook {

namespace {

[[noreturn]] void expected(const char* what, const Value& found)
{
   throw ValueError(fmt::format("expected {}, found {} ({})", what, found.type_name(), found.display()));
}

// Replace, not throw, on bytes that are not UTF-8 (a binary HTTP body shown in a log line).
std::string quoted(const std::string& s) { return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

std::string unit_type_name(ast::Unit unit)
{
   switch (unit) {
   case ast::Unit::Percent: return "a percent";
   case ast::Unit::Duration: return "a duration";
   case ast::Unit::Bytes: return "a byte size";
   case ast::Unit::ByteRate: return "a size per time";
   case ast::Unit::None: break;
   }
   return "a number";
}

const std::string& Value::as_string() const
{
   if (!is_string()) expected("a string", *this);
   return std::get<std::string>(v_);
}

const Number& Value::as_number() const
{
   if (!is_number()) expected("a number", *this);
   return std::get<Number>(v_);
}

bool Value::as_bool() const
{
   if (!is_bool()) expected("a bool (true or false)", *this);
   return std::get<bool>(v_);
}

const ValueList& Value::as_list() const
{
   if (!is_list()) expected("a list", *this);
   return *std::get<std::shared_ptr<ValueList>>(v_);
}

const ValueMap& Value::as_map() const
{
   if (!is_map()) expected("a map", *this);
   return *std::get<std::shared_ptr<ValueMap>>(v_);
}

std::string Value::type_name() const
{
   if (is_null()) return "null";
   if (is_string()) return "a string";
   if (is_number()) return unit_type_name(as_number().unit);
   if (is_bool()) return "a bool";
   if (is_list()) return "a list";
   return "a map";
}

namespace {

// display() and display_for_people() differ only in how a number reads.
std::string display_value(const Value& value, std::string (*quantity)(double, ast::Unit))
{
   if (value.is_null()) return "null";
   if (value.is_string()) return value.as_string();
   if (value.is_number()) return quantity(value.as_number().value, value.as_number().unit);
   if (value.is_bool()) return value.as_bool() ? "true" : "false";
   auto item_text = [quantity](const Value& item) {
      return item.is_string() ? quoted(item.as_string()) : display_value(item, quantity);
   };
   std::string out;
   if (value.is_list()) {
      out = "[";
      for (const auto& item : value.as_list()) {
         if (out.size() > 1) out += ", ";
         out += item_text(item);
      }
      return out + "]";
   }
   out = "{";
   for (const auto& entry : value.as_map()) {
      if (out.size() > 1) out += ", ";
      out += quoted(entry.first) + ": " + item_text(entry.second);
   }
   return out + "}";
}

}  // namespace

std::string Value::display() const { return display_value(*this, format_quantity); }

std::string Value::display_for_people() const { return display_value(*this, format_quantity_for_people); }

nlohmann::json Value::to_json() const
{
   if (is_null()) return nullptr;
   if (is_string()) return as_string();
   if (is_number()) {
      const double v = as_number().value;
      // Whole numbers go out as integers: APIs that expect 25 reject 25.0.
      if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e15) return static_cast<std::int64_t>(v);
      return v;
   }
   if (is_bool()) return as_bool();
   if (is_list()) {
      auto array = nlohmann::json::array();
      for (const auto& item : as_list()) array.push_back(item.to_json());
      return array;
   }
   auto object = nlohmann::json::object();
   for (const auto& [key, item] : as_map()) object[key] = item.to_json();
   return object;
}

Value Value::from_json(const nlohmann::json& json)
{
   switch (json.type()) {
   case nlohmann::json::value_t::string: return Value(json.get<std::string>());
   case nlohmann::json::value_t::boolean: return Value(json.get<bool>());
   case nlohmann::json::value_t::number_integer:
   case nlohmann::json::value_t::number_unsigned:
   case nlohmann::json::value_t::number_float: return Value(json.get<double>());
   case nlohmann::json::value_t::array: {
      ValueList list;
      for (const auto& item : json) list.push_back(from_json(item));
      return Value(std::move(list));
   }
   case nlohmann::json::value_t::object: {
      ValueMap map;
      for (const auto& [key, item] : json.items()) map[key] = from_json(item);
      return Value(std::move(map));
   }
   default: return Value();
   }
}

namespace {

const char* unit_key(ast::Unit unit)
{
   switch (unit) {
   case ast::Unit::Percent: return "percent";
   case ast::Unit::Duration: return "duration";
   case ast::Unit::Bytes: return "bytes";
   case ast::Unit::ByteRate: return "bytes_per_second";
   case ast::Unit::None: break;
   }
   return "number";
}

}  // namespace

nlohmann::json Value::to_typed_json() const
{
   if (is_number() && as_number().unit != ast::Unit::None)
      return {{"$quantity", as_number().value}, {"unit", unit_key(as_number().unit)}};
   if (is_list()) {
      auto array = nlohmann::json::array();
      for (const auto& item : as_list()) array.push_back(item.to_typed_json());
      return array;
   }
   if (is_map()) {
      auto object = nlohmann::json::object();
      for (const auto& [key, item] : as_map()) object[key] = item.to_typed_json();
      return object;
   }
   return to_json();
}

Value Value::from_typed_json(const nlohmann::json& json)
{
   if (json.is_object() && json.contains("$quantity") && json.contains("unit") && json["$quantity"].is_number()) {
      const std::string unit = json["unit"].is_string() ? json["unit"].get<std::string>() : "";
      const ast::Unit u = unit == "percent"    ? ast::Unit::Percent
                          : unit == "duration" ? ast::Unit::Duration
                          : unit == "bytes"    ? ast::Unit::Bytes
                          : unit == "bytes_per_second" ? ast::Unit::ByteRate
                                               : ast::Unit::None;
      return Value(json["$quantity"].get<double>(), u);
   }
   if (json.is_array()) {
      ValueList list;
      for (const auto& item : json) list.push_back(from_typed_json(item));
      return Value(std::move(list));
   }
   if (json.is_object()) {
      ValueMap map;
      for (const auto& [key, item] : json.items()) map[key] = from_typed_json(item);
      return Value(std::move(map));
   }
   return from_json(json);
}

namespace {

/// The unit of `a op b` for numbers, or a ValueError when the units do not mix.
/// A plain number mixes with any quantity (`cpu > 70`, `soak * 2`).
ast::Unit common_unit(const std::string& op, const Number& a, const Number& b)
{
   if (a.unit == b.unit) return a.unit;
   if (a.unit == ast::Unit::None) return b.unit;
   if (b.unit == ast::Unit::None) return a.unit;
   throw ValueError(fmt::format("cannot apply '{}' to {} ({}) and {} ({})", op, unit_type_name(a.unit),
                                format_quantity(a.value, a.unit), unit_type_name(b.unit),
                                format_quantity(b.value, b.unit)));
}

bool is_comparison(const std::string& op)
{
   return op == "<" || op == "<=" || op == ">" || op == ">=";
}

}  // namespace

bool values_equal(const Value& a, const Value& b)
{
   if (a.is_number() && b.is_number()) {
      common_unit("==", a.as_number(), b.as_number());
      return a.as_double() == b.as_double();
   }
   if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
   if (a.is_string() && b.is_string()) return a.as_string() == b.as_string();
   if (a.is_bool() && b.is_bool()) return a.as_bool() == b.as_bool();
   if (a.is_list() && b.is_list()) {
      const auto &x = a.as_list(), &y = b.as_list();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
         if (!values_equal(x[i], y[i])) return false;
      return true;
   }
   if (a.is_map() && b.is_map()) {
      const auto &x = a.as_map(), &y = b.as_map();
      if (x.size() != y.size()) return false;
      for (const auto& [key, item] : x) {
         auto it = y.find(key);
         if (it == y.end() || !values_equal(item, it->second)) return false;
      }
      return true;
   }
   throw ValueError(fmt::format("cannot compare {} ({}) with {} ({})", a.type_name(), a.display(), b.type_name(),
                                b.display()));
}

bool truthy(const Value& v) { return v.as_bool(); }

Value apply_binary(const std::string& op, const Value& lhs, const Value& rhs)
{
   if (op == "==") return Value(values_equal(lhs, rhs));
   if (op == "!=") return Value(!values_equal(lhs, rhs));
   if (op == "+" && lhs.is_string() && rhs.is_string()) return Value(lhs.as_string() + rhs.as_string());
   if (is_comparison(op) && lhs.is_string() && rhs.is_string()) {
      const int c = lhs.as_string().compare(rhs.as_string());
      if (op == "<") return Value(c < 0);
      if (op == "<=") return Value(c <= 0);
      if (op == ">") return Value(c > 0);
      return Value(c >= 0);
   }
   if (!lhs.is_number() || !rhs.is_number())
      throw ValueError(fmt::format("cannot apply '{}' to {} ({}) and {} ({})", op, lhs.type_name(), lhs.display(),
                                   rhs.type_name(), rhs.display()));
   const Number& a = lhs.as_number();
   const Number& b = rhs.as_number();
   if (is_comparison(op)) {
      common_unit(op, a, b);
      if (op == "<") return Value(a.value < b.value);
      if (op == "<=") return Value(a.value <= b.value);
      if (op == ">") return Value(a.value > b.value);
      return Value(a.value >= b.value);
   }
   if (op == "+" || op == "-") {
      const ast::Unit unit = common_unit(op, a, b);
      return Value(op == "+" ? a.value + b.value : a.value - b.value, unit);
   }
   if (op == "*") {
      // A quantity scales by a plain number; two quantities do not multiply.
      if (a.unit != ast::Unit::None && b.unit != ast::Unit::None)
         throw ValueError(fmt::format("cannot multiply {} by {}", unit_type_name(a.unit), unit_type_name(b.unit)));
      return Value(a.value * b.value, a.unit != ast::Unit::None ? a.unit : b.unit);
   }
   if (op == "/") {
      if (b.value == 0)
         throw ValueError(fmt::format("division by zero ({} / {})", lhs.display(), rhs.display()));
      // Two quantities of one unit: a ratio, as a percent, so it compares
      // with one correctly ((baseline - conversion) / baseline > 5%; 10m / 30s
      // is 2000%). Two plain numbers: a plain number. 10m / 2 is a duration.
      if (a.unit == b.unit && a.unit != ast::Unit::None) return Value(a.value / b.value * 100, ast::Unit::Percent);
      if (a.unit == b.unit) return Value(a.value / b.value);
      if (b.unit == ast::Unit::None) return Value(a.value / b.value, a.unit);
      throw ValueError(fmt::format("cannot divide {} by {}", unit_type_name(a.unit), unit_type_name(b.unit)));
   }
   throw ValueError(fmt::format("unknown operator '{}'", op));
}

}  // namespace runbook
