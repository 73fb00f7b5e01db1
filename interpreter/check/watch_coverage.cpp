// The watch coverage rules (see watch_coverage.hpp).
#include "check/watch_coverage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "check/quantity.hpp"
#include "check/signature.hpp"
#include "syntax/phase_arms.hpp"

namespace runbook {

namespace {

/// `metric OP threshold` with the threshold known before the run, turned so
/// the metric is on the left (`1% < error_rate` reads as `error_rate > 1%`).
struct CoverageThreshold {
   std::string metric;
   std::string op;   ///< < <= > >=
   double value = 0;
   ast::Unit unit = ast::Unit::None;
};

std::string flipped_comparison(const std::string& op)
{
   if (op == "<") return ">";
   if (op == "<=") return ">=";
   if (op == ">") return "<";
   return "<=";
}

std::optional<CoverageThreshold> coverage_threshold(const ast::Expr& expr, const WatchCoverageContext& context)
{
   const auto* binary = std::get_if<ast::Binary>(&expr.node);
   if (!binary || !(binary->op == "<" || binary->op == "<=" || binary->op == ">" || binary->op == ">="))
      return std::nullopt;
   const auto metric_name = [&](const ast::Expr& side) -> std::string {
      const auto* ref = std::get_if<ast::NameRef>(&side.node);
      if (!ref) return "";
      const auto it = context.names.values.find(ref->name);
      return it != context.names.values.end() && it->second.kind == GlobalValue::Kind::Metric ? ref->name : "";
   };
   CoverageThreshold t;
   const ast::Expr* value = nullptr;
   if (const std::string lhs = metric_name(*binary->lhs); !lhs.empty()) {
      t.metric = lhs;
      t.op = binary->op;
      value = binary->rhs.get();
   } else if (const std::string rhs = metric_name(*binary->rhs); !rhs.empty()) {
      t.metric = rhs;
      t.op = flipped_comparison(binary->op);
      value = binary->lhs.get();
   } else {
      return std::nullopt;
   }
   const StaticValue known = evaluate_static(*value, context.params);
   if (known.kind != StaticValue::Kind::Number || !known.known()) return std::nullopt;
   t.value = known.number;
   t.unit = known.unit;
   return t;
}

/// A duration known before the run, or nothing.
std::optional<double> coverage_duration(const ast::Expr& expr, const StaticScope& params)
{
   const StaticValue value = evaluate_static(expr, params);
   if (!value.is_duration() || value.secret) return std::nullopt;
   return value.number;
}

/// The triggers `phase` arms that fire on a condition (not `manual`), in name order.
std::vector<const ast::Trigger*> armed_condition_triggers(const ast::Phase& phase, const GlobalNames& names)
{
   std::vector<const ast::Trigger*> out;
   for (const auto& entry : names.triggers)
      if (entry.second && !entry.second->manual && !entry.second->is_warning && phase_arms(phase, entry.first))
         out.push_back(entry.second);
   return out;
}

/// A trigger that ends in its rollback without anyone choosing to: P0, and P1
/// after its grace (P2 asks the operator, P3 only records).
bool rolls_back(const ast::Trigger& trigger)
{
   return trigger.action.kind == ast::TriggerAction::Kind::Rollback &&
          (trigger.severity == ast::Severity::P0 || trigger.severity == ast::Severity::P1);
}

/// How long a breach lasts before the trigger's rollback starts: its `for`
/// window, and a P1's grace (the interpreter's default grace is 15m, as the
/// plan shows it).
double rollback_delay(const ast::Trigger& trigger)
{
   double delay = trigger.condition.for_ms.value_or(0);
   if (trigger.severity == ast::Severity::P1) delay += trigger.grace_ms.value_or(15 * 60'000);
   return delay;
}

/// Whether every value at which the trigger's condition holds (the bad state)
/// also makes the watch's condition false (the watch's failing state):
/// `error_rate < 0.5%` fails wherever `error_rate > 1%` fires.
bool watch_fails_where_trigger_fires(const CoverageThreshold& watch, const CoverageThreshold& trigger)
{
   const bool watch_upper = watch.op == "<" || watch.op == "<=";      // fails above its value
   const bool trigger_upper = trigger.op == ">" || trigger.op == ">=";   // fires above its value
   if (watch_upper != trigger_upper) return false;
   // The watch also fails at its own value unless it allows it (`<=`, `>=`);
   // the trigger also fires at its own value when it says so (`>=`, `<=`).
   const bool watch_allows_equal = watch.op == "<=" || watch.op == ">=";
   const bool trigger_fires_equal = trigger.op == ">=" || trigger.op == "<=";
   if (watch.value == trigger.value) return !(watch_allows_equal && trigger_fires_equal);
   return watch_upper ? watch.value < trigger.value : watch.value > trigger.value;
}

/// "after 5m", or "on the first sample" when nothing has to last.
std::string after_breach(double ms)
{
   return ms > 0 ? "after " + format_duration(ms) : "on the first sample";
}

std::string describe_route(const ast::FailRoute& route)
{
   switch (route.kind) {
   case ast::FailRoute::Kind::Rollback: return fmt::format("rollback '{}'", route.rollback);
   case ast::FailRoute::Kind::Stop: return "'on fail stop' (the run ends failed, traffic where it is)";
   case ast::FailRoute::Kind::Steps: return "its 'on fail' steps (then the run goes on)";
   case ast::FailRoute::Kind::None: break;
   }
   return "no route (the run ends failed, traffic where it is)";
}

class CoverageWalk {
public:
   CoverageWalk(const ast::Phase& phase, const WatchCoverageContext& context, Diagnostics& diags)
       : phase_(phase), context_(context), diags_(diags), armed_(armed_condition_triggers(phase, context.names))
   {
   }

   void run()
   {
      const ast::FailRoute& route = phase_.on_fail ? phase_.on_fail : context_.runbook_route;
      block(phase_.body, route);
   }

private:
   /// `route`: the innermost failure route around the block's steps.
   void block(const ast::Block& steps, const ast::FailRoute& route)
   {
      for (const auto& step : steps) {
         const ast::FailRoute& inner = step->options.on_fail ? step->options.on_fail : route;
         if (const auto* wait = std::get_if<ast::WaitStep>(&step->node)) short_soak(*step, *wait->duration, "wait");
         if (const auto* watch = std::get_if<ast::WatchStep>(&step->node)) {
            short_soak(*step, *watch->duration, "watch");
            preempted_triggers(*watch, inner);
         }
         if (const auto* branch = std::get_if<ast::IfStep>(&step->node)) {
            block(branch->then_block, inner);
            block(branch->else_block, inner);
         }
         if (const auto* loop = std::get_if<ast::ForStep>(&step->node)) block(loop->body, inner);
      }
   }

   void short_soak(const ast::Step& step, const ast::Expr& duration, const char* keyword)
   {
      const auto soak = coverage_duration(duration, context_.params);
      if (!soak || *soak <= 0) return;   // not a soak; a zero or negative one is already an error
      std::vector<const ast::Trigger*> longer;
      double longest = 0;
      for (const ast::Trigger* trigger : armed_) {
         if (!trigger->condition.for_ms || *trigger->condition.for_ms <= *soak) continue;
         longer.push_back(trigger);
         longest = std::max(longest, *trigger->condition.for_ms);
      }
      if (longer.empty()) return;
      std::string which;
      for (const ast::Trigger* trigger : longer)
         which += fmt::format("{}'{}' (for {})", which.empty() ? "" : ", ", trigger->name,
                              format_duration(*trigger->condition.for_ms));
      diags_.warning(step.loc, "short-soak",
                     fmt::format("this {} of {} is shorter than the window of the trigger{} armed during it: {}",
                                 keyword, format_duration(*soak), longer.size() > 1 ? "s" : "", which),
                     {"a breach that begins during it cannot last the window before the rollout moves on, so "
                      "the trigger never fires inside it",
                      fmt::format("make it at least {}, or shorten the trigger's 'for'", format_duration(longest))});
   }

   void preempted_triggers(const ast::WatchStep& watch, const ast::FailRoute& step_route)
   {
      for (const auto& condition : watch.conditions) {
         if (!condition.expr) continue;
         const auto mine = coverage_threshold(*condition.expr, context_);
         const auto delay = watch_delay(watch, condition);
         if (!mine || !delay) continue;
         const ast::FailRoute& route = condition.on_fail ? condition.on_fail : step_route;
         for (const ast::Trigger* trigger : armed_) preempted(condition, *mine, *delay, route, *trigger);
      }
   }

   /// How long the watch's condition must be false before it fails the step,
   /// when that is known: its `for`, or `after K failures` at its `every`.
   std::optional<double> watch_delay(const ast::WatchStep& watch, const ast::Condition& condition)
   {
      double delay = condition.for_ms.value_or(0);
      if (condition.after_failures) {
         if (*condition.after_failures < 1) return std::nullopt;   // already an error (bad-count)
         const auto every = watch.every ? coverage_duration(*watch.every, context_.params)
                                        : std::optional<double>(context_.default_every_ms);
         if (!every) return std::nullopt;
         delay = std::max(delay, (*condition.after_failures - 1) * *every);
      }
      return delay;
   }

   void preempted(const ast::Condition& condition, const CoverageThreshold& mine, double delay, const ast::FailRoute& route,
                  const ast::Trigger& trigger)
   {
      if (!rolls_back(trigger) || !trigger.condition.expr) return;
      const auto theirs = coverage_threshold(*trigger.condition.expr, context_);
      if (!theirs || theirs->metric != mine.metric || theirs->unit != mine.unit) return;
      if (!watch_fails_where_trigger_fires(mine, *theirs)) return;
      if (delay > rollback_delay(trigger)) return;   // the trigger's rollback starts first
      // The watch's failure already goes where the trigger would: nothing is lost.
      if (route.kind == ast::FailRoute::Kind::Rollback && route.rollback == trigger.action.rollback) return;
      diags_.warning(condition.loc, "watch-preempts-trigger",
                     fmt::format("watch condition `{}` fails the step before trigger '{}' (`{}`) can roll back",
                                 expr_source(*condition.expr), trigger.name, expr_source(*trigger.condition.expr)),
                     {fmt::format("the watch fails at {} {} {} {}, the trigger rolls back only at {} {} {} {}: "
                                  "the failure takes {} instead of rollback '{}'",
                                  mine.metric, flipped_failure(mine.op), format_quantity(mine.value, mine.unit),
                                  after_breach(delay), theirs->metric, theirs->op,
                                  format_quantity(theirs->value, theirs->unit), after_breach(rollback_delay(trigger)),
                                  describe_route(route), trigger.action.rollback),
                      fmt::format("loosen the watch to the trigger's threshold, or route its failure to the same "
                                  "rollback: on fail rollback {}",
                                  trigger.action.rollback)});
   }

   /// The operator under which a watch condition `metric OP value` is false.
   static std::string flipped_failure(const std::string& op)
   {
      if (op == "<") return ">=";
      if (op == "<=") return ">";
      if (op == ">") return "<=";
      return "<";
   }

   const ast::Phase& phase_;
   const WatchCoverageContext& context_;
   Diagnostics& diags_;
   std::vector<const ast::Trigger*> armed_;
};

}  // namespace

void warn_watch_coverage(const ast::Phase& phase, const WatchCoverageContext& context, Diagnostics& diags)
{
   CoverageWalk(phase, context, diags).run();
}

}  // namespace runbook
