#include "check/signature.hpp"

#include <cctype>

#include <fmt/core.h>

#include "check/quantity.hpp"
#include "syntax/overloaded.hpp"

namespace runbook {

namespace {

using namespace ast;

/// Binding strength of binary operators; higher binds tighter.
int precedence(const std::string& op)
{
   if (op == "or") return 1;
   if (op == "and") return 2;
   if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") return 3;
   if (op == "+" || op == "-") return 4;
   return 5;  // * /
}

constexpr int unary_precedence = 6;
constexpr int atom_precedence = 7;

int precedence_of(const Expr& expr)
{
   if (std::holds_alternative<Ternary>(expr.node)) return 0;
   if (const auto* binary = std::get_if<Binary>(&expr.node)) return precedence(binary->op);
   if (std::holds_alternative<Unary>(expr.node)) return unary_precedence;
   return atom_precedence;
}

std::string quote(const std::string& text)
{
   std::string out = "\"";
   for (std::size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '$':
         out += (i + 1 < text.size() && text[i + 1] == '{') ? "\\$" : "$";
         break;
      default: out += c;
      }
   }
   return out + "\"";
}

/// Prints expressions; with `names`, known names are shown by value.
struct Printer {
   const NameSubstitution* names_ = nullptr;


/// Prints `child` in parentheses when it binds less tightly than `minimum`.
   std::string operand(const Expr& child, int minimum) const
{
   const std::string text = source(child);
   return precedence_of(child) < minimum ? "(" + text + ")" : text;
}

   std::string headers_source(const std::vector<std::pair<std::string, ExprPtr>>& headers) const
{
   std::string out;
   for (const auto& [name, value] : headers) out += " header " + quote(name) + " = " + source(*value);
   return out;
}

   std::string source(const Expr& expr) const
{
   return std::visit(
       overloaded{
           [this](const StringLit& s) {
              if (s.raw) {
                 std::string text;
                 for (const auto& part : s.parts) text += part.text;
                 return "'" + text + "'";
              }
              std::string out = "\"";
              for (const auto& part : s.parts) {
                 const auto* name = part.expr ? std::get_if<NameRef>(&part.expr->node) : nullptr;
                 std::optional<SubstitutedName> known;
                 if (name && names_) known = (*names_)(name->name);
                 if (known) {
                    const std::string quoted = quote(known->text);
                    out += quoted.substr(1, quoted.size() - 2);
                 } else if (part.expr) {
                    out += "${" + source(*part.expr) + "}";
                 } else {
                    const std::string quoted = quote(part.text);
                    out += quoted.substr(1, quoted.size() - 2);
                 }
              }
              return out + "\"";
           },
           [](const NumberLit& n) { return format_quantity(n.value, n.unit); },
           [](const BoolLit& b) { return std::string(b.value ? "true" : "false"); },
           [this](const ListLit& l) {
              std::string out = "[";
              for (std::size_t i = 0; i < l.items.size(); ++i)
                 out += (i ? ", " : "") + source(*l.items[i]);
              return out + "]";
           },
           [this](const MapLit& m) {
              std::string out = "{";
              for (std::size_t i = 0; i < m.entries.size(); ++i)
                 out += (i ? ", " : "") + quote(m.entries[i].first) + ": " + source(*m.entries[i].second);
              return out + "}";
           },
           [this](const NameRef& n) {
              if (names_)
                 if (auto known = (*names_)(n.name)) return known->value;
              return n.name;
           },
           [this](const Member& m) { return operand(*m.object, atom_precedence) + "." + m.member; },
           [this](const Index& i) { return operand(*i.object, atom_precedence) + "[" + source(*i.index) + "]"; },
           [this](const Call& c) {
              std::string out = operand(*c.callee, atom_precedence) + "(";
              for (std::size_t i = 0; i < c.args.size(); ++i) out += (i ? ", " : "") + source(*c.args[i]);
              return out + ")";
           },
           [this](const Unary& u) {
              const std::string separator = u.op == "not" ? " " : "";
              return u.op + separator + operand(*u.operand, unary_precedence);
           },
           [this](const Binary& b) {
              const int own = precedence(b.op);
              // Left-associative: an equal-precedence right operand needs parentheses.
              return operand(*b.lhs, own) + " " + b.op + " " + operand(*b.rhs, own + 1);
           },
           [this](const Ternary& t) {
              return operand(*t.cond, 1) + " ? " + operand(*t.then_expr, 1) + " : " + source(*t.else_expr);
           },
           [this](const HttpProbe& p) {
              return "http get " + source(*p.url) + headers_source(p.headers) + " json " + quote(p.json_path);
           },
           [](const EnvRef& e) { return "env(" + quote(e.variable) + ")"; },
       },
       expr.node);
}

};

std::string source(const Expr& expr) { return Printer{}.source(expr); }

std::string headers_source(const std::vector<std::pair<std::string, ExprPtr>>& headers)
{
   return Printer{}.headers_source(headers);
}

std::string on_lost_source(const Condition& c)
{
   switch (c.on_lost) {
   case OnLost::Default: return "";
   case OnLost::Pause: return " on lost pause";
   case OnLost::Fail: return " on lost fail";
   case OnLost::Rollback: return " on lost rollback " + c.on_lost_rollback;
   }
   return "";
}

std::string expectations_source(const std::vector<Expectation>& expects)
{
   std::string out;
   for (std::size_t i = 0; i < expects.size(); ++i) {
      const auto& e = expects[i];
      out += i == 0 ? " expect " : ", ";
      switch (e.kind) {
      case Expectation::Kind::Status: out += "status " + (e.value ? source(*e.value) : e.status_class_word()); break;
      case Expectation::Kind::Exit: out += "exit " + (e.value ? source(*e.value) : ""); break;
      case Expectation::Kind::Json:
         out += "json " + quote(e.json_path) + " " + e.op + " " + (e.value ? source(*e.value) : "");
         break;
      }
   }
   return out;
}

std::string optional_source(const ExprPtr& expr, const std::string& prefix)
{
   return expr ? prefix + Printer{}.source(*expr) : "";
}

/// The step's own text, without options.
std::string body_source(const Step& step)
{
   return std::visit(
       overloaded{
           [](const ShStep& s) { return "sh " + source(*s.command) + expectations_source(s.expects); },
           [](const HttpStep& h) {
              std::string method = h.method;
              for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
              return "http " + method + " " + source(*h.url) + headers_source(h.headers) +
                     optional_source(h.body, " body ") + expectations_source(h.expects);
           },
           [](const ChecklistStep& c) {
              std::string out = "checklist " + source(*c.title) + " {";
              for (const auto& item : c.items) out += " - " + source(*item.text);
              return out + " }";
           },
           [](const ApproveStep& a) { return "approve " + source(*a.prompt); },
           [](const AskStep& a) {
              std::string out = "ask " + source(*a.question) + " choices [";
              for (std::size_t i = 0; i < a.choices.size(); ++i) out += (i ? ", " : "") + quote(a.choices[i]);
              out += "]";
              if (a.decision.default_answer) out += " default " + quote(*a.decision.default_answer);
              return out;
           },
           [](const WaitStep& w) { return "wait " + source(*w.duration); },
           [](const WatchStep& w) {
              std::string out = "watch " + source(*w.duration) + optional_source(w.every, " every ") + " {";
              for (const auto& c : w.conditions) out += " " + condition_source(c) + ";";
              return out + " }";
           },
           [](const AwaitStep& a) {
              return "await " + condition_source(a.condition) + optional_source(a.timeout, " timeout ") +
                     optional_source(a.every, " every ");
           },
           [](const AssertStep& a) {
              return "assert " + condition_source(a.condition) + optional_source(a.message, " ");
           },
           [](const RollbackStep& r) { return "rollback " + r.target; },
           [](const AbortStep& a) { return "abort " + source(*a.reason); },
           [](const LogStep& l) { return "log " + source(*l.message); },
           [](const NotifyStep& n) { return "notify " + source(*n.message); },
           [](const LetStep& l) { return "let " + l.name + " = " + source(*l.value); },
           [](const IfStep& i) { return "if " + source(*i.cond); },
           [](const ForStep& f) { return "for " + f.variable + " in " + source(*f.items); },
           [](const CallStep& c) { return source(*c.call); },
           [](const ReturnStep& r) { return r.value ? "return " + source(*r.value) : std::string("return"); },
           [](const UndoAllStep&) { return std::string("undo all"); },
           [](const UndoStep& u) { return "undo " + quote(u.target); },
           [](const AfterStep& a) {
              return "after " + source(*a.delay) + (a.signal.empty() ? "" : " unless " + a.signal);
           },
       },
       step.node);
}

}  // namespace

std::string expr_source(const ast::Expr& expr) { return source(expr); }

std::string expr_source(const ast::Expr& expr, const NameSubstitution& names) { return Printer{&names}.source(expr); }

std::string condition_source(const ast::Condition& c) { return condition_source(c, NameSubstitution{}); }

std::string condition_source(const ast::Condition& c, const NameSubstitution& names)
{
   const Printer printer{names ? &names : nullptr};
   std::string out = c.expr ? printer.source(*c.expr) : "";
   if (c.for_ms) out += " for " + format_duration(*c.for_ms) + (c.for_consecutive ? " consecutive" : "");
   if (c.after_failures)
      out += fmt::format(" after {}{} failures", *c.after_failures, c.consecutive ? " consecutive" : "");
   const std::string lost = lost_clauses_source(c);
   return lost.empty() ? out : out + " " + lost;
}

std::string lost_clauses_source(const ast::Condition& c)
{
   std::string out = c.lost_after_errors ? fmt::format("lost after {} errors", *c.lost_after_errors) : "";
   const std::string on_lost = on_lost_source(c);
   if (on_lost.empty()) return out;
   return out.empty() ? on_lost.substr(1) : out + on_lost;
}

std::string step_keyword(const ast::Step& step)
{
   static const char* const names[] = {"sh",     "http",     "checklist", "approve", "ask",    "wait",   "watch",
                                       "await",  "assert",   "rollback",  "abort",   "log",    "notify",
                                       "let",    "if",       "for",       "call",    "return", "undo all",
                                       "after",  "undo step"};
   static_assert(std::variant_size_v<decltype(ast::Step::node)> == std::size(names));
   return names[step.node.index()];
}

std::string step_signature(const ast::Step& step)
{
   std::string out = body_source(step);
   const auto& o = step.options;
   if (o.timeout_ms) out += " timeout " + format_duration(*o.timeout_ms);
   if (o.retry_count) {
      out += fmt::format(" retry {}", *o.retry_count);
      if (o.retry_every_ms) out += " every " + format_duration(*o.retry_every_ms);
   }
   if (o.idempotent) out += " idempotent";
   if (!o.capture.empty()) out += " as " + o.capture;
   return out;
}

std::uint64_t fnv1a_64(const std::string& text)
{
   std::uint64_t hash = 0xcbf29ce484222325ULL;
   for (const unsigned char c : text) {
      hash ^= c;
      hash *= 0x100000001b3ULL;
   }
   return hash;
}

std::string step_def_hash(const ast::Step& step)
{
   return fmt::format("{:016x}", fnv1a_64(step_signature(step)));
}

}  // namespace runbook
