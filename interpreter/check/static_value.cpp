#include "check/static_value.hpp"

#include <cmath>

#include "check/builtins.hpp"
#include "check/quantity.hpp"
#include "check/signature.hpp"
#include "syntax/overloaded.hpp"

namespace runbook {

namespace {

using namespace ast;
using Kind = StaticValue::Kind;


/// An Unknown standing for `expr` (with the values known so far filled in),
/// carrying the secret mark of its inputs.
StaticValue symbolic(const Expr& expr, bool secret, const StaticScope& scope)
{
   // A secret's value is never known here, so the expression (with secrets by
   // name) is safe to show, and says more than *** would.
   return StaticValue::unknown(expr_source(expr, known_names(scope)), secret);
}

/// range(a, b) with both bounds known: the list a plan expands a loop over.
std::optional<StaticValue> static_range(const StaticValue& first, const StaticValue& last)
{
   const auto plain = [](const StaticValue& v) { return v.known() && v.kind == Kind::Number && v.unit == Unit::None; };
   if (!plain(first) || !plain(last) || range_problem(first.number, last.number)) return std::nullopt;
   StaticValue list;
   list.kind = Kind::List;
   for (double i = first.number; i <= last.number; ++i) list.items.push_back(StaticValue::of_number(i));
   return list;
}

bool both_numbers(const StaticValue& a, const StaticValue& b)
{
   return a.kind == Kind::Number && b.kind == Kind::Number && a.exact && b.exact;
}

/// The unit of a + b or a - b: one unit, or a plain number joining a quantity.
std::optional<Unit> additive_unit(const StaticValue& a, const StaticValue& b)
{
   if (a.unit == b.unit) return a.unit;
   if (a.unit == Unit::None) return b.unit;
   if (b.unit == Unit::None) return a.unit;
   return std::nullopt;
}

std::optional<StaticValue> compare(const std::string& op, const StaticValue& a, const StaticValue& b)
{
   if (both_numbers(a, b)) {
      const double x = a.number, y = b.number;
      if (op == "<") return StaticValue::of_bool(x < y);
      if (op == "<=") return StaticValue::of_bool(x <= y);
      if (op == ">") return StaticValue::of_bool(x > y);
      if (op == ">=") return StaticValue::of_bool(x >= y);
      if (op == "==") return StaticValue::of_bool(x == y);
      if (op == "!=") return StaticValue::of_bool(x != y);
   }
   if (a.known() && b.known() && a.kind == Kind::String && b.kind == Kind::String) {
      if (op == "==") return StaticValue::of_bool(a.text == b.text);
      if (op == "!=") return StaticValue::of_bool(a.text != b.text);
   }
   if (a.known() && b.known() && a.kind == Kind::Bool && b.kind == Kind::Bool) {
      if (op == "==") return StaticValue::of_bool(a.boolean == b.boolean);
      if (op == "!=") return StaticValue::of_bool(a.boolean != b.boolean);
   }
   return std::nullopt;
}

std::optional<StaticValue> arithmetic(const std::string& op, const StaticValue& a, const StaticValue& b)
{
   if (op == "+" && a.kind == Kind::String && b.kind == Kind::String) {
      StaticValue joined = StaticValue::of_string(a.text + b.text);
      joined.exact = a.exact && b.exact;
      joined.secret = a.secret || b.secret;
      return joined;
   }
   if (!both_numbers(a, b)) return std::nullopt;
   if (op == "+" || op == "-") {
      const auto unit = additive_unit(a, b);
      if (!unit) return std::nullopt;
      return StaticValue::of_number(op == "+" ? a.number + b.number : a.number - b.number, *unit);
   }
   if (op == "*") {
      if (a.unit != Unit::None && b.unit != Unit::None) return std::nullopt;
      return StaticValue::of_number(a.number * b.number, a.unit != Unit::None ? a.unit : b.unit);
   }
   if (op == "/") {
      if (b.number == 0) return std::nullopt;
      if (a.unit == b.unit) return StaticValue::of_number(a.number / b.number);
      if (b.unit == Unit::None) return StaticValue::of_number(a.number / b.number, a.unit);
   }
   return std::nullopt;
}

StaticValue evaluate(const Expr& expr, const StaticScope& scope);

StaticValue evaluate_binary(const Expr& expr, const Binary& b, const StaticScope& scope)
{
   const StaticValue lhs = evaluate(*b.lhs, scope);
   // Short-circuit the way the interpreter does, so `false and x` is known.
   if (b.op == "and" && lhs.known() && lhs.kind == Kind::Bool && !lhs.boolean) return lhs;
   if (b.op == "or" && lhs.known() && lhs.kind == Kind::Bool && lhs.boolean) return lhs;
   const StaticValue rhs = evaluate(*b.rhs, scope);
   if ((b.op == "and" || b.op == "or") && lhs.known() && rhs.known() && rhs.kind == Kind::Bool) return rhs;
   if (auto result = compare(b.op, lhs, rhs)) return *result;
   if (auto result = arithmetic(b.op, lhs, rhs)) return *result;
   return symbolic(expr, lhs.secret || rhs.secret, scope);
}

StaticValue evaluate(const Expr& expr, const StaticScope& scope)
{
   return std::visit(
       overloaded{
           [&](const StringLit& s) {
              StaticValue result = StaticValue::of_string("");
              for (const auto& part : s.parts) {
                 if (!part.expr) {
                    result.text += part.text;
                    continue;
                 }
                 const StaticValue value = evaluate(*part.expr, scope);
                 result.text += show_interpolated(value);
                 result.exact = result.exact && value.known();
                 result.secret = result.secret || value.secret;
              }
              return result;
           },
           [](const NumberLit& n) { return StaticValue::of_number(n.value, n.unit); },
           [](const BoolLit& b) { return StaticValue::of_bool(b.value); },
           [&](const ListLit& l) {
              StaticValue list;
              list.kind = Kind::List;
              for (const auto& item : l.items) {
                 list.items.push_back(evaluate(*item, scope));
                 list.secret = list.secret || list.items.back().secret;
              }
              return list;
           },
           [&](const MapLit& m) {
              StaticValue map;
              map.kind = Kind::Map;
              for (const auto& [key, value] : m.entries) {
                 map.entries.push_back(StaticEntry{key, evaluate(*value, scope)});
                 map.secret = map.secret || map.entries.back().second.secret;
              }
              return map;
           },
           [&](const NameRef& n) {
              if (const StaticValue* value = scope.find(n.name)) return *value;
              return StaticValue::unknown(n.name);
           },
           [&](const Member& m) {
              const StaticValue object = evaluate(*m.object, scope);
              if (object.kind == Kind::Map)
                 for (const auto& [key, value] : object.entries)
                    if (key == m.member) return value;
              return symbolic(expr, object.secret, scope);
           },
           [&](const Index& i) {
              const StaticValue object = evaluate(*i.object, scope);
              const StaticValue index = evaluate(*i.index, scope);
              if (object.kind == Kind::List && index.known() && index.kind == Kind::Number &&
                  index.number >= 0 && index.number < static_cast<double>(object.items.size()) &&
                  index.number == std::floor(index.number))
                 return object.items[static_cast<std::size_t>(index.number)];
              return symbolic(expr, object.secret || index.secret, scope);
           },
           [&](const Call& c) {
              bool secret = false;
              std::vector<StaticValue> args;
              for (const auto& arg : c.args) {
                 args.push_back(evaluate(*arg, scope));
                 secret = secret || args.back().secret;
              }
              const auto* callee = std::get_if<NameRef>(&c.callee->node);
              if (callee && callee->name == "len" && args.size() == 1) {
                 if (args[0].kind == Kind::List) return StaticValue::of_number(static_cast<double>(args[0].items.size()));
                 if (args[0].kind == Kind::Map) return StaticValue::of_number(static_cast<double>(args[0].entries.size()));
                 if (args[0].known() && args[0].kind == Kind::String)
                    return StaticValue::of_number(static_cast<double>(args[0].text.size()));
              }
              if (callee && callee->name == "str" && args.size() == 1 && args[0].known())
                 return StaticValue::of_string(show_interpolated(args[0]));
              if (callee && callee->name == "range" && args.size() == 2)
                 if (auto list = static_range(args[0], args[1])) return *list;
              return symbolic(expr, secret, scope);
           },
           [&](const Unary& u) {
              const StaticValue operand = evaluate(*u.operand, scope);
              if (u.op == "not" && operand.known() && operand.kind == Kind::Bool)
                 return StaticValue::of_bool(!operand.boolean);
              if (u.op == "-" && operand.known() && operand.kind == Kind::Number)
                 return StaticValue::of_number(-operand.number, operand.unit);
              return symbolic(expr, operand.secret, scope);
           },
           [&](const Binary& b) { return evaluate_binary(expr, b, scope); },
           [&](const Ternary& t) {
              const StaticValue cond = evaluate(*t.cond, scope);
              if (cond.known() && cond.kind == Kind::Bool)
                 return evaluate(cond.boolean ? *t.then_expr : *t.else_expr, scope);
              return symbolic(expr, cond.secret, scope);
           },
           [&](const HttpProbe&) { return symbolic(expr, false, scope); },
           [&](const EnvRef&) { return StaticValue::unknown(expr_source(expr), true); },
       },
       expr.node);
}

std::string quote_json(const std::string& text)
{
   std::string out = "\"";
   for (const char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') {
         out += "\\n";
         continue;
      }
      out += c;
   }
   return out + "\"";
}

}  // namespace

StaticValue StaticValue::unknown(std::string symbol, bool secret)
{
   StaticValue v;
   v.kind = Kind::Unknown;
   v.text = std::move(symbol);
   v.exact = false;
   v.secret = secret;
   return v;
}

StaticValue StaticValue::of_string(std::string text)
{
   StaticValue v;
   v.kind = Kind::String;
   v.text = std::move(text);
   return v;
}

StaticValue StaticValue::of_number(double value, ast::Unit unit)
{
   StaticValue v;
   v.kind = Kind::Number;
   v.number = value;
   v.unit = unit;
   return v;
}

StaticValue StaticValue::of_bool(bool value)
{
   StaticValue v;
   v.kind = Kind::Bool;
   v.boolean = value;
   return v;
}

const StaticValue* StaticScope::find(const std::string& name) const
{
   for (const StaticScope* scope = this; scope; scope = scope->parent_) {
      const auto found = scope->values_.find(name);
      if (found != scope->values_.end()) return &found->second;
   }
   return nullptr;
}

StaticValue evaluate_static(const ast::Expr& expr, const StaticScope& scope) { return evaluate(expr, scope); }

NameSubstitution known_names(const StaticScope& scope)
{
   return [&scope](const std::string& name) -> std::optional<SubstitutedName> {
      const StaticValue* value = scope.find(name);
      if (!value) return std::nullopt;
      if (value->secret && value->kind == Kind::Unknown) {
         const std::string shown = "${" + value->text + "}";   // The secret's name, never its value.
         return SubstitutedName{shown, shown};
      }
      if (!value->known() && !(value->secret && value->kind == Kind::String)) return std::nullopt;
      return SubstitutedName{show_value(*value), show_interpolated(*value)};
   };
}

namespace {

std::string show_with(const StaticValue& value, std::string (*number)(double, ast::Unit))
{
   switch (value.kind) {
   case Kind::Unknown: return value.secret ? "${" + value.text + "}" : value.text;
   case Kind::String: return quote_json(value.text);  // secret parts are shown as ${name}
   case Kind::Number: return number(value.number, value.unit);
   case Kind::Bool: return value.boolean ? "true" : "false";
   case Kind::List: {
      std::string out = "[";
      for (std::size_t i = 0; i < value.items.size(); ++i)
         out += (i ? ", " : "") + show_with(value.items[i], number);
      return out + "]";
   }
   case Kind::Map: {
      std::string out = "{";
      for (std::size_t i = 0; i < value.entries.size(); ++i)
         out += (i ? ", " : "") + quote_json(value.entries[i].first) + ": " + show_with(value.entries[i].second, number);
      return out + "}";
   }
   }
   return value.text;
}

}  // namespace

std::string show_value(const StaticValue& value) { return show_with(value, format_quantity); }

std::string show_value_for_review(const StaticValue& value) { return show_with(value, format_quantity_for_review); }

std::string show_interpolated(const StaticValue& value)
{
   switch (value.kind) {
   case Kind::Unknown: return "${" + value.text + "}";
   case Kind::String: return value.text;
   default: return show_value(value);
   }
}

}  // namespace runbook
