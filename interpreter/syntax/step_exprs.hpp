// The expressions a step holds itself (a command, a URL, a condition, a
// message), not those of the blocks nested in it (syntax/nested_blocks.hpp
// walks those): with for_each_subexpr (syntax/expr_walk.hpp), every
// expression of a runbook, for a pass that looks for what steps read.
#pragma once

#include <variant>
#include <vector>

#include "syntax/ast.hpp"
#include "syntax/overloaded.hpp"

namespace runbook::ast {

/// Every expression a step holds itself (not those of its nested blocks).
inline std::vector<const Expr*> step_exprs(const Step& step)
{
   std::vector<const Expr*> out;
   const auto add = [&](const ExprPtr& e) {
      if (e) out.push_back(e.get());
   };
   const auto expects = [&](const std::vector<Expectation>& list) {
      for (const auto& x : list) add(x.value);
   };
   std::visit(overloaded{
                  [&](const ShStep& s) {
                     add(s.command);
                     expects(s.expects);
                  },
                  [&](const HttpStep& s) {
                     add(s.url);
                     for (const auto& h : s.headers) add(h.second);
                     add(s.body);
                     expects(s.expects);
                  },
                  [&](const ChecklistStep& s) {
                     add(s.title);
                     for (const auto& item : s.items) add(item.text);
                  },
                  [&](const ApproveStep& s) { add(s.prompt); },
                  [&](const AskStep& s) { add(s.question); },
                  [&](const WaitStep& s) { add(s.duration); },
                  [&](const WatchStep& s) {
                     add(s.duration);
                     add(s.every);
                     for (const auto& c : s.conditions) add(c.expr);
                  },
                  [&](const AwaitStep& s) {
                     add(s.condition.expr);
                     add(s.timeout);
                     add(s.every);
                  },
                  [&](const AssertStep& s) {
                     add(s.condition.expr);
                     add(s.message);
                  },
                  [&](const AbortStep& s) { add(s.reason); },
                  [&](const LogStep& s) { add(s.message); },
                  [&](const NotifyStep& s) { add(s.message); },
                  [&](const LetStep& s) { add(s.value); },
                  [&](const IfStep& s) { add(s.cond); },
                  [&](const ForStep& s) { add(s.items); },
                  [&](const CallStep& s) { add(s.call); },
                  [&](const ReturnStep& s) { add(s.value); },
                  [&](const AfterStep& s) { add(s.delay); },
                  [](const auto&) {},   // rollback, undo all, undo "ID": no expression
              },
              step.node);
   return out;
}

}  // namespace runbook::ast
