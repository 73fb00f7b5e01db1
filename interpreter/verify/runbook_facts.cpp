#include "verify/runbook_facts.hpp"

#include <algorithm>

#include "check/signature.hpp"
#include "check/static_value.hpp"
#include "syntax/nested_blocks.hpp"

namespace runbook::verify {

namespace {

template <typename F>
void for_each_file(const Program& program, F f)
{
   if (program.root) f(*program.root);
   for (const auto& entry : program.modules)
      if (entry.second) f(*entry.second);
}

std::string flipped(const std::string& op)
{
   if (op == "<") return ">";
   if (op == "<=") return ">=";
   if (op == ">") return "<";
   if (op == ">=") return "<=";
   return op;
}

/// The comparisons of `expr` against metrics whose other side is known
/// before the run. `all_needed` is false when some part is not a metric
/// comparison (a probe, a string, `or`), so the list does not describe
/// the condition in full.
struct Extractor {
   const StaticScope& scope;
   const std::map<std::string, MetricFacts>& metrics;

   void collect(const ast::Expr& expr, std::vector<Comparison>& out, bool& complete) const
   {
      if (const auto* b = std::get_if<ast::Binary>(&expr.node)) {
         if (b->op == "and" || b->op == "or") {
            // `or`: each side on its own is one way to breach or satisfy it;
            // driving both is still a breach of the whole.
            collect(*b->lhs, out, complete);
            collect(*b->rhs, out, complete);
            return;
         }
         if (b->op == "<" || b->op == "<=" || b->op == ">" || b->op == ">=") {
            if (auto c = comparison(*b->lhs, b->op, *b->rhs)) return out.push_back(*c);
            if (auto c = comparison(*b->rhs, flipped(b->op), *b->lhs)) return out.push_back(*c);
         }
      }
      complete = false;
   }

   std::optional<Comparison> comparison(const ast::Expr& metric_side, const std::string& op, const ast::Expr& value_side) const
   {
      const auto* name = std::get_if<ast::NameRef>(&metric_side.node);
      if (name == nullptr || metrics.count(name->name) == 0) return std::nullopt;
      const StaticValue value = evaluate_static(value_side, scope);
      if (value.kind != StaticValue::Kind::Number || !value.exact) return std::nullopt;
      return Comparison{name->name, op, value.number};
   }
};

/// Keeps in `longest` the step's timeout if it is a question's.
void note_question_timeout(const ast::Step& step, double& longest)
{
   const bool question = std::holds_alternative<ast::ApproveStep>(step.node) ||
                         std::holds_alternative<ast::ChecklistStep>(step.node) ||
                         std::holds_alternative<ast::AskStep>(step.node);
   if (question && step.options.timeout_ms) longest = std::max(longest, *step.options.timeout_ms);
}

bool calls_notify(const ast::Step& step)
{
   if (std::holds_alternative<ast::NotifyStep>(step.node)) return true;
   const auto* call = std::get_if<ast::CallStep>(&step.node);
   if (call == nullptr || !call->call) return false;
   const auto* c = std::get_if<ast::Call>(&call->call->node);
   if (c == nullptr || !c->callee) return false;
   return expr_source(*c->callee).rfind("notify.", 0) == 0;
}

StaticScope params_scope(const Program& program)
{
   StaticScope scope;
   for_each_file(program, [&](const ast::File& file) {
      for (const auto& param : file.params)
         scope.set(param.name, param.default_value ? evaluate_static(*param.default_value, scope) : StaticValue::unknown(param.name));
      for (const auto& secret : file.secrets) scope.set(secret.name, StaticValue::unknown(secret.name, true));
   });
   return scope;
}

}  // namespace

const TriggerFacts* RunbookFacts::trigger(const std::string& name) const
{
   for (const auto& t : triggers)
      if (t.name == name) return &t;
   return nullptr;
}

const RollbackFacts* RunbookFacts::rollback(const std::string& name) const
{
   for (const auto& r : rollbacks)
      if (r.name == name) return &r;
   return nullptr;
}

const PhaseFacts* RunbookFacts::phase_of_step(const std::string& step_id) const
{
   const std::string first = step_id.substr(0, step_id.find('/'));
   for (const auto& p : phases)
      if (p.slug == first) return &p;
   return nullptr;
}

RunbookFacts read_facts(const Program& program)
{
   RunbookFacts facts;
   const StaticScope scope = params_scope(program);
   for_each_file(program, [&](const ast::File& file) {
      for (const auto& m : file.metrics) facts.metrics[m.name] = MetricFacts{m.name, m.unit, m.scale};
   });
   const Extractor extract{scope, facts.metrics};

   std::vector<std::string> all_triggers;
   for_each_file(program, [&](const ast::File& file) {
      for (const auto& t : file.triggers) {
         TriggerFacts trigger;
         trigger.name = t.name;
         trigger.warning = t.is_warning;
         trigger.severity = t.severity;
         if (t.action.kind == ast::TriggerAction::Kind::Rollback) trigger.rollback = t.action.rollback;
         bool complete = true;
         if (t.condition.expr) {
            extract.collect(*t.condition.expr, trigger.breach, complete);
            trigger.condition_text = expr_source(*t.condition.expr);
         }
         if (!complete) trigger.breach.clear();
         for (const auto& c : trigger.breach) facts.constraints.push_back({c, false, "trigger " + t.name});
         facts.triggers.push_back(std::move(trigger));
         if (t.decide_ms)
            facts.longest_question_timeout_ms = std::max(facts.longest_question_timeout_ms, *t.decide_ms);
         all_triggers.push_back(t.name);
      }
   });

   // Watch, await and assert conditions anywhere (phases, functions, rollbacks) must hold.
   auto conditions_of = [&](const ast::Step& step) {
      note_question_timeout(step, facts.longest_question_timeout_ms);
      std::vector<const ast::Condition*> list;
      if (const auto* w = std::get_if<ast::WatchStep>(&step.node))
         for (const auto& c : w->conditions) list.push_back(&c);
      if (const auto* a = std::get_if<ast::AwaitStep>(&step.node)) list.push_back(&a->condition);
      if (const auto* a = std::get_if<ast::AssertStep>(&step.node)) list.push_back(&a->condition);
      for (const auto* c : list) {
         if (!c->expr) continue;
         std::vector<Comparison> found;
         bool complete = true;
         extract.collect(*c->expr, found, complete);
         for (const auto& f : found) facts.constraints.push_back({f, true, "condition " + expr_source(*c->expr)});
      }
   };
   for_each_file(program, [&](const ast::File& file) {
      for (const auto& p : file.phases) ast::for_each_step(p.body, conditions_of);
      for (const auto& r : file.rollbacks) ast::for_each_step(r.body, conditions_of);
      for (const auto& f : file.functions) ast::for_each_step(f.body, conditions_of);
   });

   if (program.root) {
      for (const auto& p : program.root->phases) {
         PhaseFacts phase{p.title, p.slug, {}};
         if (p.arms_all) phase.armed.insert(all_triggers.begin(), all_triggers.end());
         for (const auto& armed : p.arms) phase.armed.insert(armed.first);
         facts.phases.push_back(std::move(phase));
      }
      for (const auto& r : program.root->rollbacks) {
         RollbackFacts rollback;
         rollback.name = r.name;
         rollback.within_ms = r.within_ms;
         rollback.overrun_action = r.overrun_action.has_value();
         const auto note = [&](const ast::Step& step) {
            if (std::holds_alternative<ast::UndoAllStep>(step.node)) {
               rollback.undo_all = true;
               rollback.undo_all_steps.push_back(step.id);
            }
            if (calls_notify(step)) rollback.notify_steps.push_back(step.id);
         };
         // A rollback that always tells people does it in its `finally`.
         ast::for_each_step(r.body, note);
         ast::for_each_step(r.finally, note);
         facts.rollbacks.push_back(std::move(rollback));
      }
   }
   return facts;
}

}  // namespace runbook::verify
