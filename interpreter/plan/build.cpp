// Building the plan: a walk over the checked tree with the static evaluator.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "check/params.hpp"
#include "check/retry_backoff.hpp"
#include "check/quantity.hpp"
#include "check/signature.hpp"
#include "check/static_value.hpp"
#include "syntax/callee.hpp"
#include "io/shell_splice.hpp"
#include "plan/plan.hpp"
#include "syntax/overloaded.hpp"
#include "syntax/phase_arms.hpp"
#include "syntax/severity.hpp"

namespace runbook::plan {

namespace {

using namespace ast;

/// Function calls nested deeper than this are shown but not expanded (it is
/// almost certainly recursion, which a plan cannot unroll).
constexpr int max_call_depth = 8;

/// The interpreter's defaults for steps that do not say: an HTTP request
/// gives up after 30s (io/http_client.hpp, HttpRequest::total_timeout_ms) and
/// an `await` after 5m (exec/step_time.cpp). A `sh` step has no default
/// timeout: its worst case is unbounded, and the plan says so.
constexpr double default_http_timeout_ms = 30'000;
constexpr double default_await_timeout_ms = 5 * 60'000;

/// How a step's static id maps to the id shown in the plan: inside a loop
/// iteration or a call, the static prefix is replaced by the expanded one.
struct IdFrame {
   std::string static_prefix;
   std::string shown_prefix;

   std::string shown(const std::string& static_id) const
   {
      if (static_prefix.empty() || static_id.rfind(static_prefix, 0) != 0) return static_id;
      return shown_prefix + static_id.substr(static_prefix.size());
   }
};

/// Where the steps being expanded come from: unprefixed calls resolve in `file`.
struct Frame {
   const File* file = nullptr;
   IdFrame ids;
   int depth = 0;
   bool in_undo = false;
};

class PlanBuilder {
public:
   PlanBuilder(const Program& program, const std::set<std::string>& given) : program_(program), given_(given) {}

   Plan build()
   {
      const File& root = *program_.root;
      plan_.title = root.title;
      plan_.file = root.source ? root.source->path : "";
      plan_.lock = root.lock;
      for_each_file([&](const File& file) { declarations(file); });
      for_each_file([&](const File& file) { collect_rollback_sources(file); });
      std::size_t number = 0;
      plan_.on_fail = route(root.on_fail, "on-fail", run_scope_, Frame{&root, {}, 0, false});
      for (const auto& phase : root.phases) plan_.phases.push_back(build_phase(phase, ++number, root));
      for_each_file([&](const File& file) {
         for (const auto& block : file.rollbacks) plan_.rollbacks.push_back(build_rollback(block, file));
      });
      for (std::size_t i = 0; i < root.ensures.size(); ++i)
         plan_.ensures.push_back({fmt::format("ensure/{}", i + 1), root.ensures[i].title,
                                  expression_text(*root.ensures[i].expr, globals_)});
      for (const auto& phase : plan_.phases) plan_.timing.add(phase.timing);
      return std::move(plan_);
   }

private:
   template <class Visit>
   void for_each_file(Visit visit)
   {
      visit(*program_.root);
      for (const auto& [name, module] : program_.modules)
         if (module) visit(*module);
   }

   // ------------------------------------------------------------ declarations

   void declarations(const File& file)
   {
      for (const auto& param : file.params) {
         PlanParam p;
         p.name = param.name;
         p.type = type_name(param_value_type(param));
         if (param.default_value) {
            const StaticValue value = evaluate_static(*param.default_value, globals_);
            globals_.set(param.name, value);
            p.value = show_value_for_review(value);
            p.exact_value = show_value(value);
            p.source = given_.count(param.name) ? "-p" : "default";
         } else {
            // Shown symbolically wherever it is used: the plan stays readable
            // without every value.
            globals_.set(param.name, StaticValue::unknown(param.name));
            p.value = "(required)";
            p.source = "missing";
         }
         plan_.params.push_back(std::move(p));
      }
      for (const auto& secret : file.secrets) {
         globals_.set(secret.name, StaticValue::unknown(secret.name, true));
         plan_.secrets.push_back({secret.name, secret.env_var});
      }
      for (const auto& metric : file.metrics) plan_.metrics.push_back(build_metric(metric));
      for (const auto& trigger : file.triggers) plan_.triggers.push_back(build_trigger(trigger));
   }

   PlanMetric build_metric(const Metric& metric)
   {
      PlanMetric m;
      m.name = metric.name;
      m.unit = metric.unit_spelling;
      const auto& source = metric.source();   // the alternative the checker chose
      const std::string target = source.target ? shown_text(*source.target, globals_) : "";
      switch (source.kind) {
      case MetricSource::Kind::Http: m.source = fmt::format("http GET {} json {}", target, source.json_path); break;
      case MetricSource::Kind::Prometheus:
         m.source = fmt::format("prometheus {} query {}", target,
                                source.query ? show_value(evaluate_static(*source.query, globals_)) : "");
         break;
      case MetricSource::Kind::Shell:
         m.source = "sh " + (source.target ? show_value(evaluate_static(*source.target, globals_)) : "");
         break;
      }
      if (!metric.chosen_by.empty()) m.source += fmt::format(" (chosen by {})", fmt::join(metric.chosen_by, ", "));
      return m;
   }

   PlanTrigger build_trigger(const Trigger& trigger)
   {
      PlanTrigger t;
      t.name = trigger.name;
      t.title = trigger.title.empty() ? trigger.name : trigger.title;
      t.warning = trigger.is_warning;
      t.severity = trigger.is_warning ? "" : severity_name(trigger.severity);
      t.condition = trigger.condition.expr ? expression_text(*trigger.condition.expr, globals_) : "";
      t.manual = trigger.manual;
      if (!trigger.is_warning && trigger.severity == ast::Severity::P2)
         t.decide = fmt::format("within {} default {}", format_duration(trigger.decide_ms.value_or(60 * 60'000)),
                                trigger.decide_default.empty() ? "rollback" : trigger.decide_default);
      t.lost = lost_clauses_source(trigger.condition);
      if (trigger.condition.for_ms) t.window = format_duration(*trigger.condition.for_ms);
      t.every = format_duration(trigger.every_ms.value_or(30'000));
      if (!trigger.is_warning && trigger.severity == ast::Severity::P1)
         t.grace = format_duration(trigger.grace_ms.value_or(15 * 60'000));
      t.action = action_text(trigger.action);
      if (trigger.action.kind == TriggerAction::Kind::Rollback) t.rollback = trigger.action.rollback;
      return t;
   }

   std::string action_text(const TriggerAction& action)
   {
      switch (action.kind) {
      case TriggerAction::Kind::Rollback: return "rollback " + action.rollback;
      case TriggerAction::Kind::Notify:
         return "notify " + (action.value ? show_value(evaluate_static(*action.value, globals_)) : "");
      case TriggerAction::Kind::Call: return "call " + (action.value ? call_text(*action.value, globals_) : "");
      case TriggerAction::Kind::Record: return "record";
      }
      return "";
   }

   void collect_rollback_sources(const File& file)
   {
      for (const auto& trigger : file.triggers) {
         if (trigger.action.kind == TriggerAction::Kind::Rollback)
            reached_by_[trigger.action.rollback].push_back((trigger.is_warning ? "warning " : "trigger ") + trigger.name);
         if (trigger.condition.on_lost == OnLost::Rollback)
            reached_by_[trigger.condition.on_lost_rollback].push_back("monitoring lost in trigger " + trigger.name);
      }
      auto walk = [&](const Block& block, auto& self) -> void {
         for (const auto& step : block) {
            if (const auto* s = std::get_if<RollbackStep>(&step->node)) reached_by_[s->target].push_back("step " + step->id);
            auto on_lost = [&](const Condition& c) {
               if (c.on_lost == OnLost::Rollback)
                  reached_by_[c.on_lost_rollback].push_back("monitoring lost in step " + step->id);
            };
            if (const auto* s = std::get_if<WatchStep>(&step->node))
               for (const auto& c : s->conditions) {
                  on_lost(c);
                  routed(c.on_fail, "failure of a condition of step " + step->id, self);
               }
            routed(step->options.on_fail, "failure of step " + step->id, self);
            if (const auto* s = std::get_if<ApproveStep>(&step->node)) routed(s->decision.otherwise, "a no to step " + step->id, self);
            if (const auto* s = std::get_if<ChecklistStep>(&step->node))
               routed(s->decision.otherwise, "a no to step " + step->id, self);
            if (const auto* s = std::get_if<AwaitStep>(&step->node)) on_lost(s->condition);
            if (const auto* s = std::get_if<AssertStep>(&step->node)) on_lost(s->condition);
            if (const auto* s = std::get_if<IfStep>(&step->node)) {
               self(s->then_block, self);
               self(s->else_block, self);
            }
            if (const auto* s = std::get_if<ForStep>(&step->node)) self(s->body, self);
            if (const auto* s = std::get_if<AfterStep>(&step->node)) self(s->body, self);
            self(step->options.undo, self);
         }
      };
      routed(file.on_fail, "failure anywhere (the runbook's default)", walk);
      for (const auto& phase : file.phases) {
         walk(phase.body, walk);
         routed(phase.on_fail, "failure in phase " + phase.slug, walk);
      }
      for (const auto& block : file.rollbacks) walk(block.body, walk);
      for (const auto& function : file.functions) walk(function.body, walk);
   }

   /// Notes the rollback a route leads to, and walks the steps it runs.
   template <class Walk>
   void routed(const FailRoute& route, const std::string& who, Walk& walk)
   {
      if (route.kind == FailRoute::Kind::Rollback) reached_by_[route.rollback].push_back(who);
      walk(route.steps, walk);
   }

   PlanRoute route(const FailRoute& route, const std::string& id, StaticScope& scope, const Frame& frame)
   {
      PlanRoute r;
      switch (route.kind) {
      case FailRoute::Kind::None: break;
      case FailRoute::Kind::Rollback: r.text = "rollback " + route.rollback; break;
      case FailRoute::Kind::Stop: r.text = "stop (the run ends failed where it is)"; break;
      case FailRoute::Kind::Steps:
         r.text = "the steps below, then the run goes on";
         r.steps = block(route.steps, scope, frame);
         (void)id;
         break;
      }
      return r;
   }

   /// A step's (or a condition's) route: a detail line, and its steps as a branch.
   void show_route(PlanStep& p, const FailRoute& route, const std::string& label, const std::string& id,
                   StaticScope& scope, const Frame& frame)
   {
      if (!route) return;
      PlanRoute r = this->route(route, id, scope, frame);
      p.details.push_back(label + " -> " + r.text);
      if (route.kind == FailRoute::Kind::Rollback && p.rollback.empty()) p.rollback = route.rollback;
      if (route.kind != FailRoute::Kind::Steps) return;
      PlanStep steps = branch(label, id, std::move(r.steps));
      steps.kind = "on-fail";
      steps.timing = {};   // Runs only on failure: not part of the happy path's time.
      p.children.push_back(std::move(steps));
   }

   /// A `finally { }`, with `failed` and `failures` known only at run time.
   std::vector<PlanStep> finally(const Block& steps, StaticScope& outer, const Frame& frame)
   {
      StaticScope scope(&outer);
      scope.set("failed", StaticValue::unknown("failed"));
      scope.set("failures", StaticValue::unknown("failures"));
      return block(steps, scope, frame);
   }

   /// What an unanswered question becomes and where a "no" goes.
   void decision(PlanStep& p, const Decision& d, const Step& step, StaticScope& scope, const Frame& frame)
   {
      if (step.options.timeout_ms)
         p.details.push_back(fmt::format("unanswered after {}: {}", format_duration(*step.options.timeout_ms),
                                         d.default_answer ? "answered " + *d.default_answer + " by default"
                                                          : std::string("fails")));
      show_route(p, d.otherwise, "on no", p.id + "/on-no", scope, frame);
   }

   /// An ask: its question, its choices, and what nobody answering in time means.
   void ask(PlanStep& p, const AskStep& s, const Step& step, StaticScope& scope)
   {
      p.text = "ask " + shown_message(*s.question, scope);
      p.timing.operator_steps = 1;
      std::string choices;
      for (const auto& choice : s.choices) choices += (choices.empty() ? "\"" : ", \"") + choice + "\"";
      p.details.push_back("choices " + choices);
      const auto& d = s.decision;
      if (step.options.timeout_ms)
         p.details.push_back(fmt::format("unanswered after {}: {}", format_duration(*step.options.timeout_ms),
                                         d.default_answer ? "\"" + *d.default_answer + "\" by default"
                                                          : std::string("fails")));
   }

   // ------------------------------------------------------------ blocks

   PlanPhase build_phase(const Phase& phase, std::size_t number, const File& file)
   {
      PlanPhase p;
      p.number = number;
      p.title = phase.title;
      p.slug = phase.slug;
      for (auto& trigger : plan_.triggers) {
         if (!phase_arms(phase, trigger.name)) continue;
         p.arms.push_back(trigger.name);
         trigger.armed_in.push_back(phase.slug);
      }
      Frame frame{&file, {}, 0, false};
      p.steps = block(phase.body, run_scope_, frame);
      for (const auto& step : p.steps) p.timing.add(step.timing);
      p.on_fail = route(phase.on_fail, phase.slug + "/on-fail", run_scope_, frame);
      p.finally = finally(phase.finally, run_scope_, frame);
      if (!phase.on_fail && file.on_fail) {
         p.on_fail.text = plan_.on_fail.text;
         p.on_fail.origin = "the runbook's default";
      }
      return p;
   }

   PlanRollback build_rollback(const RollbackBlock& rollback, const File& file)
   {
      PlanRollback r;
      r.name = rollback.name;
      r.reached_by = reached_by_[rollback.name];
      if (rollback.within_ms)
         r.deadline = "within " + format_duration(*rollback.within_ms) +
                      (rollback.overrun_action ? " -> " + action_text(*rollback.overrun_action) : "");
      StaticScope scope(&globals_);
      Frame frame{&file, {}, 0, false};
      r.steps = block(rollback.body, scope, frame);
      r.finally = finally(rollback.finally, scope, frame);
      for (const auto& step : r.steps) r.timing.add(step.timing);
      return r;
   }

   std::vector<PlanStep> block(const Block& steps, StaticScope& scope, const Frame& frame)
   {
      std::vector<PlanStep> out;
      for (const auto& step : steps) out.push_back(build_step(*step, scope, frame));
      return out;
   }

   // ------------------------------------------------------------ steps

   PlanStep build_step(const Step& step, StaticScope& scope, const Frame& frame)
   {
      PlanStep p;
      p.id = frame.ids.shown(step.id);
      p.kind = step_keyword(step);
      p.line = step.loc.line;
      std::visit(overloaded{
                     [&](const ShStep& s) {
                        p.text = "sh " + shown_command(*s.command, scope);
                        p.side_effect = true;
                        expectations(p, s.expects, scope);
                     },
                     [&](const HttpStep& s) { http(p, s, scope); },
                     [&](const ChecklistStep& s) {
                        p.text = "checklist " + shown_message(*s.title, scope);
                        for (const auto& item : s.items) p.items.push_back(shown_message_text(*item.text, scope));
                        p.timing.operator_steps = 1;
                        decision(p, s.decision, step, scope, frame);
                     },
                     [&](const ApproveStep& s) {
                        p.text = "approve " + shown_message(*s.prompt, scope);
                        p.timing.operator_steps = 1;
                        decision(p, s.decision, step, scope, frame);
                     },
                     [&](const AskStep& s) { ask(p, s, step, scope); },
                     [&](const WaitStep& s) {
                        const StaticValue d = evaluate_static(*s.duration, scope);
                        p.text = "wait " + show_value(d);
                        if (d.is_duration()) p.timing.happy_ms = p.timing.worst_ms = d.number;
                     },
                     [&](const WatchStep& s) { watch(p, s, scope, frame); },
                     [&](const AwaitStep& s) {
                        p.text = "await " + condition_text(s.condition, scope);
                        if (s.timeout) {
                           const StaticValue t = evaluate_static(*s.timeout, scope);
                           p.details.push_back("timeout " + show_value(t));
                           if (t.is_duration()) p.timing.worst_ms = t.number;
                        } else {
                           p.details.push_back("timeout " + format_duration(default_await_timeout_ms) + " (default)");
                           p.timing.worst_ms = default_await_timeout_ms;
                        }
                        if (s.every) p.details.push_back("every " + show_value(evaluate_static(*s.every, scope)));
                        on_lost(p, s.condition);
                     },
                     [&](const AssertStep& s) {
                        p.text = "assert " + condition_text(s.condition, scope);
                        if (s.message) p.details.push_back("message " + shown_message(*s.message, scope));
                        on_lost(p, s.condition);
                     },
                     [&](const RollbackStep& s) {
                        p.text = "rollback " + s.target;
                        p.rollback = s.target;
                     },
                     [&](const AbortStep& s) { p.text = "abort " + shown_message(*s.reason, scope); },
                     [&](const LogStep& s) { p.text = "log " + shown_message(*s.message, scope); },
                     [&](const NotifyStep& s) {
                        p.text = "notify " + shown_message(*s.message, scope);
                        p.side_effect = true;
                     },
                     [&](const LetStep& s) {
                        const StaticValue value = evaluate_static(*s.value, scope);
                        p.text = "let " + s.name + " = " + show_value_for_review(value);
                        scope.set(s.name, value.kind == StaticValue::Kind::Unknown && !value.secret
                                              ? StaticValue::unknown(s.name)
                                              : value);
                     },
                     [&](const IfStep& s) { if_step(p, s, scope, frame); },
                     [&](const ForStep& s) { for_step(p, step, s, scope, frame); },
                     [&](const CallStep& s) { call_step(p, step, *s.call, scope, frame); },
                     [&](const ReturnStep& s) {
                        p.text = s.value ? "return " + show_value(evaluate_static(*s.value, scope)) : "return";
                     },
                     [&](const UndoAllStep&) {
                        p.text = "undo all";
                        p.details.push_back("runs the undo of every completed step, newest first");
                     },
                     [&](const UndoStep& s) {
                        p.text = "undo \"" + s.target + "\"";
                        p.details.push_back("runs the undo of step " + s.step_id +
                                            " if it completed and was not undone yet; else nothing");
                     },
                     [&](const AfterStep& s) {
                        p.text = "after " + show_value(evaluate_static(*s.delay, scope)) +
                                 (s.signal.empty() ? "" : " unless " + s.signal);
                        p.details.push_back("a timer: the run goes on at once; the steps run when it is due" +
                                            std::string(s.signal.empty() ? "" : ", unless the signal was given"));
                        p.children = block(s.body, scope, frame);
                     },
                 },
                 step.node);
      options(p, step, scope, frame);
      return p;
   }

   void http(PlanStep& p, const HttpStep& s, StaticScope& scope)
   {
      p.text = "http " + s.method + " " + shown_text(*s.url, scope);
      p.side_effect = s.method != "GET" && s.method != "HEAD";
      for (const auto& [name, value] : s.headers) p.details.push_back("header " + name + ": " + shown_text(*value, scope));
      if (s.body) p.details.push_back("body " + show_value(evaluate_static(*s.body, scope)));
      expectations(p, s.expects, scope);
   }

   void watch(PlanStep& p, const WatchStep& s, StaticScope& scope, const Frame& frame)
   {
      const StaticValue d = evaluate_static(*s.duration, scope);
      p.text = "watch " + show_value(d);
      if (s.every) p.text += " every " + show_value(evaluate_static(*s.every, scope));
      if (d.is_duration()) p.timing.happy_ms = p.timing.worst_ms = d.number;
      for (std::size_t i = 0; i < s.conditions.size(); ++i) {
         const Condition& c = s.conditions[i];
         p.details.push_back("hold " + condition_text(c, scope));
         on_lost(p, c);
         show_route(p, c.on_fail, "on fail of condition " + std::to_string(i + 1),
                    p.id + "/on-fail-" + std::to_string(i + 1), scope, frame);
      }
   }

   void if_step(PlanStep& p, const IfStep& s, StaticScope& scope, const Frame& frame)
   {
      const StaticValue cond = evaluate_static(*s.cond, scope);
      p.text = "if " + expr_source(*s.cond);
      if (cond.known() && cond.kind == StaticValue::Kind::Bool) {
         // Decided at plan time (e.g. by the loop variable): show the branch taken.
         p.text += cond.boolean ? "  (true here)" : "  (false here)";
         p.children = block(cond.boolean ? s.then_block : s.else_block, scope, frame);
         for (const auto& child : p.children) p.timing.add(child.timing);
         return;
      }
      PlanStep then_branch = branch("then", p.id, block(s.then_block, scope, frame));
      PlanStep else_branch = branch("else", p.id + "/else", block(s.else_block, scope, frame));
      // Only one branch runs: the happy path takes the shorter, the worst case the longer.
      p.timing.happy_ms = std::min(then_branch.timing.happy_ms, else_branch.timing.happy_ms);
      p.timing.worst_ms = std::max(then_branch.timing.worst_ms, else_branch.timing.worst_ms);
      p.timing.unbounded = std::max(then_branch.timing.unbounded, else_branch.timing.unbounded);
      p.timing.operator_steps = std::max(then_branch.timing.operator_steps, else_branch.timing.operator_steps);
      p.children.push_back(std::move(then_branch));
      if (!s.else_block.empty()) p.children.push_back(std::move(else_branch));
   }

   static PlanStep branch(const std::string& name, const std::string& id, std::vector<PlanStep> steps)
   {
      PlanStep b;
      b.kind = "branch";
      b.id = id;
      b.text = name;
      b.children = std::move(steps);
      for (const auto& child : b.children) {
         b.timing.add(child.timing);
         b.side_effect = b.side_effect || child.side_effect;
      }
      return b;
   }

   void for_step(PlanStep& p, const Step& step, const ForStep& s, StaticScope& scope, const Frame& frame)
   {
      const StaticValue items = evaluate_static(*s.items, scope);
      p.text = "for " + s.variable + " in " + show_value(items);
      if (items.kind != StaticValue::Kind::List) {
         // Known only at run time: show the body once, with the variable symbolic.
         p.text += "  (expanded at run time)";
         StaticScope body(&scope);
         body.set(s.variable, StaticValue::unknown(s.variable));
         p.children = block(s.body, body, frame);
         for (const auto& child : p.children) p.timing.add(child.timing);
         if (!p.children.empty()) p.timing.unbounded = std::max(p.timing.unbounded, 1);
         return;
      }
      for (const auto& item : items.items) {
         const std::string label = s.variable + "=" + (item.kind == StaticValue::Kind::String && item.exact
                                                          ? item.text
                                                          : show_value(item));
         PlanStep iteration;
         iteration.kind = "iteration";
         iteration.id = p.id + "[" + label + "]";
         iteration.text = s.variable + " = " + show_value(item);
         StaticScope body(&scope);
         body.set(s.variable, item);
         Frame inner = frame;
         inner.ids = IdFrame{step.id, iteration.id};
         iteration.children = block(s.body, body, inner);
         for (const auto& child : iteration.children) {
            iteration.timing.add(child.timing);
            iteration.side_effect = iteration.side_effect || child.side_effect;
         }
         p.timing.add(iteration.timing);
         p.children.push_back(std::move(iteration));
      }
   }

   void call_step(PlanStep& p, const Step& step, const Expr& expr, StaticScope& scope, const Frame& frame)
   {
      p.text = call_text(expr, scope);
      const auto* call = std::get_if<Call>(&expr.node);
      if (!call) return;
      const Callee callee = resolve_callee(program_, *call, frame.file);
      const Function* function = callee.function;
      const File* file = callee.file;
      if (!function) return;   // a builtin: nothing to expand
      if (frame.depth >= max_call_depth) {
         p.details.push_back("(not expanded: calls nested more than 8 deep)");
         return;
      }
      StaticScope body(&globals_);
      for (std::size_t i = 0; i < function->params.size() && i < call->args.size(); ++i)
         body.set(function->params[i].first, evaluate_static(*call->args[i], scope));
      const std::string fn_prefix = function->body.empty() ? "" : static_prefix_of(function->body.front()->id);
      Frame inner{file, IdFrame{fn_prefix, p.id + "/" + fn_prefix}, frame.depth + 1, frame.in_undo};
      p.children = block(function->body, body, inner);
      for (const auto& child : p.children) {
         p.timing.add(child.timing);
         p.side_effect = p.side_effect || child.side_effect;
      }
      (void)step;
   }

   /// "fn:traffic.route/1" -> "fn:traffic.route".
   static std::string static_prefix_of(const std::string& id)
   {
      const auto slash = id.rfind('/');
      return slash == std::string::npos ? id : id.substr(0, slash);
   }

   void options(PlanStep& p, const Step& step, StaticScope& scope, const Frame& frame)
   {
      const auto& o = step.options;
      const bool single = std::holds_alternative<ShStep>(step.node) || std::holds_alternative<HttpStep>(step.node);
      const bool call = std::holds_alternative<CallStep>(step.node);
      const int attempts = 1 + o.retry_count.value_or(0);
      if (o.timeout_ms) {
         p.details.push_back("timeout " + format_duration(*o.timeout_ms));
         if (single || call) {
            // Each attempt ends by its timeout at the latest.
            p.timing.worst_ms = *o.timeout_ms * attempts;
            p.timing.unbounded = 0;
         }
      } else if (std::holds_alternative<HttpStep>(step.node)) {
         p.timing.worst_ms = default_http_timeout_ms * attempts;
      } else if (single) {
         p.timing.unbounded = 1;
      } else if (call) {
         p.timing.worst_ms *= attempts;
      }
      if (o.retry_count) {
         std::string retry = fmt::format("retry {}", *o.retry_count);
         if (o.retry_every_ms) {
            retry += " every " + format_duration(*o.retry_every_ms);
            p.timing.worst_ms += retry_backoff_total_ms(*o.retry_count, *o.retry_every_ms);
         }
         p.details.push_back(retry);
      }
      if (o.idempotent) p.details.push_back("idempotent");
      if (o.soft) p.details.push_back("soft: a failure is recorded, the block goes on and fails at its end");
      if (!o.capture.empty()) {
         p.details.push_back("as " + o.capture);
         scope.set(o.capture, StaticValue::unknown(o.capture));
      }
      if (!o.undo.empty()) {
         Frame undo_frame = frame;
         undo_frame.in_undo = true;
         PlanStep undo = branch("undo", p.id + "/undo", block(o.undo, scope, undo_frame));
         undo.kind = "undo";
         // Compensation runs only in a rollback: not part of this path's time.
         undo.timing = {};
         p.children.push_back(std::move(undo));
      }
      show_route(p, o.on_fail, "on fail", p.id + "/on-fail", scope, frame);
   }

   void expectations(PlanStep& p, const std::vector<Expectation>& expects, StaticScope& scope)
   {
      std::string text;
      for (const auto& e : expects) {
         text += text.empty() ? "expect " : ", ";
         const std::string value = e.value ? show_value(evaluate_static(*e.value, scope)) : e.status_class_word();
         switch (e.kind) {
         case Expectation::Kind::Status: text += "status " + value; break;
         case Expectation::Kind::Exit: text += "exit " + value; break;
         case Expectation::Kind::Json: text += "json " + e.json_path + " " + e.op + " " + value; break;
         }
      }
      if (!text.empty()) p.details.push_back(text);
   }

   void on_lost(PlanStep& p, const Condition& c)
   {
      if (c.on_lost == OnLost::Rollback && p.rollback.empty()) p.rollback = c.on_lost_rollback;
   }

   // ------------------------------------------------------------ values

   /// A condition as written, with the names known before the run (params,
   /// loop variables) shown by value and secrets by name (${db_password}).
   static std::string condition_text(const Condition& c, const StaticScope& scope)
   {
      return condition_source(c, substitution(scope));
   }
   static std::string expression_text(const Expr& expr, const StaticScope& scope)
   {
      return expr_source(expr, substitution(scope));
   }
   static NameSubstitution substitution(const StaticScope& scope) { return known_names(scope); }

   /// A value as a literal: strings quoted.
   static std::string shown_value(const Expr& expr, const StaticScope& scope)
   {
      return show_value(evaluate_static(expr, scope));
   }
   /// A `sh` command as /bin/sh will get it: known values quoted for where
   /// they land (io/shell_splice.hpp), the rest shown as `${expr}`.
   static std::string shown_command(const Expr& expr, const StaticScope& scope)
   {
      const auto* lit = std::get_if<StringLit>(&expr.node);
      if (!lit) return shown_value(expr, scope);
      ShellCommand command;
      try {
         for (const auto& part : lit->parts) {
            if (!part.expr) {
               command.append_text(part.text);
               continue;
            }
            const StaticValue value = evaluate_static(*part.expr, scope);
            if (value.known())
               command.append_value(show_interpolated(value));
            else
               command.append_placeholder(show_interpolated(value));
         }
      } catch (const ShellSpliceError&) {
         return shown_value(expr, scope);   // The checker reports where.
      }
      return show_value(StaticValue::of_string(command.command()));
   }
   /// A value as text (URLs, header values, checklist items): strings unquoted.
   static std::string shown_text(const Expr& expr, const StaticScope& scope)
   {
      return show_interpolated(evaluate_static(expr, scope));
   }

   /// A message (log, notify, a question, an assert's or abort's words) as
   /// people will read it: numbers spliced in rounded (3.24%), as the run
   /// prints them (exec/evaluate.cpp, Splice::Message).
   static std::string shown_message_text(const Expr& expr, const StaticScope& scope)
   {
      const auto* lit = std::get_if<StringLit>(&expr.node);
      if (!lit) return shown_text(expr, scope);
      std::string text;
      for (const auto& part : lit->parts) {
         if (!part.expr) {
            text += part.text;
            continue;
         }
         const StaticValue value = evaluate_static(*part.expr, scope);
         text += value.known() && value.kind == StaticValue::Kind::Number
                    ? format_quantity_for_people(value.number, value.unit)
                    : show_interpolated(value);
      }
      return text;
   }
   static std::string shown_message(const Expr& expr, const StaticScope& scope)
   {
      if (!std::holds_alternative<StringLit>(expr.node)) return shown_value(expr, scope);
      return show_value(StaticValue::of_string(shown_message_text(expr, scope)));
   }

   static std::string call_text(const Expr& expr, const StaticScope& scope)
   {
      const auto* call = std::get_if<Call>(&expr.node);
      if (!call) return expr_source(expr);
      std::string text = expr_source(*call->callee) + "(";
      for (std::size_t i = 0; i < call->args.size(); ++i)
         text += (i ? ", " : "") + show_value(evaluate_static(*call->args[i], scope));
      return text + ")";
   }

   const Program& program_;
   const std::set<std::string>& given_;
   Plan plan_;
   StaticScope globals_;
   StaticScope run_scope_{&globals_};
   std::map<std::string, std::vector<std::string>> reached_by_;
};

}  // namespace

void Timing::add(const Timing& other)
{
   happy_ms += other.happy_ms;
   worst_ms += other.worst_ms;
   unbounded += other.unbounded;
   operator_steps += other.operator_steps;
}

std::string human_duration(double ms)
{
   if (ms <= 0) return "0s";
   if (ms < 1000) return fmt::format("{}ms", static_cast<long long>(std::llround(ms)));
   long long seconds = std::llround(ms / 1000);
   std::string out;
   const struct { long long size; const char* suffix; } parts[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
   for (const auto& part : parts) {
      if (seconds < part.size) continue;
      out += fmt::format("{}{}{}", out.empty() ? "" : " ", seconds / part.size, part.suffix);
      seconds %= part.size;
   }
   return out;
}

Plan build_plan(const Program& program, const std::set<std::string>& given_params)
{
   if (!program.root) return {};
   return PlanBuilder(program, given_params).build();
}

}  // namespace runbook::plan
