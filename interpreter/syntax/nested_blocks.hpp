// The blocks a step holds: an if's branches, a loop's body, the steps of an
// `on fail { }` or an `otherwise`, an `undo { }`. One list, so that whoever
// walks every step of a runbook (a checker pass, verify, the language
// server) walks the same ones.
#pragma once

#include <variant>
#include <vector>

#include "syntax/ast.hpp"
#include "syntax/overloaded.hpp"

namespace runbook::ast {

/// Every block nested directly in `step`, in source order.
inline std::vector<const Block*> nested_blocks(const Step& step)
{
   std::vector<const Block*> blocks;
   std::visit(overloaded{
                  [&](const IfStep& s) {
                     blocks.push_back(&s.then_block);
                     blocks.push_back(&s.else_block);
                  },
                  [&](const ForStep& s) { blocks.push_back(&s.body); },
                  [&](const AfterStep& s) { blocks.push_back(&s.body); },
                  [&](const WatchStep& s) {
                     for (const auto& condition : s.conditions) blocks.push_back(&condition.on_fail.steps);
                  },
                  [&](const ApproveStep& s) { blocks.push_back(&s.decision.otherwise.steps); },
                  [&](const ChecklistStep& s) { blocks.push_back(&s.decision.otherwise.steps); },
                  [](const auto&) {},
              },
              step.node);
   blocks.push_back(&step.options.undo);
   blocks.push_back(&step.options.on_fail.steps);
   return blocks;
}

/// Calls `visit(step)` for every step of `block` and of the blocks nested in it, depth first.
template <typename Visit>
void for_each_step(const Block& block, Visit&& visit)
{
   for (const auto& step : block) {
      if (!step) continue;
      visit(*step);
      for (const Block* nested : nested_blocks(*step)) for_each_step(*nested, visit);
   }
}

}  // namespace runbook::ast
