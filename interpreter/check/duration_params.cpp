#include "check/duration_params.hpp"

#include <fmt/core.h>

#include "check/quantity.hpp"
#include "syntax/suggest.hpp"

namespace runbook {

namespace {

class DurationResolver {
public:
   DurationResolver(const StaticScope& params, const std::vector<std::string>& names, Diagnostics& diags)
      : params_(params), names_(names), diags_(diags)
   {
   }

   void file(ast::File& file)
   {
      for (auto& metric : file.metrics) resolve(metric.timeout_param, metric.timeout_ms, "the metric's 'timeout'");
      for (auto& trigger : file.triggers) {
         resolve(trigger.grace_param, trigger.grace_ms, "'grace'");
         resolve(trigger.every_param, trigger.every_ms, "'every'");
         condition(trigger.condition);
      }
      for (auto& fn : file.functions) block(fn.body);
      for (auto& phase : file.phases) {
         block(phase.body);
         block(phase.on_fail.steps);
         block(phase.finally);
      }
      block(file.on_fail.steps);
      for (auto& rollback : file.rollbacks) {
         block(rollback.body);
         block(rollback.finally);
      }
   }

private:
   void block(ast::Block& steps)
   {
      for (auto& step : steps) this->step(*step);
   }

   void step(ast::Step& step)
   {
      auto& o = step.options;
      resolve(o.timeout_param, o.timeout_ms, "'timeout'");
      resolve(o.retry_every_param, o.retry_every_ms, "'retry ... every'");
      if (o.has_undo) block(o.undo);
      block(o.on_fail.steps);
      if (auto* s = std::get_if<ast::WatchStep>(&step.node))
         for (auto& c : s->conditions) condition(c);
      if (auto* s = std::get_if<ast::AwaitStep>(&step.node)) condition(s->condition);
      if (auto* s = std::get_if<ast::AssertStep>(&step.node)) condition(s->condition);
      if (auto* s = std::get_if<ast::IfStep>(&step.node)) {
         block(s->then_block);
         block(s->else_block);
      }
      if (auto* s = std::get_if<ast::ForStep>(&step.node)) block(s->body);
      if (auto* s = std::get_if<ast::ApproveStep>(&step.node)) block(s->decision.otherwise.steps);
      if (auto* s = std::get_if<ast::ChecklistStep>(&step.node)) block(s->decision.otherwise.steps);
   }

   void condition(ast::Condition& c)
   {
      resolve(c.for_param, c.for_ms, "'for'");
      block(c.on_fail.steps);
   }

   void resolve(const ast::DurationParam& param, std::optional<double>& ms, const char* what)
   {
      if (!param) return;
      const StaticValue* value = params_.find(param.name);
      if (value == nullptr || value->secret) {
         diags_.error(param.loc, "not-a-duration-param",
                      fmt::format("{} takes a duration such as 5m or the name of a duration param, but '{}' is not a "
                                  "param",
                                  what, param.name),
                      did_you_mean(param.name, names_));
         return;
      }
      if (value->kind == StaticValue::Kind::Unknown) return;   // No value yet: reported as a missing param.
      if (!value->is_duration()) {
         diags_.error(param.loc, "type-mismatch",
                      fmt::format("{} needs a duration such as 30s or 5m, but param '{}' is {} ({})", what, param.name,
                                  value->kind == StaticValue::Kind::Number ? describe_type(type_of_unit(value->unit))
                                                                           : "not a number",
                                  show_value(*value)));
         return;
      }
      ms = value->number;
   }

   const StaticScope& params_;
   const std::vector<std::string>& names_;
   Diagnostics& diags_;
};

}  // namespace

void resolve_duration_params(Program& program, const StaticScope& params, const std::vector<std::string>& param_names,
                             Diagnostics& diags)
{
   DurationResolver resolver(params, param_names, diags);
   if (program.root) resolver.file(*program.root);
   for (auto& [name, module] : program.modules)
      if (module) resolver.file(*module);
}

}  // namespace runbook
