#include "lsp/analysis.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "check/quantity.hpp"
#include "syntax/nested_blocks.hpp"
#include "syntax/severity.hpp"

namespace runbook::lsp {

namespace {

template <typename Item>
const Item* by_name(const std::vector<Item>& items, std::string_view name)
{
   const auto it = std::find_if(items.begin(), items.end(), [&](const Item& item) { return item.name == name; });
   return it == items.end() ? nullptr : &*it;
}

std::string joined(const std::vector<std::string>& words, std::string_view separator = ", ")
{
   std::string out;
   for (const auto& word : words) out += (out.empty() ? "" : std::string(separator)) + word;
   return out;
}

std::string param_hover(const ast::Param& param, const plan::Plan* plan)
{
   if (const auto* p = plan ? by_name(plan->params, param.name) : nullptr) {
      return fmt::format("**param** `{}`: {} = `{}` ({})", p->name, p->type, p->value, p->source);
   }
   return fmt::format("**param** `{}`: {}", param.name, type_name(param.type));
}

std::string metric_hover(const ast::Metric& metric, const plan::Plan* plan)
{
   if (const auto* m = plan ? by_name(plan->metrics, metric.name) : nullptr) {
      return fmt::format("**metric** `{}` in {}\n\n`{}`", m->name, m->unit, m->source);
   }
   return fmt::format("**metric** `{}` in {}", metric.name, metric.unit_spelling);
}

/// A trigger in words, as the plan says it: when it fires and what it does.
std::string trigger_words(const plan::PlanTrigger& t)
{
   std::string out = fmt::format("**{}** `{}`{}: {}", t.warning ? "warning" : "trigger", t.name,
                                 t.severity.empty() ? "" : " (" + t.severity + ")", t.title);
   if (t.manual) {
      out += fmt::format("\n\nFired by an operator: `runbook fire RUN {}`.", t.name);
   } else {
      out += fmt::format("\n\nWhen `{}`{}, sampled every {}", t.condition, t.window.empty() ? "" : " for " + t.window,
                         t.every);
      if (!t.grace.empty()) out += fmt::format(", after a grace period of {}", t.grace);
      out += ".";
   }
   if (!t.action.empty()) out += fmt::format(" Then: {}.", t.action);
   if (!t.decide.empty()) out += fmt::format(" Decided {}.", t.decide);
   if (!t.lost.empty()) out += fmt::format(" When its metric cannot be read: {}.", t.lost);
   out += t.armed_in.empty() ? "\n\nArmed in no phase." : "\n\nArmed in: " + joined(t.armed_in) + ".";
   return out;
}

std::string rollback_hover(const ast::RollbackBlock& rollback, const plan::Plan* plan)
{
   const auto* r = plan ? by_name(plan->rollbacks, rollback.name) : nullptr;
   if (r == nullptr) return fmt::format("**rollback** `{}`", rollback.name);
   std::string out = fmt::format("**rollback** `{}`, {} step{}", r->name, r->steps.size(), r->steps.size() == 1 ? "" : "s");
   if (!r->deadline.empty()) out += fmt::format(", {}", r->deadline);
   out += r->reached_by.empty() ? "\n\nNothing leads to it." : "\n\nReached by: " + joined(r->reached_by) + ".";
   return out;
}

std::string function_hover(const ast::Function& function, const std::string& name)
{
   std::vector<std::string> params;
   for (const auto& [param, loc] : function.params) params.push_back(param);
   return fmt::format("**fn** `{}({})`", name, joined(params));
}

std::string phase_hover(const ast::Phase& phase, std::size_t number)
{
   std::vector<std::string> arms;
   for (const auto& [name, loc] : phase.arms) arms.push_back(name);
   std::string out = fmt::format("**phase {}**: {} (`{}`)", number, phase.title, phase.slug);
   if (phase.arms_all) out += "\n\nArms every trigger.";
   else if (!arms.empty()) out += "\n\nArms: " + joined(arms) + ".";
   return out;
}

/// The declarations of one file; a module's are named `alias.name`.
void declare_file(const ast::File& file, const std::string& prefix, const plan::Plan* plan,
                  std::vector<Declaration>& out)
{
   for (const auto& p : file.params) out.push_back({prefix + p.name, "param", p.loc, param_hover(p, plan)});
   for (const auto& s : file.secrets) {
      out.push_back({prefix + s.name, "secret", s.loc,
                     fmt::format("**secret** `{}`, from the environment variable `{}`; its value is never shown",
                                 s.name, s.env_var)});
   }
   for (const auto& m : file.metrics) out.push_back({prefix + m.name, "metric", m.loc, metric_hover(m, plan)});
   for (const auto& t : file.triggers) {
      const auto* planned = plan ? by_name(plan->triggers, t.name) : nullptr;
      out.push_back({prefix + t.name, "trigger", t.loc,
                     planned ? trigger_words(*planned) : fmt::format("**trigger** `{}` ({})", t.name, severity_name(t.severity))});
   }
   for (const auto& s : file.signals) {
      out.push_back({prefix + s.name, "signal", s.loc,
                     fmt::format("**signal** `{}`: {}\n\nGiven with `runbook signal RUN {}`.", s.name, s.title, s.name)});
   }
   for (const auto& f : file.functions) out.push_back({prefix + f.name, "function", f.loc, function_hover(f, prefix + f.name)});
   for (const auto& r : file.rollbacks) out.push_back({prefix + r.name, "rollback", r.loc, rollback_hover(r, plan)});
   for (std::size_t i = 0; i < file.phases.size(); ++i) {
      const auto& phase = file.phases[i];
      out.push_back({prefix + phase.slug, "phase", phase.loc, phase_hover(phase, i + 1)});
   }
   for (const auto& use : file.uses) {
      out.push_back({prefix + use.alias, "module", use.loc, fmt::format("**module** `{}` from `{}`", use.alias, use.path)});
   }
}

/// Every step of a file, with the blocks nested in them.
template <typename Visit>
void for_each_step_of(const ast::File& file, Visit&& visit)
{
   for (const auto& phase : file.phases) {
      ast::for_each_step(phase.body, visit);
      ast::for_each_step(phase.finally, visit);
      ast::for_each_step(phase.on_fail.steps, visit);
   }
   for (const auto& rollback : file.rollbacks) {
      ast::for_each_step(rollback.body, visit);
      ast::for_each_step(rollback.finally, visit);
   }
   for (const auto& function : file.functions) ast::for_each_step(function.body, visit);
   ast::for_each_step(file.on_fail.steps, visit);
}

}  // namespace

const Declaration* Analysis::find(std::string_view name) const
{
   return by_name(declarations, name);
}

const ast::Step* Analysis::step_on_line(const SourceFile* file, std::size_t line) const
{
   if (!checked || !checked->program.root) return nullptr;
   const ast::Step* found = nullptr;
   auto look = [&](const ast::Step& step) {
      if (found == nullptr && step.loc.file == file && step.loc.line == line) found = &step;
   };
   for_each_step_of(*checked->program.root, look);
   for (const auto& [alias, module] : checked->program.modules) for_each_step_of(*module, look);
   return found;
}

Analysis analyse(const SourceRequest& request)
{
   Analysis analysis;
   analysis.checked = std::make_unique<CheckedProgram>(load_and_check(request));
   const CheckedProgram& checked = *analysis.checked;
   if (!checked.program.root) return analysis;
   if (checked.ok()) analysis.plan = plan::build_plan(checked.program, checked.given_params);
   const plan::Plan* plan = analysis.plan ? &*analysis.plan : nullptr;
   declare_file(*checked.program.root, "", plan, analysis.declarations);
   for (const auto& [alias, module] : checked.program.modules) {
      if (module) declare_file(*module, alias + ".", nullptr, analysis.declarations);
   }
   return analysis;
}

}  // namespace runbook::lsp
