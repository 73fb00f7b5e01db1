// A walk over an expression and every expression inside it: the one place
// that knows which node kinds hold sub-expressions. Calls and probes are not
// entered (their arguments are evaluated at run time, by them).
#pragma once

#include <variant>

#include "syntax/ast.hpp"
#include "syntax/overloaded.hpp"

namespace runbook {

/// Calls `on(e)` for `expr`, then for each expression inside it, depth first.
template <typename Visit>
void for_each_subexpr(const ast::Expr& expr, const Visit& on)
{
   on(expr);
   const auto sub = [&](const ast::ExprPtr& e) {
      if (e) for_each_subexpr(*e, on);
   };
   std::visit(overloaded{
                 [&](const ast::StringLit& s) {
                    for (const auto& part : s.parts) sub(part.expr);
                 },
                 [&](const ast::ListLit& l) {
                    for (const auto& item : l.items) sub(item);
                 },
                 [&](const ast::MapLit& m) {
                    for (const auto& entry : m.entries) sub(entry.second);
                 },
                 [&](const ast::Member& m) { sub(m.object); },
                 [&](const ast::Index& i) {
                    sub(i.object);
                    sub(i.index);
                 },
                 [&](const ast::Unary& u) { sub(u.operand); },
                 [&](const ast::Binary& b) {
                    sub(b.lhs);
                    sub(b.rhs);
                 },
                 [&](const ast::Ternary& t) {
                    sub(t.cond);
                    sub(t.then_expr);
                    sub(t.else_expr);
                 },
                 [](const auto&) {},   // literals and names; calls and probes are not entered
              },
              expr.node);
}

}  // namespace runbook
