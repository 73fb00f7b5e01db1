#include "check/undo_targets.hpp"

#include <functional>
#include <vector>

#include <fmt/format.h>

#include "syntax/suggest.hpp"
#include "syntax/overloaded.hpp"

namespace runbook {

namespace {

using namespace ast;

/// Calls `visit` on every step of `block` and of the blocks inside its steps.
void walk(const Block& block, const std::function<void(const Step&)>& visit)
{
   for (const auto& step : block) {
      visit(*step);
      std::visit(overloaded{
                     [&](const IfStep& s) {
                        walk(s.then_block, visit);
                        walk(s.else_block, visit);
                     },
                     [&](const ForStep& s) { walk(s.body, visit); },
                     [&](const WatchStep& s) {
                        for (const auto& c : s.conditions) walk(c.on_fail.steps, visit);
                     },
                     [&](const ApproveStep& s) { walk(s.decision.otherwise.steps, visit); },
                     [&](const ChecklistStep& s) { walk(s.decision.otherwise.steps, visit); },
                     [&](const AfterStep& s) { walk(s.body, visit); },
                     [](const auto&) {},
                 },
                 step->node);
      walk(step->options.undo, visit);
      walk(step->options.on_fail.steps, visit);
   }
}

void walk_file(const File& file, const std::function<void(const Step&)>& visit)
{
   for (const auto& phase : file.phases) {
      walk(phase.body, visit);
      walk(phase.on_fail.steps, visit);
      walk(phase.finally, visit);
   }
   walk(file.on_fail.steps, visit);
   for (const auto& rollback : file.rollbacks) {
      walk(rollback.body, visit);
      walk(rollback.finally, visit);
   }
   for (const auto& function : file.functions) walk(function.body, visit);
}

void walk_program(const Program& program, const std::function<void(const Step&)>& visit)
{
   if (program.root) walk_file(*program.root, visit);
   for (const auto& [name, module] : program.modules)
      if (module) walk_file(*module, visit);
}

/// The steps `target` names: the one with that id, or else, for "SLUG/NAME",
/// every step of that phase whose id ends in "/NAME" (an explicit id nested
/// in the phase's blocks).
std::vector<const Step*> named_by(const std::string& target, const StepsById& steps)
{
   if (const auto exact = steps.find(target); exact != steps.end()) return {exact->second};
   std::vector<const Step*> found;
   const auto slash = target.find('/');
   if (slash == std::string::npos || target.find('/', slash + 1) != std::string::npos) return found;
   const std::string phase = target.substr(0, slash + 1);
   const std::string name = "/" + target.substr(slash + 1);
   for (auto it = steps.lower_bound(phase); it != steps.end() && it->first.compare(0, phase.size(), phase) == 0; ++it) {
      const std::string& id = it->first;
      if (id.size() > name.size() && id.compare(id.size() - name.size(), name.size(), name) == 0)
         found.push_back(it->second);
   }
   return found;
}

}  // namespace

StepsById steps_by_id(const Program& program)
{
   StepsById steps;
   walk_program(program, [&](const Step& step) { steps.emplace(step.id, &step); });
   return steps;
}

void resolve_undo_targets(Program& program, Diagnostics& diags)
{
   const StepsById steps = steps_by_id(program);
   std::vector<UndoStep*> undos;
   walk_program(program, [&](const Step& step) {
      // The walk is read-only; the undo steps are filled in below.
      if (const auto* undo = std::get_if<UndoStep>(&step.node)) undos.push_back(const_cast<UndoStep*>(undo));
   });
   for (UndoStep* undo : undos) {
      const std::vector<const Step*> named = named_by(undo->target, steps);
      if (named.empty()) {
         std::vector<std::string> ids;
         for (const auto& [id, step] : steps)
            if (step->options.has_undo) ids.push_back(id);
         std::vector<std::string> notes = did_you_mean(undo->target, ids);
         if (notes.empty() && !ids.empty())
            notes.push_back(fmt::format("the steps with an undo block are: {}", fmt::join(ids, ", ")));
         diags.error(undo->target_loc, "undefined-step", fmt::format("undo \"{}\": no step has this id", undo->target),
                     notes);
         continue;
      }
      if (named.size() > 1) {
         std::vector<std::string> ids;
         for (const Step* step : named) ids.push_back(step->id);
         diags.error(undo->target_loc, "ambiguous-step",
                     fmt::format("undo \"{}\": several steps of the phase have this id", undo->target),
                     {fmt::format("write the whole id: {}", fmt::join(ids, " or "))});
         continue;
      }
      const Step& target = *named.front();
      if (!target.options.has_undo) {
         diags.error(undo->target_loc, "no-undo",
                     fmt::format("undo \"{}\": step {} (line {}) has no 'undo {{ }}' block to run", undo->target,
                                 target.id, target.loc.line),
                     {"give that step an undo block: undo { steps that take it back }"});
         continue;
      }
      undo->step_id = target.id;
   }
}

}  // namespace runbook
