#include "exec/evaluate.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/core.h>

#include "check/builtins.hpp"
#include "exec/builtin_calls.hpp"
#include "io/shell_splice.hpp"

namespace runbook {

namespace {

std::string where(const Location& loc)
{
   if (!loc.valid()) return "";
   return fmt::format("{}:{}:{}: ", loc.file->path, loc.line, loc.column);
}

template <class... Ts>
struct Overloaded : Ts... {
   using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

EvalError::EvalError(const Location& loc, const std::string& message)
   : std::runtime_error(where(loc) + message), bare_message(message)
{
}

const Value* Scope::find(const std::string& name) const
{
   for (const Scope* s = this; s != nullptr; s = s->parent_) {
      auto it = s->vars_.find(name);
      if (it != s->vars_.end()) return &it->second;
   }
   return nullptr;
}

std::string callee_name(const ast::Expr& callee)
{
   if (const auto* ref = std::get_if<ast::NameRef>(&callee.node)) return ref->name;
   if (const auto* member = std::get_if<ast::Member>(&callee.node)) {
      const std::string object = callee_name(*member->object);
      return object.empty() ? "" : object + "." + member->member;
   }
   return "";
}

Value Evaluator::eval(const ast::Expr& expr)
{
   try {
      return std::visit(
         Overloaded{
            [&](const ast::StringLit& lit) { return Value(interpolate(lit, Splice::Text)); },
            [&](const ast::NumberLit& lit) { return Value(lit.value, lit.unit); },
            [&](const ast::BoolLit& lit) { return Value(lit.value); },
            [&](const ast::ListLit& lit) {
               ValueList items;
               for (const auto& item : lit.items) items.push_back(eval(*item));
               return Value(std::move(items));
            },
            [&](const ast::MapLit& lit) {
               ValueMap map;
               for (const auto& [key, item] : lit.entries) map[key] = eval(*item);
               return Value(std::move(map));
            },
            [&](const ast::NameRef& ref) { return eval_name(ref, expr.loc); },
            [&](const ast::Member& member) { return eval_member(member, expr.loc); },
            [&](const ast::Index& index) { return eval_index(index, expr.loc); },
            [&](const ast::Call& call) { return eval_call(call, expr.loc); },
            [&](const ast::Unary& unary) {
               const Value v = eval(*unary.operand);
               if (unary.op == "not") return Value(!truthy(v));
               const Number& n = v.as_number();
               return Value(-n.value, n.unit);
            },
            [&](const ast::Binary& binary) {
               if (binary.op == "and") return Value(truthy(eval(*binary.lhs)) && truthy(eval(*binary.rhs)));
               if (binary.op == "or") return Value(truthy(eval(*binary.lhs)) || truthy(eval(*binary.rhs)));
               const Value lhs = eval(*binary.lhs);
               const Value rhs = eval(*binary.rhs);
               return apply_binary(binary.op, lhs, rhs);
            },
            [&](const ast::Ternary& ternary) {
               return truthy(eval(*ternary.cond)) ? eval(*ternary.then_expr) : eval(*ternary.else_expr);
            },
            [&](const ast::HttpProbe& probe) {
               std::vector<std::pair<std::string, std::string>> headers;
               for (const auto& [name, value] : probe.headers) headers.emplace_back(name, text(*value));
               Value v = hooks_.http_probe(text(*probe.url), headers, probe.json_path, expr.loc);
               observations_.push_back({"http get " + describe(*probe.url) + " json " + probe.json_path, v});
               return v;
            },
            [&](const ast::EnvRef& env) -> Value {
               throw EvalError(expr.loc, fmt::format("env(\"{}\") may only be the value of a secret", env.variable));
            },
         },
         expr.node);
   } catch (const ValueError& e) {
      throw EvalError(expr.loc, e.what());
   }
}

Value Evaluator::eval_name(const ast::NameRef& ref, const Location& loc)
{
   if (const Value* v = scope_.find(ref.name)) return *v;
   if (hooks_.is_metric(ref.name)) {
      Value v = hooks_.sample_metric(ref.name, loc);
      observations_.push_back({ref.name, v});
      return v;
   }
   throw EvalError(loc, fmt::format("'{}' is not defined here", ref.name));
}

Value Evaluator::eval_member(const ast::Member& member, const Location& loc)
{
   const Value object = eval(*member.object);
   if (!object.is_map())
      throw EvalError(loc, fmt::format("cannot read '.{}' of {} ({})", member.member, object.type_name(),
                                       object.display()));
   const auto& map = object.as_map();
   auto it = map.find(member.member);
   if (it == map.end()) {
      std::string keys;
      for (const auto& [key, _] : map) keys += (keys.empty() ? "" : ", ") + key;
      throw EvalError(loc, fmt::format("no field '{}' (it has: {})", member.member, keys.empty() ? "nothing" : keys));
   }
   return it->second;
}

Value Evaluator::eval_index(const ast::Index& index, const Location& loc)
{
   const Value object = eval(*index.object);
   const Value key = eval(*index.index);
   if (object.is_list()) {
      const double i = key.as_double();
      const auto& list = object.as_list();
      if (i != std::floor(i) || i < 0 || i >= static_cast<double>(list.size()))
         throw EvalError(loc, fmt::format("index {} is outside the list (it has {} items)", key.display(), list.size()));
      return list[static_cast<std::size_t>(i)];
   }
   if (object.is_map()) {
      const auto& map = object.as_map();
      auto it = map.find(key.as_string());
      if (it == map.end()) throw EvalError(loc, fmt::format("no key \"{}\" in the map", key.as_string()));
      return it->second;
   }
   throw EvalError(loc, fmt::format("cannot index {} ({})", object.type_name(), object.display()));
}

Value Evaluator::eval_call(const ast::Call& call, const Location& loc)
{
   const std::string name = callee_name(*call.callee);
   if (name.empty()) throw EvalError(loc, "only named functions can be called");
   std::vector<Value> args;
   for (const auto& arg : call.args) args.push_back(eval(*arg));
   if (!hooks_.has_function(name)) {
      // Built-ins, unless the runbook defines a function of the same name.
      // The table of built-ins is check/builtins.hpp; exec/builtin_calls.cpp implements it.
      const Builtin* builtin = find_builtin(name);
      if (builtin == nullptr) throw EvalError(loc, fmt::format("no function named '{}'", name));
      if (args.size() < builtin->min_args || args.size() > builtin->max_args)
         throw EvalError(loc, fmt::format("{}() takes {} argument{}, got {}", name, builtin->max_args,
                                          builtin->max_args == 1 ? "" : "s", args.size()));
      if (std::optional<Value> result = call_builtin(name, args, hooks_.now_ms())) return *result;
      throw EvalError(loc, fmt::format("{}() is in the table of builtins but not implemented", name));
   }
   return hooks_.call_function(name, std::move(args), loc);
}

std::string Evaluator::interpolate(const ast::StringLit& lit, Splice splice)
{
   if (splice != Splice::Shell) {
      std::string out;
      for (const auto& part : lit.parts) out += part.expr ? display(*part.expr, splice) : part.text;
      return out;
   }
   // Each value is quoted for where it lands in the command: a bare word,
   // "..." or '...' (io/shell_splice.hpp); where that cannot be exact, the
   // splice is refused at the `${...}`.
   ShellCommand command;
   for (const auto& part : lit.parts) {
      if (!part.expr) {
         command.append_text(part.text);
         continue;
      }
      const std::string value = display(*part.expr, splice);
      try {
         command.append_value(value);
      } catch (const ShellSpliceError& e) {
         throw EvalError(part.expr->loc, fmt::format("${{{}}}: {}", describe(*part.expr), e.what()));
      }
   }
   return command.command();
}

std::string Evaluator::display(const ast::Expr& expr, Splice splice)
{
   if (splice != Splice::Message) return eval(expr).display();
   try {
      // A message is read by people: numbers rounded (3.24%), as the plan shows them.
      return eval(expr).display_for_people();
   } catch (const SampleFailed& e) {
      return "<unavailable: " + e.error + ">";
   }
}

std::string Evaluator::text(const ast::Expr& expr, Splice splice)
{
   if (const auto* lit = std::get_if<ast::StringLit>(&expr.node)) {
      try {
         return interpolate(*lit, splice);
      } catch (const ValueError& e) {
         throw EvalError(expr.loc, e.what());
      }
   }
   // A whole command held in a variable is the author's text, not spliced data.
   return display(expr, splice == Splice::Message ? Splice::Message : Splice::Text);
}

std::string describe(const ast::Expr& expr)
{
   return std::visit(
      Overloaded{
         [](const ast::StringLit& lit) {
            std::string out = lit.raw ? "'" : "\"";
            for (const auto& part : lit.parts) out += part.expr ? "${" + describe(*part.expr) + "}" : part.text;
            return out + (lit.raw ? "'" : "\"");
         },
         [](const ast::NumberLit& lit) {
            return lit.spelling.empty() ? Value(lit.value, lit.unit).display() : lit.spelling;
         },
         [](const ast::BoolLit& lit) { return std::string(lit.value ? "true" : "false"); },
         [](const ast::ListLit& lit) {
            std::string out = "[";
            for (const auto& item : lit.items) out += (out.size() > 1 ? ", " : "") + describe(*item);
            return out + "]";
         },
         [](const ast::MapLit& lit) {
            std::string out = "{";
            for (const auto& [key, item] : lit.entries)
               out += (out.size() > 1 ? ", " : "") + nlohmann::json(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + ": " + describe(*item);
            return out + "}";
         },
         [](const ast::NameRef& ref) { return ref.name; },
         [](const ast::Member& m) { return describe(*m.object) + "." + m.member; },
         [](const ast::Index& i) { return describe(*i.object) + "[" + describe(*i.index) + "]"; },
         [](const ast::Call& c) {
            std::string out = describe(*c.callee) + "(";
            for (std::size_t i = 0; i < c.args.size(); ++i) out += (i ? ", " : "") + describe(*c.args[i]);
            return out + ")";
         },
         [](const ast::Unary& u) { return u.op == "not" ? "not " + describe(*u.operand) : "-" + describe(*u.operand); },
         [](const ast::Binary& b) { return describe(*b.lhs) + " " + b.op + " " + describe(*b.rhs); },
         [](const ast::Ternary& t) {
            return describe(*t.cond) + " ? " + describe(*t.then_expr) + " : " + describe(*t.else_expr);
         },
         [](const ast::HttpProbe& p) { return "http get " + describe(*p.url) + " json " + p.json_path; },
         [](const ast::EnvRef& e) { return "env(\"" + e.variable + "\")"; },
      },
      expr.node);
}

}  // namespace runbook
