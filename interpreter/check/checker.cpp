// The semantic checker's walk over the tree.
//
// One Checker visits every declaration and step once, with a chain of scopes
// for the names a step can see. Expressions are typed statically (see
// `Typed`): literals carry their unit, metrics the unit they are declared
// with, params their declared or default type; whatever comes from the world
// at run time (captures, probes, calls) is Any and passes every check.
#include "check/checker.hpp"

#include <fmt/format.h>

#include <functional>
#include <set>

#include "check/builtins.hpp"
#include "check/duration_params.hpp"
#include "check/ensure_reads.hpp"
#include "check/metric_choice.hpp"
#include "check/failure_routes.hpp"
#include "check/names.hpp"
#include "check/phase_bindings.hpp"
#include "check/quantity.hpp"
#include "check/shell_splices.hpp"
#include "check/signature.hpp"
#include "check/static_value.hpp"
#include "check/step_ids.hpp"
#include "check/undo_targets.hpp"
#include "check/watch_coverage.hpp"
#include "syntax/phase_arms.hpp"
#include "syntax/suggest.hpp"
#include "syntax/overloaded.hpp"

namespace runbook {

namespace {

using namespace ast;

/// The static type of an expression, and the secret whose value it may carry.
struct Typed {
   Type type = Type::Any;
   Type element = Type::Any;    ///< For lists: the type of every item, when they agree.
   std::string secret;          ///< Name of a secret flowing into this value ("" if none).
};

/// A name visible to a step.
struct Variable {
   enum class Kind { Param, Secret, Metric, Let, Capture, Loop, FnParam } kind = Kind::Let;
   Typed typed;
   Location loc;
};

std::string describe(Variable::Kind kind)
{
   switch (kind) {
   case Variable::Kind::Param: return "a param";
   case Variable::Kind::Secret: return "a secret";
   case Variable::Kind::Metric: return "a metric";
   case Variable::Kind::Let: return "a variable";
   case Variable::Kind::Capture: return "a captured result";
   case Variable::Kind::Loop: return "a loop variable";
   case Variable::Kind::FnParam: return "a function parameter";
   }
   return "a name";
}

struct Scope {
   Scope* parent = nullptr;
   std::map<std::string, Variable> names;

   Variable* find(const std::string& name)
   {
      for (Scope* s = this; s; s = s->parent) {
         const auto it = s->names.find(name);
         if (it != s->names.end()) return &it->second;
      }
      return nullptr;
   }
   std::vector<std::string> visible() const
   {
      std::vector<std::string> out;
      for (const Scope* s = this; s; s = s->parent)
         for (const auto& entry : s->names) out.push_back(entry.first);
      return out;
   }
};

/// Where a block of steps lives: some steps are only allowed in some places.
struct Context {
   enum class Where { Phase, Rollback, Function } where = Where::Phase;
   const File* file = nullptr;          ///< For unprefixed function calls.
   std::string module;                  ///< Module name, "" for the runbook.
};

bool is_quantity(Type type)
{
   return type == Type::Percent || type == Type::Duration || type == Type::Bytes || type == Type::Rate;
}

bool is_comparison(const std::string& op)
{
   return op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=";
}

/// `'api_p99' (a duration)` for messages.
std::string quoted(const Expr& expr) { return "'" + expr_source(expr) + "'"; }

class Checker {
public:
   Checker(Program& program, Diagnostics& diags, const CheckOptions& options)
       : program_(program), diags_(diags), options_(options)
   {
   }

   void run()
   {
      if (!program_.root) return;
      names_ = collect_names(program_, diags_);
      build_globals();
      resolve_duration_params(program_, static_params_, param_names(), diags_);
      choose_metric_sources(program_, static_params_, param_names(), diags_);
      for_each_file([&](File& file, const std::string& module) { check_declarations(file, module); });
      for_each_file([&](File& file, const std::string& module) { check_bodies(file, module); });
      // After the phases: a trigger may read a variable a phase before it sets.
      for_each_file([&](File& file, const std::string& module) { check_triggers(file, module); });
      for_each_file([&](File& file, const std::string& module) { check_ensures(file, module); });
      check_reachability();
      assign_step_ids(program_, diags_);
      resolve_undo_targets(program_, diags_);   // `undo "ID"` names a step by its id
   }

private:
   // ------------------------------------------------------------ files

   void for_each_file(const std::function<void(File&, const std::string&)>& visit)
   {
      visit(*program_.root, "");
      for (auto& [name, module] : program_.modules)
         if (module) visit(*module, name);
   }

   std::vector<std::string> param_names()
   {
      std::vector<std::string> names;
      for_each_file([&](File& file, const std::string&) {
         for (const auto& param : file.params) names.push_back(param.name);
      });
      return names;
   }

   /// Params, secrets and metrics are visible everywhere, with their types.
   void build_globals()
   {
      for (const auto& [name, value] : names_.values) {
         Variable v;
         v.loc = value.loc;
         switch (value.kind) {
         case GlobalValue::Kind::Param:
            v.kind = Variable::Kind::Param;
            v.typed = param_type(*value.param);
            break;
         case GlobalValue::Kind::Secret:
            v.kind = Variable::Kind::Secret;
            v.typed.type = Type::String;
            v.typed.secret = name;
            static_params_.set(name, StaticValue::unknown(name, true));
            break;
         case GlobalValue::Kind::Metric:
            v.kind = Variable::Kind::Metric;
            v.typed.type = type_of_unit(value.metric->unit);
            break;
         }
         globals_.names[name] = v;
      }
      // Param values in declaration order, so a default may use an earlier param.
      for_each_file([&](File& file, const std::string&) {
         for (const auto& param : file.params)
            if (!static_params_.find(param.name))
               static_params_.set(param.name, param.default_value
                                                  ? evaluate_static(*param.default_value, static_params_)
                                                  : StaticValue::unknown(param.name));
      });
   }

   Typed param_type(const Param& param)
   {
      Typed typed;
      typed.type = param.type;
      if (param.default_value) {
         Scope empty;
         const Typed value = type_of(*param.default_value, empty, /*report=*/false);
         if (param.type == Type::Any) typed = value;
         typed.element = value.element;
      }
      return typed;
   }

   void check_declarations(File& file, const std::string& module)
   {
      const Context context{Context::Where::Rollback, &file, module};
      current_context_ = &context;
      for (auto& param : file.params) check_param(param);
      for (auto& metric : file.metrics) check_metric(metric);
      // The lock says which runs exclude each other; a module is shared by
      // runbooks that need not exclude each other, so it cannot decide that.
      if (!module.empty() && !file.lock.empty())
         diags_.error(file.lock_loc, "lock-in-module", "a module cannot name a lock",
                      {"declare 'lock \"" + file.lock + "\"' in each runbook that takes it"});
      current_context_ = nullptr;
   }

   void check_bodies(File& file, const std::string& module)
   {
      Context context{Context::Where::Phase, &file, module};
      check_route(file.on_fail, run_scope_, context, "the runbook's 'on fail'");
      for (auto& phase : file.phases) check_phase(phase, context);
      context.where = Context::Where::Rollback;
      for (auto& rollback : file.rollbacks) {
         Scope scope{&run_scope_, {}};
         check_rollback_deadline(rollback, scope);
         check_block(rollback.body, scope, context);
         check_finally(rollback.finally, scope, context);
      }
      context.where = Context::Where::Function;
      for (auto& function : file.functions) check_function(function, context, {});
   }

   // ------------------------------------------------------------ declarations

   void check_param(const Param& param)
   {
      if (!param.default_value) {
         if (options_.require_param_values)
            diags_.error(param.loc, "missing-param",
                         fmt::format("param '{}' has no default and was not given", param.name),
                         {fmt::format("give it on the command line: -p {}=VALUE", param.name)});
         return;
      }
      Scope scope{&globals_, {}};
      const Typed value = type_of(*param.default_value, scope);
      if (param.type != Type::Any && value.type != Type::Any && value.type != param.type)
         diags_.error(param.default_value->loc, "type-mismatch",
                      fmt::format("param '{}' is declared {} but its value {} is {}", param.name,
                                  type_name(param.type), quoted(*param.default_value), describe_type(value.type)));
   }

   void check_metric(const Metric& metric)
   {
      Scope scope{&globals_, {}};
      // Every alternative is checked, not only the chosen one: other params
      // choose another source, and it must be right too.
      for (const auto& alternative : metric.alternatives) {
         const MetricSource& source = alternative.source;
         if (source.target) type_of(*source.target, scope);
         if (source.target && source.kind == MetricSource::Kind::Shell) check_shell_splices(*source.target, diags_);
         if (source.query) type_of(*source.query, scope);
         for (const auto& header : source.headers) type_of(*header.second, scope);
      }
      if (metric.timeout_ms) positive_duration(*metric.timeout_ms, metric.loc, "the metric's timeout");
      if (metric.lost_after_errors < 1)
         diags_.error(metric.loc, "bad-count", "'lost after' needs at least 1 error");
   }

   void check_triggers(File& file, const std::string& module)
   {
      const Context context{Context::Where::Rollback, &file, module};
      current_context_ = &context;
      for (auto& trigger : file.triggers) check_trigger(trigger);
      current_context_ = nullptr;
   }

   void check_trigger(const Trigger& trigger)
   {
      Scope scope = trigger_scope(trigger);
      const double every = trigger.every_ms.value_or(options_.default_every_ms);
      if (trigger.every_ms) positive_duration(*trigger.every_ms, trigger.loc, "'every'");
      if (trigger.grace_ms) positive_duration(*trigger.grace_ms, trigger.loc, "'grace'");
      // A trigger leads to its rollback only if some phase arms it: recorded
      // here, decided in check_reachability().
      current_trigger_ = &trigger;
      if (!trigger.manual) check_condition(trigger.condition, scope, every);
      check_decide(trigger);
      check_action(trigger.action, scope, "this trigger");
      current_trigger_ = nullptr;
   }

   /// Globals, and the run variables set before every phase that arms the
   /// trigger (check/phase_bindings.hpp). A trigger no phase arms is never
   /// sampled: it sees every variable the phases surely set.
   Scope trigger_scope(const Trigger& trigger)
   {
      Scope scope{&globals_, {}};
      bool armed = false;
      for (const auto& start : phases_seen_) {
         if (!phase_arms(*start.phase, trigger.name)) continue;
         if (!armed) scope.names = start.bound;
         std::erase_if(scope.names, [&](const auto& entry) { return !start.bound.count(entry.first); });
         armed = true;
      }
      if (!armed) scope.names = always_bound_;
      return scope;
   }

   /// A trigger reads a run variable that may be unset when it is sampled.
   void report_unbound_in_trigger(const std::string& name, const Location& loc)
   {
      std::string phase = "?";
      for (const auto& start : phases_seen_)
         if (phase_arms(*start.phase, current_trigger_->name) && !start.bound.count(name)) {
            phase = start.phase->title;
            break;
         }
      diags_.error(loc, "trigger-reads-unset",
                   fmt::format("trigger '{}' reads '{}', which is not yet set when phase \"{}\" arms it",
                               current_trigger_->name, name, phase),
                   {fmt::format("'{}' is set at {}; set it with a 'let' at the top level of a phase "
                                "before the first phase that arms '{}' (not inside an 'if' or a loop)",
                                name, position_text(run_scope_.find(name)->loc), current_trigger_->name)});
   }

   void check_action(const TriggerAction& action, Scope& scope, const std::string& who)
   {
      switch (action.kind) {
      case TriggerAction::Kind::Rollback: rollback_target(action.rollback, action.loc, who); break;
      case TriggerAction::Kind::Notify:
         if (action.value) output(*action.value, scope, "the trigger's notify text");
         break;
      case TriggerAction::Kind::Call:
         if (action.value) type_of(*action.value, scope);
         break;
      case TriggerAction::Kind::Record: break;
      }
   }

   // ------------------------------------------------------------ ensure

   /// `ensure "TITLE" EXPR`: a boolean over params, secrets and calls, in the
   /// global scope (the run's variables are gone when it is evaluated).
   void check_ensures(const File& file, const std::string& module)
   {
      // The invariants are the runbook's promise about its end; a module
      // is used by runbooks that end in different places.
      if (!module.empty()) {
         for (const auto& ensure : file.ensures)
            diags_.error(ensure.loc, "ensure-in-module", "a module cannot declare an invariant",
                         {"declare 'ensure \"" + ensure.title + "\" ...' in each runbook that promises it"});
         return;
      }
      const Context context{Context::Where::Phase, &file, module};
      current_context_ = &context;
      std::map<std::string, Location> titles;
      for (const auto& ensure : file.ensures) {
         if (const auto [it, fresh] = titles.emplace(ensure.title, ensure.loc); !fresh)
            diags_.error(ensure.loc, "duplicate-name", fmt::format("invariant \"{}\" is declared twice", ensure.title),
                         {fmt::format("the first is at {}; scenarios name an invariant by its title",
                                      position_text(it->second))});
         Scope scope{&globals_, {}};
         boolean(*ensure.expr, scope, "an invariant",
                 "an invariant is a check, e.g. traffic.one_environment(lb, lb_token) or version != \"\"");
         report_metric_reads(ensure, program_, names_, diags_);
      }
      current_context_ = nullptr;
   }

   // ------------------------------------------------------------ blocks

   void check_phase(const Phase& phase, const Context& context)
   {
      bool arms_any = phase.arms_all && !names_.triggers.empty();
      armed_all_ = armed_all_ || phase.arms_all;
      std::set<std::string> armed;
      for (const auto& [name, loc] : phase.arms) {
         if (!names_.triggers.count(name)) {
            diags_.error(loc, "undefined-name", fmt::format("undefined trigger '{}' in 'arms'", name),
                         did_you_mean(name, names_.trigger_names()));
         } else if (!armed.insert(name).second) {
            diags_.error(loc, "duplicate-name", fmt::format("trigger '{}' is armed twice", name));
         } else {
            arms_any = true;
            armed_.insert(name);
         }
      }
      phases_seen_.push_back({&phase, always_bound_});
      // Phases share the run's variables: a capture in one phase is seen by the next.
      check_block(phase.body, run_scope_, context);
      for (const auto& name : names_always_bound(phase.body))
         if (const Variable* v = run_scope_.find(name)) always_bound_[name] = *v;
      check_route(phase.on_fail, run_scope_, context, "the phase's 'on fail'");
      check_finally(phase.finally, run_scope_, context);
      if (!phase.on_fail && !program_.root->on_fail) warn_unrouted_failure(phase, diags_);
      warn_watch_coverage(phase, {names_, static_params_, program_.root->on_fail, options_.default_every_ms}, diags_);
      if (!arms_any && contains_watch(phase.body))
         diags_.warning(phase.loc, "unarmed-watch",
                        fmt::format("phase \"{}\" has watch steps but arms no triggers", phase.title),
                        {"nothing rolls back automatically while it runs; add 'arms all' or 'arms NAME, ...'"});
   }

   void check_function(const Function& function, const Context& context, const std::set<std::string>& tainted)
   {
      Scope scope{&globals_, {}};
      std::set<std::string> seen;
      for (const auto& [name, loc] : function.params) {
         if (!seen.insert(name).second) {
            diags_.error(loc, "duplicate-name", fmt::format("duplicate parameter '{}'", name));
            continue;
         }
         // A parameter may shadow a runbook's param or metric: a module
         // cannot know the names of every runbook that uses it.
         Variable v;
         v.kind = Variable::Kind::FnParam;
         v.loc = loc;
         if (tainted.count(name)) v.typed.secret = name;
         scope.names[name] = v;
      }
      check_block(function.body, scope, context);
   }

   void check_block(const Block& block, Scope& scope, const Context& context)
   {
      const Step* leaves = nullptr;   // the unconditional rollback/abort that ends the block
      bool warned = false;
      for (const auto& step : block) {
         if (leaves && !warned) {
            diags_.warning(step->loc, "unreachable-step",
                           fmt::format("this step never runs: the '{}' on line {} always leaves the block",
                                       step_keyword(*leaves), leaves->loc.line));
            warned = true;
         }
         check_step(*step, scope, context);
         if (std::holds_alternative<RollbackStep>(step->node) || std::holds_alternative<AbortStep>(step->node))
            leaves = leaves ? leaves : step.get();
      }
   }

   // ------------------------------------------------------------ steps

   void check_step(const Step& step, Scope& scope, const Context& context)
   {
      current_context_ = &context;   // unprefixed calls resolve in this file
      std::visit(overloaded{
                     [&](const ShStep& s) {
                        type_of(*s.command, scope);
                        check_shell_splices(*s.command, diags_);
                        expectations(s.expects, scope);
                     },
                     [&](const HttpStep& s) {
                        type_of(*s.url, scope);
                        for (const auto& header : s.headers) type_of(*header.second, scope);
                        if (s.body) type_of(*s.body, scope);
                        expectations(s.expects, scope);
                     },
                     [&](const ChecklistStep& s) {
                        output(*s.title, scope, "the checklist title");
                        for (const auto& item : s.items) output(*item.text, scope, "a checklist item");
                        check_decision(s.decision, step, scope, context);
                     },
                     [&](const ApproveStep& s) {
                        output(*s.prompt, scope, "the approval prompt");
                        check_decision(s.decision, step, scope, context);
                     },
                     [&](const AskStep& s) {
                        output(*s.question, scope, "the question");
                        check_choices(s, step);
                     },
                     [&](const WaitStep& s) { duration(*s.duration, scope, "'wait'"); },
                     [&](const WatchStep& s) { check_watch(s, scope); },
                     [&](const AwaitStep& s) { check_await(s, scope); },
                     [&](const AssertStep& s) {
                        check_condition(s.condition, scope, options_.default_every_ms);
                        if (s.message) output(*s.message, scope, "the assert message");
                     },
                     [&](const RollbackStep& s) { rollback_target(s.target, s.target_loc, "this step"); },
                     [&](const AbortStep& s) { output(*s.reason, scope, "the abort reason"); },
                     [&](const LogStep& s) { output(*s.message, scope, "log text"); },
                     [&](const NotifyStep& s) { output(*s.message, scope, "notify text"); },
                     [&](const LetStep& s) {
                        const Typed value = type_of(*s.value, scope);
                        define(scope, s.name, Variable::Kind::Let, value, step.loc);
                     },
                     [&](const IfStep& s) {
                        boolean(*s.cond, scope, "the 'if' condition");
                        // Variables set in a branch stay visible after the if,
                        // as at run time; only loop variables are scoped.
                        check_block(s.then_block, scope, context);
                        check_block(s.else_block, scope, context);
                     },
                     [&](const ForStep& s) { check_for(s, scope, context); },
                     [&](const CallStep& s) { type_of(*s.call, scope); },
                     [&](const ReturnStep& s) {
                        if (context.where != Context::Where::Function)
                           diags_.error(step.loc, "misplaced-step", "'return' outside a function");
                        if (s.value) type_of(*s.value, scope);
                     },
                     [&](const UndoAllStep&) {
                        if (context.where != Context::Where::Rollback)
                           diags_.error(step.loc, "misplaced-step", "'undo all' is only allowed in a rollback block");
                     },
                     [&](const AfterStep& s) { check_after(s, scope, context); },
                     [&](const UndoStep&) {},   // Its target is resolved once every step has its id.
                 },
                 step.node);
      check_options(step, scope, context);
   }

   void check_options(const Step& step, Scope& scope, const Context& context)
   {
      const auto& o = step.options;
      if (o.timeout_ms) positive_duration(*o.timeout_ms, step.loc, "'timeout'");
      if (o.retry_count && *o.retry_count < 1)
         diags_.error(step.loc, "bad-count", fmt::format("'retry' needs at least 1 retry, got {}", *o.retry_count));
      if (o.retry_every_ms) positive_duration(*o.retry_every_ms, step.loc, "'retry ... every'");
      if (!o.capture.empty()) {
         Typed captured;
         // An ask captures the chosen answer; every other step a map of its result.
         captured.type = std::holds_alternative<AskStep>(step.node) ? Type::String : Type::Map;
         define(scope, o.capture, Variable::Kind::Capture, captured, step.loc);
      }
      if (!o.undo.empty()) check_block(o.undo, scope, context);
      check_route(o.on_fail, scope, context, "'on fail'");
   }

   /// `default` answers yes or no and needs the `timeout` it follows; `else` is a route.
   void check_decision(const Decision& d, const Step& step, Scope& scope, const Context& context)
   {
      if (d.default_answer && *d.default_answer != "yes" && *d.default_answer != "no")
         diags_.error(d.default_loc, "bad-default",
                      fmt::format("'default {}': an approval or a checklist item is answered yes or no",
                                  *d.default_answer));
      default_needs_timeout(d, step);
      check_route(d.otherwise, scope, context, "'else'");
   }

   void default_needs_timeout(const Decision& d, const Step& step)
   {
      if (d.default_answer && !step.options.timeout_ms && !step.options.timeout_param)
         diags_.error(d.default_loc, "bad-default", "'default' needs a 'timeout': it is the answer when nobody answers in time",
                      {"write for example: timeout 30m default no"});
   }

   /// An ask's choices are distinct, non-empty texts, and its default is one of them.
   void check_choices(const AskStep& s, const Step& step)
   {
      std::set<std::string> seen;
      for (const auto& choice : s.choices) {
         if (choice.empty())
            diags_.error(s.choices_loc, "bad-choice", "a choice cannot be empty: nobody could tell it from no answer");
         else if (!seen.insert(choice).second)
            diags_.error(s.choices_loc, "duplicate-choice", fmt::format("the choice \"{}\" is offered twice", choice),
                         {"each choice must lead somewhere different; remove one"});
      }
      const auto& d = s.decision;
      if (d.default_answer && !seen.count(*d.default_answer)) {
         std::string offered;
         for (const auto& choice : s.choices) offered += (offered.empty() ? "\"" : ", \"") + choice + "\"";
         diags_.error(d.default_loc, "bad-default",
                      fmt::format("'default \"{}\"' is not one of the choices ({})", *d.default_answer, offered),
                      did_you_mean(*d.default_answer, s.choices));
      }
      default_needs_timeout(d, step);
   }

   /// `finally { }`: `failed` (bool) and `failures` (list of strings) are in scope.
   void check_finally(const Block& steps, Scope& outer, const Context& context)
   {
      if (steps.empty()) return;
      Scope scope{&outer, {}};
      Typed failed;
      failed.type = Type::Bool;
      Typed failures;
      failures.type = Type::List;
      failures.element = Type::String;
      define(scope, "failed", Variable::Kind::Let, failed, steps.front()->loc);
      define(scope, "failures", Variable::Kind::Let, failures, steps.front()->loc);
      check_block(steps, scope, context);
   }

   /// A failure route: its rollback exists, its steps check like any block.
   void check_route(const FailRoute& route, Scope& scope, const Context& context, const std::string& who)
   {
      if (route.kind == FailRoute::Kind::Rollback) rollback_target(route.rollback, route.loc, who);
      if (route.kind == FailRoute::Kind::Steps) check_block(route.steps, scope, context);
   }

   void check_watch(const WatchStep& s, Scope& scope)
   {
      const auto window = duration(*s.duration, scope, "'watch'");
      std::optional<double> every;
      if (s.every) every = duration(*s.every, scope, "'every'");
      if (window && every && *every > *window)
         diags_.error(s.every->loc, "every-longer-than-window",
                      fmt::format("'every {}' is longer than the watch window {}: the watch would end before "
                                  "its second sample",
                                  format_duration(*every), format_duration(*window)));
      if (s.conditions.empty()) diags_.error(s.duration->loc, "empty-watch", "a 'watch' needs at least one condition");
      for (const auto& condition : s.conditions) {
         check_condition(condition, scope, every.value_or(options_.default_every_ms));
         if (current_context_ != nullptr) check_route(condition.on_fail, scope, *current_context_, "'on fail'");
      }
   }

   void check_await(const AwaitStep& s, Scope& scope)
   {
      // The interpreter's defaults (exec/step_time.cpp): timeout 5m, every 5s.
      std::optional<double> timeout = 5 * 60'000.0, every = 5'000.0;
      if (s.timeout) timeout = duration(*s.timeout, scope, "'timeout'");
      if (s.every) every = duration(*s.every, scope, "'every'");
      if (s.every && timeout && every && *every > *timeout)
         diags_.error(s.every->loc, "every-longer-than-window",
                      fmt::format("'every {}' is longer than the await timeout {}: it would poll only once",
                                  format_duration(*every), format_duration(*timeout)));
      check_condition(s.condition, scope, every.value_or(5'000.0));
   }

   void check_for(const ForStep& s, Scope& scope, const Context& context)
   {
      const Typed items = type_of(*s.items, scope);
      if (items.type != Type::Any && items.type != Type::List)
         diags_.error(s.items->loc, "type-mismatch",
                      fmt::format("'for' needs a list to loop over, but {} is {}", quoted(*s.items),
                                  describe_type(items.type)));
      Scope body{&scope, {}};
      Typed element;
      element.type = items.element;
      element.secret = items.secret;
      define(body, s.variable, Variable::Kind::Loop, element, s.variable_loc);
      check_block(s.body, body, context);
      // Lets and captures inside the loop stay visible after it (run-time
      // semantics); the loop variable does not.
      for (auto& [name, variable] : body.names)
         if (name != s.variable) scope.names.emplace(name, variable);
   }

   void check_condition(const Condition& c, Scope& scope, double every_ms)
   {
      if (c.expr) boolean(*c.expr, scope, "a condition");
      if (c.for_ms && positive_duration(*c.for_ms, c.loc, "'for'") && *c.for_ms < every_ms)
         diags_.error(c.loc, "window-shorter-than-interval",
                      fmt::format("'for {}' is shorter than one sample interval ({}): the window can never "
                                  "hold on two samples",
                                  format_duration(*c.for_ms), format_duration(every_ms)),
                      {"make the window longer or sample more often with 'every'"});
      if (c.after_failures && *c.after_failures < 1)
         diags_.error(c.loc, "bad-count", "'after' needs at least 1 failure");
      if (c.lost_after_errors && *c.lost_after_errors < 1)
         diags_.error(c.loc, "bad-count", "'lost after' needs at least 1 error");
      if (c.on_lost == OnLost::Rollback)
         rollback_target(c.on_lost_rollback, c.on_lost_loc.valid() ? c.on_lost_loc : c.loc, "'on lost'");
   }

   void expectations(const std::vector<Expectation>& expects, Scope& scope)
   {
      for (const auto& e : expects) {
         if (!e.value) continue;
         const Typed value = type_of(*e.value, scope);
         // `expect status [200, 503]`: any of the codes (a health report read whatever it says).
         const bool status_list = e.kind == Expectation::Kind::Status && value.type == Type::List &&
                                  (value.element == Type::Number || value.element == Type::Any);
         if (e.kind != Expectation::Kind::Json && value.type != Type::Any && value.type != Type::Number && !status_list)
            diags_.error(e.value->loc, "type-mismatch",
                         fmt::format("'expect {}' needs a number{}, but {} is {}",
                                     e.kind == Expectation::Kind::Status ? "status" : "exit",
                                     e.kind == Expectation::Kind::Status ? " or a list of numbers" : "",
                                     quoted(*e.value), describe_type(value.type)));
      }
   }

   // ------------------------------------------------------------ shared checks

   void rollback_target(const std::string& name, const Location& loc, const std::string& who)
   {
      if (current_trigger_) rollbacks_of_triggers_[name].push_back(current_trigger_);
      else used_rollbacks_.insert(name);
      if (!names_.rollbacks.count(name))
         diags_.error(loc, "undefined-rollback",
                      fmt::format("{} leads to rollback '{}', which is not defined", who, name),
                      did_you_mean(name, names_.rollback_names()));
   }

   /// Text that reaches an operator or a log: it must not carry a secret.
   void output(const Expr& expr, Scope& scope, const std::string& what)
   {
      const Typed typed = type_of(expr, scope);
      if (!typed.secret.empty()) secret_leak(expr.loc, typed.secret, what);
   }

   void secret_leak(const Location& loc, const std::string& secret, const std::string& what)
   {
      diags_.error(loc, "secret-in-output", fmt::format("secret '{}' would be written into {}", secret, what),
                   {"secrets may go into sh commands and HTTP requests, never into text an operator or a log "
                    "sees"});
   }

   bool positive_duration(double ms, const Location& loc, const std::string& what)
   {
      if (ms > 0) return true;
      diags_.error(loc, "non-positive-duration",
                   fmt::format("{} needs a positive duration, got {}", what, format_duration(ms)));
      return false;
   }

   /// Checks that `expr` is a duration; returns its value when it is known statically.
   std::optional<double> duration(const Expr& expr, Scope& scope, const std::string& what)
   {
      const Typed typed = type_of(expr, scope);
      if (typed.type != Type::Any && typed.type != Type::Duration) {
         diags_.error(expr.loc, "type-mismatch",
                      fmt::format("{} needs a duration such as 30s or 5m, but {} is {}", what, quoted(expr),
                                  describe_type(typed.type)));
         return std::nullopt;
      }
      const StaticValue value = evaluate_static(expr, static_params_);
      if (!value.is_duration()) return std::nullopt;
      if (!positive_duration(value.number, expr.loc, what)) return std::nullopt;
      return value.number;
   }

   void boolean(const Expr& expr, Scope& scope, const std::string& what,
                const std::string& note = "compare it with something, e.g. 'error_rate < 1%'")
   {
      const Typed typed = type_of(expr, scope);
      if (typed.type != Type::Any && typed.type != Type::Bool)
         diags_.error(expr.loc, "type-mismatch",
                      fmt::format("{} must be true or false, but {} is {}", what, quoted(expr),
                                  describe_type(typed.type)),
                      {note});
   }

   void define(Scope& scope, const std::string& name, Variable::Kind kind, const Typed& typed, const Location& loc)
   {
      Variable* existing = scope.find(name);
      if (existing && in_function() && is_global(*existing)) existing = nullptr;   // shadowing, as for parameters
      if (existing) {
         // Re-assigning a variable or a capture is how a runbook counts and
         // retries; shadowing a declaration or a loop variable is a mistake.
         const bool reassign = (existing->kind == Variable::Kind::Let || existing->kind == Variable::Kind::Capture) &&
                               (kind == Variable::Kind::Let || kind == Variable::Kind::Capture);
         if (!reassign) {
            diags_.error(loc, "duplicate-name",
                         fmt::format("{} '{}' has the name of {}", describe(kind).substr(2), name,
                                     describe(existing->kind)),
                         {fmt::format("'{}' is declared at {}", name, position_text(existing->loc))});
            return;
         }
         existing->typed = typed;
         return;
      }
      scope.names[name] = Variable{kind, typed, loc};
   }

   bool in_function() const { return current_context_ && current_context_->where == Context::Where::Function; }

   static bool is_global(const Variable& v)
   {
      return v.kind == Variable::Kind::Param || v.kind == Variable::Kind::Secret || v.kind == Variable::Kind::Metric;
   }

   // ------------------------------------------------------------ calls

   /// Resolves the callee; returns the function (null for builtins or errors).
   const Function* resolve_call(const Call& call, const Expr& expr, std::size_t arg_count, bool report,
                                std::string& display, std::string& module)
   {
      if (const auto* name = std::get_if<NameRef>(&call.callee->node)) {
         display = name->name;
         if (name->name == "env") {
            if (report)
               diags_.error(expr.loc, "env-outside-secret", "env() is only allowed as the value of a secret",
                            {"declare it once: secret NAME = env(\"VAR\"), then use NAME"});
            return nullptr;
         }
         const File* file = current_file();
         const std::map<std::string, const Function*>* pool = nullptr;
         std::map<std::string, const Function*> own;
         if (file == program_.root.get()) {
            pool = &names_.root_functions;
         } else if (file) {
            for (const auto& f : file->functions) own[f.name] = &f;
            pool = &own;
         }
         if (pool) {
            const auto it = pool->find(name->name);
            if (it != pool->end()) {
               module = current_context_ ? current_context_->module : "";
               return it->second;
            }
         }
         // Built-ins come after the file's own functions, as in the interpreter.
         if (const Builtin* builtin = find_builtin(name->name)) {
            if (report && (arg_count < builtin->min_args || arg_count > builtin->max_args))
               arity_error(expr, display, builtin->min_args, builtin->max_args, arg_count, "");
            return nullptr;
         }
         if (report) {
            std::vector<std::string> candidates;
            if (pool)
               for (const auto& entry : *pool) candidates.push_back(entry.first);
            for (const auto& builtin : builtins()) candidates.emplace_back(builtin.name);
            diags_.error(call.callee->loc, "undefined-name", fmt::format("undefined function '{}'", name->name),
                         did_you_mean(name->name, candidates));
         }
         return nullptr;
      }
      if (const auto* member = std::get_if<Member>(&call.callee->node)) {
         const auto* object = std::get_if<NameRef>(&member->object->node);
         if (!object) {
            if (report) diags_.error(call.callee->loc, "not-callable", fmt::format("{} is not a function", quoted(*call.callee)));
            return nullptr;
         }
         display = object->name + "." + member->member;
         const auto module_it = program_.modules.find(object->name);
         if (module_it == program_.modules.end() || !module_it->second) {
            if (report) {
               std::vector<std::string> modules;
               for (const auto& entry : program_.modules) modules.push_back(entry.first);
               auto notes = did_you_mean(object->name, modules);
               if (notes.empty()) notes.push_back(fmt::format("add 'use \"std/{}\"' or check the module's name", object->name));
               diags_.error(member->object->loc, "undefined-module",
                            fmt::format("undefined module '{}' in call to {}()", object->name, display), notes);
            }
            return nullptr;
         }
         for (const auto& f : module_it->second->functions)
            if (f.name == member->member) {
               module = object->name;
               return &f;
            }
         if (report) {
            std::vector<std::string> functions;
            for (const auto& f : module_it->second->functions) functions.push_back(f.name);
            diags_.error(call.callee->loc, "undefined-name",
                         fmt::format("module '{}' has no function '{}'", object->name, member->member),
                         did_you_mean(member->member, functions));
         }
         return nullptr;
      }
      if (report) diags_.error(call.callee->loc, "not-callable", fmt::format("{} is not a function", quoted(*call.callee)));
      return nullptr;
   }

   void arity_error(const Expr& expr, const std::string& display, std::size_t min, std::size_t max,
                    std::size_t given, const std::string& parameters)
   {
      const std::string expected = min == max ? fmt::format("{} argument{}", min, min == 1 ? "" : "s")
                                              : fmt::format("{} to {} arguments", min, max);
      std::vector<std::string> notes;
      if (!parameters.empty()) notes.push_back(fmt::format("{}({})", display, parameters));
      diags_.error(expr.loc, "wrong-arity",
                   fmt::format("{}() takes {} but {} {} given", display, expected, given, given == 1 ? "was" : "were"),
                   notes);
   }

   const File* current_file() const { return current_context_ ? current_context_->file : program_.root.get(); }

   Typed type_call(const Expr& expr, const Call& call, Scope& scope, bool report)
   {
      std::vector<Typed> args;
      for (const auto& arg : call.args) args.push_back(type_of(*arg, scope, report));
      std::string display, module;
      const Function* function = resolve_call(call, expr, call.args.size(), report, display, module);
      Typed result;
      if (const auto* name = std::get_if<NameRef>(&call.callee->node))
         if (const Builtin* builtin = find_builtin(name->name); builtin && !function) {
            result.type = builtin->result;
            if (builtin->name == "range") result.element = Type::Number;
            if (report) check_builtin_arguments(*builtin, call, args);
         }
      for (const auto& arg : args)
         if (!arg.secret.empty() && result.secret.empty() && !function) result.secret = arg.secret;
      if (!function) return result;
      if (report && function->params.size() != call.args.size()) {
         std::string parameters;
         for (const auto& [p, loc] : function->params) parameters += (parameters.empty() ? "" : ", ") + p;
         arity_error(expr, display, function->params.size(), function->params.size(), call.args.size(), parameters);
      }
      if (report) follow_secrets_into(*function, module, args, expr, display);
      return result;
   }

   /// A builtin's arguments have the types its table entry says; range()'s
   /// bounds, when known before the run, make a list of a sensible length.
   void check_builtin_arguments(const Builtin& builtin, const Call& call, const std::vector<Typed>& args)
   {
      for (std::size_t i = 0; i < args.size() && i < builtin.arg_types.size(); ++i) {
         const Type wanted = builtin.arg_types[i];
         if (wanted == Type::Any || args[i].type == Type::Any || args[i].type == wanted) continue;
         // No builtin takes more than two arguments.
         const std::string which = builtin.arg_types.size() == 1 ? "its argument"
                                   : i == 0                      ? "its first argument"
                                                                 : "its second argument";
         diags_.error(call.args[i]->loc, "type-mismatch",
                      fmt::format("{}() needs {} as {}, but {} is {}", builtin.name, describe_type(wanted), which,
                                  quoted(*call.args[i]), describe_type(args[i].type)),
                      builtin_argument_notes(builtin));
      }
      if (builtin.name != "range" || call.args.size() != 2) return;
      // Inside a function a name may be a parameter shadowing a runbook param:
      // only literals are known there.
      const StaticScope nothing_known;
      const StaticScope& known = in_function() ? nothing_known : static_params_;
      const StaticValue first = evaluate_static(*call.args[0], known);
      const StaticValue last = evaluate_static(*call.args[1], known);
      const auto whole = [](const StaticValue& v) { return v.known() && v.kind == StaticValue::Kind::Number && v.unit == Unit::None; };
      if (!whole(first) || !whole(last)) return;
      if (const auto problem = range_problem(first.number, last.number))
         diags_.error(call.callee->loc, "bad-range", *problem,
                      {fmt::format("range(a, b) lists the whole numbers a to b, both included, at most {} of them",
                                   max_range_length)});
   }

   static std::vector<std::string> builtin_argument_notes(const Builtin& builtin)
   {
      if (builtin.name == "timestamp" || builtin.name == "since")
         return {fmt::format("{}() takes a time in seconds since the epoch, as now() gives: `let started = now()`, "
                             "then `{}(started)`",
                             builtin.name, builtin.name)};
      if (builtin.name == "range") return {"range(a, b) counts in plain whole numbers: range(1, 10)"};
      return {};
   }

   /// A secret passed to a function must not reach the function's output
   /// steps either: walk the body again with those parameters marked secret
   /// and report any leak at the call.
   void follow_secrets_into(const Function& function, const std::string& module, const std::vector<Typed>& args,
                            const Expr& call_expr, const std::string& display)
   {
      std::set<std::string> tainted;
      std::string secret;
      for (std::size_t i = 0; i < args.size() && i < function.params.size(); ++i)
         if (!args[i].secret.empty()) {
            tainted.insert(function.params[i].first);
            if (secret.empty()) secret = args[i].secret;
         }
      if (tainted.empty()) return;
      const std::string key = fmt::format("{}|{}", static_cast<const void*>(&function), fmt::join(tainted, ","));
      if (!following_.insert(key).second) return;   // already followed (or recursion)
      Diagnostics scratch;
      Diagnostics& saved = diags_;
      const Context* saved_context = current_context_;
      const File* file = module.empty() ? program_.root.get() : program_.modules.at(module).get();
      Context context{Context::Where::Function, file, module};
      current_context_ = &context;
      {
         Checker inner(program_, scratch, options_);
         inner.names_ = names_;
         inner.globals_ = globals_;
         inner.static_params_ = static_params_;
         inner.following_ = following_;
         inner.current_context_ = &context;
         inner.check_function(function, context, tainted);
         following_.insert(inner.following_.begin(), inner.following_.end());
      }
      current_context_ = saved_context;
      for (const auto& d : scratch.all()) {
         if (d.code != "secret-in-output") continue;
         // Inside the function the secret goes by its parameter's name.
         std::string where = d.message;
         if (where.rfind("secret '", 0) == 0) where = "parameter '" + where.substr(8);
         saved.error(call_expr.loc, "secret-in-output",
                     fmt::format("secret '{}' passed to {}() would be written into output", secret, display),
                     {fmt::format("{} at {}", where, position_text(d.loc))});
      }
   }

   // ------------------------------------------------------------ expression types

   Typed type_of(const Expr& expr, Scope& scope, bool report = true)
   {
      return std::visit(
          overloaded{
              [&](const StringLit& s) {
                 Typed t;
                 t.type = Type::String;
                 for (const auto& part : s.parts)
                    if (part.expr) {
                       const Typed inner = type_of(*part.expr, scope, report);
                       if (t.secret.empty()) t.secret = inner.secret;
                    }
                 return t;
              },
              [&](const NumberLit& n) {
                 Typed t;
                 t.type = type_of_unit(n.unit);
                 return t;
              },
              [&](const BoolLit&) { return Typed{Type::Bool, Type::Any, ""}; },
              [&](const ListLit& l) {
                 Typed t;
                 t.type = Type::List;
                 bool first = true;
                 for (const auto& item : l.items) {
                    const Typed inner = type_of(*item, scope, report);
                    if (t.secret.empty()) t.secret = inner.secret;
                    if (first) t.element = inner.type;
                    else if (t.element != inner.type) t.element = Type::Any;
                    first = false;
                 }
                 return t;
              },
              [&](const MapLit& m) {
                 Typed t;
                 t.type = Type::Map;
                 for (const auto& entry : m.entries) {
                    const Typed inner = type_of(*entry.second, scope, report);
                    if (t.secret.empty()) t.secret = inner.secret;
                 }
                 return t;
              },
              [&](const NameRef& n) {
                 if (Variable* v = scope.find(n.name)) return v->typed;
                 if (Variable* v = globals_.find(n.name)) return v->typed;
                 if (report && current_trigger_ && run_scope_.find(n.name)) {
                    report_unbound_in_trigger(n.name, expr.loc);
                    return Typed{};
                 }
                 if (report) {
                    std::vector<std::string> candidates = scope.visible();
                    for (const auto& name : globals_.visible()) candidates.push_back(name);
                    diags_.error(expr.loc, "undefined-name", fmt::format("undefined name '{}'", n.name),
                                 did_you_mean(n.name, candidates));
                 }
                 return Typed{};
              },
              [&](const Member& m) {
                 const Typed object = type_of(*m.object, scope, report);
                 Typed t;
                 t.secret = object.secret;
                 return t;
              },
              [&](const Index& i) {
                 const Typed object = type_of(*i.object, scope, report);
                 type_of(*i.index, scope, report);
                 Typed t;
                 if (object.type == Type::List) t.type = object.element;
                 t.secret = object.secret;
                 return t;
              },
              [&](const Call& c) { return type_call(expr, c, scope, report); },
              [&](const Unary& u) {
                 Typed operand = type_of(*u.operand, scope, report);
                 if (u.op == "not") {
                    if (report && operand.type != Type::Any && operand.type != Type::Bool)
                       diags_.error(expr.loc, "type-mismatch",
                                    fmt::format("'not' needs true or false, but {} is {}", quoted(*u.operand),
                                                describe_type(operand.type)));
                    operand.type = Type::Bool;
                 } else if (report && !is_numeric(operand.type)) {
                    diags_.error(expr.loc, "type-mismatch",
                                 fmt::format("'-' needs a number, but {} is {}", quoted(*u.operand),
                                             describe_type(operand.type)));
                 }
                 return operand;
              },
              [&](const Binary& b) { return type_binary(expr, b, scope, report); },
              [&](const Ternary& t) {
                 if (report) boolean(*t.cond, scope, "the condition of '?'");
                 const Typed a = type_of(*t.then_expr, scope, report);
                 const Typed b = type_of(*t.else_expr, scope, report);
                 Typed result;
                 result.type = a.type == b.type ? a.type : Type::Any;
                 result.secret = !a.secret.empty() ? a.secret : b.secret;
                 if (report && is_quantity(a.type) && is_quantity(b.type) && a.type != b.type)
                    unit_mismatch(expr, *t.then_expr, a.type, *t.else_expr, b.type);
                 return result;
              },
              [&](const HttpProbe& p) {
                 type_of(*p.url, scope, report);
                 for (const auto& header : p.headers) type_of(*header.second, scope, report);
                 return Typed{};
              },
              [&](const EnvRef&) {
                 if (report)
                    diags_.error(expr.loc, "env-outside-secret", "env() is only allowed as the value of a secret",
                                 {"declare it once: secret NAME = env(\"VAR\"), then use NAME"});
                 return Typed{};
              },
          },
          expr.node);
   }

   void unit_mismatch(const Expr& whole, const Expr& a, Type a_type, const Expr& b, Type b_type)
   {
      diags_.error(whole.loc, "unit-mismatch",
                   fmt::format("unit mismatch in {}: {} is {} but {} is {}", quoted(whole), quoted(a),
                               describe_type(a_type), quoted(b), describe_type(b_type)),
                   {fmt::format("write the other side as {} too", describe_type(a_type))});
   }

   void type_mismatch(const Expr& whole, const std::string& what, const Expr& a, Type a_type, const Expr& b,
                      Type b_type)
   {
      if (a_type == b_type) {
         // "95%" read as a factor is the usual slip: `baseline * 95%`.
         std::vector<std::string> hints;
         if (what == "multiply" && is_quantity(a_type))
            hints.push_back(fmt::format("scale {} by a plain number: {} * 0.95", quoted(a), expr_source(a)));
         diags_.error(whole.loc, "type-mismatch",
                      fmt::format("cannot {} {} {} {}: {} and {} are both {}", what, describe_type(a_type),
                                  what == "compare" ? "with" : "by", describe_type(b_type), quoted(a), quoted(b), plural_type(a_type)),
                      hints);
         return;
      }
      diags_.error(whole.loc, "type-mismatch",
                   fmt::format("cannot {} {} and {}: {} is {} but {} is {}", what, describe_type(a_type),
                               describe_type(b_type), quoted(a), describe_type(a_type), quoted(b),
                               describe_type(b_type)));
   }

   /// "a percent" -> "percents", for "both are percents".
   static std::string plural_type(Type type)
   {
      std::string word = describe_type(type);
      if (word.rfind("a ", 0) == 0) word = word.substr(2);
      else if (word.rfind("an ", 0) == 0) word = word.substr(3);
      return word + "s";
   }

   Typed type_binary(const Expr& expr, const Binary& b, Scope& scope, bool report)
   {
      const Typed lhs = type_of(*b.lhs, scope, report);
      const Typed rhs = type_of(*b.rhs, scope, report);
      Typed result;
      result.secret = !lhs.secret.empty() ? lhs.secret : rhs.secret;
      const bool known = lhs.type != Type::Any && rhs.type != Type::Any;

      if (b.op == "and" || b.op == "or") {
         result.type = Type::Bool;
         for (const auto* side : {&lhs, &rhs}) {
            const Expr& operand = side == &lhs ? *b.lhs : *b.rhs;
            if (report && side->type != Type::Any && side->type != Type::Bool)
               diags_.error(operand.loc, "type-mismatch",
                            fmt::format("'{}' needs true or false on both sides, but {} is {}", b.op,
                                        quoted(operand), describe_type(side->type)));
         }
         return result;
      }
      if (is_comparison(b.op)) {
         result.type = Type::Bool;
         if (!report || !known) return result;
         if (is_quantity(lhs.type) && is_quantity(rhs.type) && lhs.type != rhs.type) {
            unit_mismatch(expr, *b.lhs, lhs.type, *b.rhs, rhs.type);
         } else if (bare_number(expr, *b.lhs, lhs, *b.rhs, rhs)) {
            // Reported.
         } else if (is_numeric(lhs.type) != is_numeric(rhs.type)) {
            type_mismatch(expr, "compare", *b.lhs, lhs.type, *b.rhs, rhs.type);
         } else if (b.op != "==" && b.op != "!=" && !is_numeric(lhs.type) &&
                    !(lhs.type == Type::String && rhs.type == Type::String)) {
            diags_.error(expr.loc, "type-mismatch",
                         fmt::format("'{}' needs numbers or quantities, but {} is {}", b.op, quoted(*b.lhs),
                                     describe_type(lhs.type)));
         }
         return result;
      }
      // Arithmetic.
      if (b.op == "+" && (lhs.type == Type::String || rhs.type == Type::String)) {
         result.type = Type::String;
         if (report && known && lhs.type != rhs.type)
            diags_.error(expr.loc, "type-mismatch",
                         fmt::format("'+' joins two strings, but {} is {} and {} is {}", quoted(*b.lhs),
                                     describe_type(lhs.type), quoted(*b.rhs), describe_type(rhs.type)),
                         {"use interpolation instead: \"text ${value}\""});
         return result;
      }
      if (!is_numeric(lhs.type) || !is_numeric(rhs.type)) {
         if (report) {
            const bool left_bad = !is_numeric(lhs.type);
            diags_.error(expr.loc, "type-mismatch",
                         fmt::format("'{}' needs numbers or quantities, but {} is {}", b.op,
                                     quoted(left_bad ? *b.lhs : *b.rhs),
                                     describe_type(left_bad ? lhs.type : rhs.type)));
         }
         return result;
      }
      if (lhs.type == Type::Any || rhs.type == Type::Any) {
         // One side unknown: the other side's unit is the best guess for + and -.
         if (b.op == "+" || b.op == "-") result.type = lhs.type == Type::Any ? rhs.type : lhs.type;
         if (result.type == Type::Number) result.type = Type::Any;
         return result;
      }
      if (b.op == "+" || b.op == "-") {
         if (is_quantity(lhs.type) && is_quantity(rhs.type) && lhs.type != rhs.type) {
            if (report) unit_mismatch(expr, *b.lhs, lhs.type, *b.rhs, rhs.type);
            return result;
         }
         if (report && bare_number(expr, *b.lhs, lhs, *b.rhs, rhs)) return result;
         result.type = is_quantity(lhs.type) ? lhs.type : rhs.type;
         return result;
      }
      if (b.op == "*") {
         if (is_quantity(lhs.type) && is_quantity(rhs.type)) {
            if (report) type_mismatch(expr, "multiply", *b.lhs, lhs.type, *b.rhs, rhs.type);
            return result;
         }
         result.type = is_quantity(lhs.type) ? lhs.type : rhs.type;
         return result;
      }
      // Division.
      if (is_quantity(lhs.type) && is_quantity(rhs.type) && lhs.type != rhs.type) {
         if (report) unit_mismatch(expr, *b.lhs, lhs.type, *b.rhs, rhs.type);
         return result;
      }
      if (!is_quantity(lhs.type) && is_quantity(rhs.type)) {
         if (report) type_mismatch(expr, "divide", *b.lhs, lhs.type, *b.rhs, rhs.type);
         return result;
      }
      // Two quantities of one unit: a ratio, which is a percent (exec/value.cpp).
      result.type = lhs.type == rhs.type ? (is_quantity(lhs.type) ? Type::Percent : Type::Number) : lhs.type;
      return result;
   }

   /// A bare number met a quantity in `whole` (`error_rate > 0.02` on a
   /// percent metric): the reader cannot tell which unit the writer meant, so
   /// it is an error with the likely literals as suggestions. Fine: a bare 0
   /// (zero in any unit) and numbers against numbers (count and number
   /// metrics). A ratio of two quantities of one unit is a percent, not a
   /// bare number. Returns true when it reported.
   bool bare_number(const Expr& whole, const Expr& a, const Typed& a_type, const Expr& b, const Typed& b_type)
   {
      const bool a_bare = a_type.type == Type::Number, b_bare = b_type.type == Type::Number;
      if (a_bare == b_bare) return false;
      const Expr& number = a_bare ? a : b;
      const Type quantity = a_bare ? b_type.type : a_type.type;
      if (!is_quantity(quantity)) return false;
      const std::optional<double> literal = bare_literal(number);
      if (literal && *literal == 0) return false;
      std::vector<std::string> notes;
      if (literal) {
         notes.push_back("did you mean " + unit_suggestions(*literal, quantity) + "?");
      } else {
         notes.push_back(fmt::format("give {} its unit (a param: 'param NAME: {} = ...')", quoted(number),
                                     type_name(quantity)));
      }
      diags_.error(whole.loc, "bare-number",
                   fmt::format("{} mixes {} with a bare number {}: which unit is meant?", quoted(whole),
                               describe_type(quantity), quoted(number)),
                   notes);
      return true;
   }

   // ------------------------------------------------------------ timers, signals, deadlines, P2 decisions

   void check_after(const AfterStep& s, Scope& scope, const Context& context)
   {
      duration(*s.delay, scope, "'after'");
      if (!s.signal.empty() && !names_.signals.count(s.signal))
         diags_.error(s.signal_loc, "undefined-signal", fmt::format("undefined signal '{}' after 'unless'", s.signal),
                      with_note(did_you_mean(s.signal, names_.signal_names()),
                                fmt::format("declare it at the top level: signal {} \"what it means\"", s.signal)));
      check_block(s.body, scope, context);
   }

   static std::vector<std::string> with_note(std::vector<std::string> notes, std::string note)
   {
      if (notes.empty()) notes.push_back(std::move(note));
      return notes;
   }

   void check_decide(const Trigger& trigger)
   {
      if (trigger.decide_default.empty()) return;
      if (trigger.decide_ms) positive_duration(*trigger.decide_ms, trigger.loc, "'decide within'");
      if (trigger.is_warning || trigger.severity != ast::Severity::P2)
         diags_.error(trigger.loc, "decide-not-p2",
                      fmt::format("'decide within' belongs to a P2 trigger, but '{}' is {}", trigger.name,
                                  trigger.is_warning ? "a warning" : fmt::format("P{}", static_cast<int>(trigger.severity))),
                      {"only P2 asks the operator; P0 acts at once and P1 waits out its grace period"});
   }

   void check_rollback_deadline(const RollbackBlock& rollback, Scope& scope)
   {
      if (rollback.within_ms) positive_duration(*rollback.within_ms, rollback.loc, "the rollback's 'within'");
      if (!rollback.overrun_action) return;
      if (rollback.overrun_action->kind == TriggerAction::Kind::Rollback)
         diags_.error(rollback.overrun_action->loc, "overrun-rollback",
                      fmt::format("rollback '{}' cannot start another rollback when it runs over its deadline",
                                  rollback.name),
                      {"notify or call a function (escalate) instead: -> notify.escalate(\"...\")"});
      else
         check_action(*rollback.overrun_action, scope, "the rollback's deadline");
   }

   // ------------------------------------------------------------ reachability

   static bool contains_watch(const Block& block)
   {
      for (const auto& step : block) {
         if (std::holds_alternative<WatchStep>(step->node)) return true;
         if (const auto* s = std::get_if<IfStep>(&step->node))
            if (contains_watch(s->then_block) || contains_watch(s->else_block)) return true;
         if (const auto* s = std::get_if<ForStep>(&step->node))
            if (contains_watch(s->body)) return true;
      }
      return false;
   }

   bool is_armed(const Trigger& trigger) const { return armed_all_ || armed_.count(trigger.name) > 0; }

   void check_reachability()
   {
      for (const auto& [name, block] : names_.rollbacks) {
         if (used_rollbacks_.count(name)) continue;
         std::vector<std::string> notes;
         bool reached = false;
         for (const Trigger* trigger : rollbacks_of_triggers_[name]) {
            if (is_armed(*trigger)) reached = true;
            else notes.push_back(fmt::format("trigger '{}' leads to it, but no phase arms that trigger", trigger->name));
         }
         if (reached) continue;
         notes.push_back("an operator can still start it by hand; otherwise remove it or point a trigger at it");
         diags_.warning(block->loc, "unreachable-rollback",
                        fmt::format("rollback block '{}' is never used: no armed trigger, step or 'on lost' leads to it",
                                    name),
                        notes);
      }
      // A module may offer triggers for runbooks to arm; the runbook's own
      // triggers are there to be armed.
      for (const auto& trigger : program_.root->triggers)
         if (!is_armed(trigger) && names_.triggers.count(trigger.name) && names_.triggers.at(trigger.name) == &trigger)
            diags_.warning(trigger.loc, "unarmed-trigger",
                           fmt::format("{} '{}' is never armed: no phase lists it in 'arms'",
                                       trigger.is_warning ? "warning" : "trigger", trigger.name),
                           {"add it to a phase's 'arms' list, or use 'arms all'"});
   }

   Program& program_;
   Diagnostics& diags_;
   const CheckOptions& options_;
   GlobalNames names_;
   Scope globals_;
   Scope run_scope_{&globals_, {}};
   StaticScope static_params_;
   std::set<std::string> used_rollbacks_;     ///< Led to by steps and conditions of steps.
   std::map<std::string, std::vector<const Trigger*>> rollbacks_of_triggers_;
   std::set<std::string> armed_;
   bool armed_all_ = false;
   const Trigger* current_trigger_ = nullptr;
   /// Run variables set on every path through the phases checked so far.
   std::map<std::string, Variable> always_bound_;
   /// Each phase with the run variables surely set when it starts.
   struct PhaseStart {
      const Phase* phase;
      std::map<std::string, Variable> bound;
   };
   std::vector<PhaseStart> phases_seen_;
   std::set<std::string> following_;
   const Context* current_context_ = nullptr;
};

}  // namespace

void check_program(Program& program, Diagnostics& diags, const CheckOptions& options)
{
   Checker(program, diags, options).run();
   diags.sort();
}

}  // namespace runbook
