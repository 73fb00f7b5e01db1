// The steps that take time and look at the system: wait, watch, await, assert
// (watch, the longest, is exec/watch_step.cpp), and the conditions they judge.
//
// All of them sleep through the supervisor, so triggers, Ctrl-C and remote
// requests are handled while they wait, and on a virtual clock every sample
// happens at exactly the runbook time its schedule says.
#include <algorithm>

#include <fmt/core.h>

#include "exec/interpreter_impl.hpp"
#include "syntax/expr_walk.hpp"

namespace runbook {

double Interpreter::Impl::duration_of(const Value& v, const char* what)
{
   const Number& n = v.as_number();
   if (n.unit != ast::Unit::Duration && n.unit != ast::Unit::None)
      throw ValueError(fmt::format("{} must be a duration, got {} ({})", what, v.type_name(), v.display()));
   if (n.value < 0) throw ValueError(fmt::format("{} cannot be negative ({})", what, v.display()));
   return n.value;
}

namespace {

/// The first metric named in an expression (for its `lost after` default).
const ast::Metric* first_metric(const ast::Expr& expr, const std::map<std::string, const ast::Metric*>& metrics)
{
   if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) {
      auto it = metrics.find(ref->name);
      return it == metrics.end() ? nullptr : it->second;
   }
   if (const auto* b = std::get_if<ast::Binary>(&expr.node)) {
      if (const auto* m = first_metric(*b->lhs, metrics)) return m;
      return first_metric(*b->rhs, metrics);
   }
   if (const auto* u = std::get_if<ast::Unary>(&expr.node)) return first_metric(*u->operand, metrics);
   if (const auto* t = std::get_if<ast::Ternary>(&expr.node)) {
      if (const auto* m = first_metric(*t->cond, metrics)) return m;
      if (const auto* m = first_metric(*t->then_expr, metrics)) return m;
      return first_metric(*t->else_expr, metrics);
   }
   return nullptr;
}

/// Every name an expression reads, in order (for the values a breach shows).
std::vector<std::string> names_read(const ast::Expr& expr)
{
   std::vector<std::string> names;
   for_each_subexpr(expr, [&](const ast::Expr& e) {
      if (const auto* ref = std::get_if<ast::NameRef>(&e.node)) names.push_back(ref->name);
   });
   return names;
}

}  // namespace

int Interpreter::Impl::lost_default(const ast::Condition& condition) const
{
   const ast::Metric* metric = condition.expr ? first_metric(*condition.expr, metrics_) : nullptr;
   return metric != nullptr ? metric->lost_after_errors : 3;
}

Interpreter::Impl::ConditionSample Interpreter::Impl::evaluate_condition(const ast::Condition& condition, Frame& frame)
{
   ConditionSample cs;
   Evaluator ev = evaluator(frame);
   try {
      cs.value = truthy(ev.eval(*condition.expr));
      cs.ok = true;
   } catch (const SampleFailed& e) {
      cs.error = redact(e.what());
   } catch (const EvalError& e) {
      cs.error = redact(e.what());
   } catch (const ValueError& e) {
      cs.error = redact(e.what());
   }
   cs.observations = ev.observations();
   add_run_variables(*condition.expr, frame, cs.observations);
   return cs;
}

void Interpreter::Impl::add_run_variables(const ast::Expr& expr, const Frame& frame,
                                          std::vector<Observation>& observations) const
{
   // A threshold taken from the run (`conversion < baseline * 0.95`) is part
   // of why a condition broke: "conversion = 3.6%, baseline = 4%". Params
   // are in the plan already and stay out.
   for (const auto& name : names_read(expr)) {
      const bool shown = std::any_of(observations.begin(), observations.end(),
                                     [&](const Observation& o) { return o.name == name; });
      if (shown) continue;
      for (const Scope* s = frame.scope; s && s != &globals_; s = s->parent())
         if (s->has_own(name)) {
            observations.push_back({name, s->own().at(name)});
            break;
         }
   }
}

std::string Interpreter::Impl::describe_observations(const std::vector<Observation>& observations) const
{
   std::string out;
   // For people: rounded ("error_rate = 3.24%"); the events' "values" keep the full value.
   for (const auto& o : observations) out += (out.empty() ? "" : ", ") + o.name + " = " + o.value.display_for_people();
   return redact(out);
}

namespace {

/// True when evaluating `expr` cannot sample a metric or call anything: a
/// threshold such as `1%`, `max_error_rate` or `2 * base_p99`.
bool is_constant_side(const ast::Expr& expr, const std::map<std::string, const ast::Metric*>& metrics)
{
   if (std::holds_alternative<ast::NumberLit>(expr.node)) return true;
   if (const auto* ref = std::get_if<ast::NameRef>(&expr.node)) return metrics.count(ref->name) == 0;
   if (const auto* u = std::get_if<ast::Unary>(&expr.node)) return is_constant_side(*u->operand, metrics);
   if (const auto* b = std::get_if<ast::Binary>(&expr.node))
      return is_constant_side(*b->lhs, metrics) && is_constant_side(*b->rhs, metrics);
   return false;
}

/// The comparison with the operands swapped: `1% > error_rate` is `error_rate < 1%`.
std::string mirrored(const std::string& op)
{
   if (op == "<") return ">";
   if (op == ">") return "<";
   if (op == "<=") return ">=";
   if (op == ">=") return "<=";
   return op;
}

}  // namespace

json Interpreter::Impl::condition_progress(const ast::Condition& condition, const Assessment& assessment, Frame& frame)
{
   json out = json::object();
   if (condition.for_ms) out["for_ms"] = *condition.for_ms;
   if (assessment.deciding_since) out["deciding_since"] = *assessment.deciding_since;
   // A watch's `for` counts deciding time in total: the view cannot work it out from deciding_since.
   if (condition.for_ms && assessment.deciding_since) out["held_ms"] = assessment.held_ms;
   const auto* cmp = condition.expr ? std::get_if<ast::Binary>(&condition.expr->node) : nullptr;
   static const std::set<std::string> comparisons{"<", "<=", ">", ">=", "==", "!="};
   if (cmp == nullptr || !comparisons.count(cmp->op)) return out;
   const auto metric_name = [this](const ast::Expr& e) -> std::string {
      const auto* ref = std::get_if<ast::NameRef>(&e.node);
      return ref != nullptr && metrics_.count(ref->name) ? ref->name : "";
   };
   std::string metric = metric_name(*cmp->lhs);
   const ast::Expr* threshold = cmp->rhs.get();
   std::string op = cmp->op;
   if (metric.empty()) {
      metric = metric_name(*cmp->rhs);
      threshold = cmp->lhs.get();
      op = mirrored(op);
   }
   if (metric.empty() || !is_constant_side(*threshold, metrics_)) return out;
   try {
      out["threshold"] = evaluator(frame).eval(*threshold).display();
      out["metric"] = metric;
      out["op"] = op;
   } catch (const std::exception&) {
      // Not worth failing a sample over: the view shows the condition as written.
   }
   return out;
}

json Interpreter::Impl::observations_json(const std::vector<Observation>& observations)
{
   json out = json::object();
   for (const auto& o : observations) out[o.name] = o.value.display();
   return out;
}

// ---------------------------------------------------------------- wait

Flow Interpreter::Impl::run_wait(const ast::Step& step, const ast::WaitStep& wait, Frame& frame, const std::string& id)
{
   const double duration = duration_of(evaluator(frame).eval(*wait.duration), "wait");
   Resolved r{StepKind::Wait, {{"summary", Value(duration, ast::Unit::Duration).display()}, {"duration_ms", duration}}, true,
              world_.clock().now() + duration};
   return journaled(step, frame, id, r, [&](const Resolved& settled) {
      // The deadline is absolute and journaled: a resumed wait keeps it.
      const TimeMs deadline = *settled.deadline_ms;
      const Stop stop = supervise(deadline);
      if (stop) return stop_to_performed(stop, {{"deadline_ms", deadline}});
      Performed p;
      p.result["deadline_ms"] = deadline;
      return p;
   });
}

// ---------------------------------------------------------------- await

Flow Interpreter::Impl::run_await(const ast::Step& step, const ast::AwaitStep& await, Frame& frame,
                                  const std::string& id)
{
   Evaluator ev = evaluator(frame);
   const double timeout = await.timeout ? duration_of(ev.eval(*await.timeout), "timeout") : 300000;
   const double every = await.every ? duration_of(ev.eval(*await.every), "every") : 5000;
   if (every <= 0) throw ValueError("await ... every must be longer than 0s");
   const std::string what = describe(*await.condition.expr);
   Resolved r{StepKind::Await,
              {{"summary", fmt::format("{} (timeout {}, every {})", what, Value(timeout, ast::Unit::Duration).display(),
                                       Value(every, ast::Unit::Duration).display())},
               {"condition", what},
               {"timeout_ms", timeout},
               {"every_ms", every}},
              true,
              {}};
   return journaled(step, frame, id, r, [&, timeout, every, what](const Resolved&) {
      return await_condition(await, frame, id, what, timeout, every);
   });
}

Interpreter::Impl::Performed Interpreter::Impl::await_condition(const ast::AwaitStep& await, Frame& frame,
                                                                const std::string& id, const std::string& what,
                                                                double timeout, double every)
{
   // Awaiting "the condition is true" is a trigger-shaped question: the
   // deciding state is true, and `for W` means it held for W.
   ConditionTracker tracker(rules_for(await.condition, lost_default(await.condition)));
   const TimeMs deadline = world_.clock().now() + timeout;
   TimeMs tick = world_.clock().now();
   std::string last;
   json last_values = json::object();
   int samples = 0;
   for (;;) {
      if (const Stop stop = supervise(tick)) return stop_to_performed(stop, {{"samples", samples}});
      in_round_ = true;
      round_samples_.clear();
      const ConditionSample cs = evaluate_condition(await.condition, frame);
      in_round_ = false;
      ++samples;
      const TimeMs now = world_.clock().now();
      const Assessment a = tracker.observe(cs.ok ? reading_for_trigger(cs.value) : Reading::Error, now);
      last = cs.ok ? describe_observations(cs.observations) : cs.error;
      last_values = observations_json(cs.observations);
      json shown{{"condition", what},
                 {"values", observations_json(cs.observations)},
                 {"verdict", verdict_name(a.verdict)},
                 {"role", "await"}};
      shown.update(condition_progress(await.condition, a, frame));
      emit(RunEvent::Kind::Sample, id, fmt::format("{}: {} ({})", what, cs.ok ? (cs.value ? "true" : "false") : "no sample", last),
           shown);
      if (a.verdict == Verdict::Breached) {
         record("sample", id, {{"condition", what}, {"values", observations_json(cs.observations)}, {"met", true}});
         Performed p;
         p.result = {{"samples", samples}, {"met_at", now}};
         return p;
      }
      if (now >= deadline) {
         record("sample", id, {{"condition", what}, {"last", last}, {"values", last_values}, {"met", false}});
         Performed p;
         p.flow = Flow::Failed;
         p.outcome = step_outcome::Failed;
         p.retryable = true;
         p.message = fmt::format("await `{}` timed out after {} ({} samples; last: {})", what,
                                 Value(timeout, ast::Unit::Duration).display(), samples, last);
         p.result = {{"samples", samples}};
         return p;
      }
      tick = std::min(now + every, deadline);
   }
}

// ---------------------------------------------------------------- assert

Flow Interpreter::Impl::run_assert(const ast::Step& step, const ast::AssertStep& assert_step, Frame& frame,
                                   const std::string& id)
{
   const std::string what = describe(*assert_step.condition.expr);
   const std::string message = assert_step.message ? evaluator(frame).text(*assert_step.message, Splice::Message) : "";
   Resolved r{StepKind::Assert, {{"summary", what}, {"condition", what}}, true, {}};
   return journaled(step, frame, id, r, [&, what, message](const Resolved&) {
      in_round_ = true;
      round_samples_.clear();
      const ConditionSample cs = evaluate_condition(assert_step.condition, frame);
      in_round_ = false;
      Performed p;
      p.result = {{"values", observations_json(cs.observations)}};
      if (cs.ok && cs.value) return p;
      p.flow = Flow::Failed;
      p.outcome = step_outcome::Failed;
      // An error never passes a check.
      p.message = cs.ok ? fmt::format("assertion `{}` does not hold ({}){}", what, describe_observations(cs.observations),
                                      message.empty() ? "" : ": " + message)
                        : fmt::format("assertion `{}` could not be checked: {}", what, cs.error);
      record("sample", id, {{"condition", what}, {"values", observations_json(cs.observations)}, {"passed", false}});
      return p;
   });
}

}  // namespace runbook
