// The armed triggers, beside every step (the supervisor calls
// sample_triggers): each sampled on its schedule and judged by its tracker,
// and acted on by severity when it breaches: P0 acts at once, P1 after a
// grace period unless it clears, P2 asks the operator within a deadline, P3
// is recorded. Monitoring lost goes where the condition's `on lost` says.
// A trigger's function call is queued and run between two steps.
#include <algorithm>

#include <fmt/core.h>

#include "exec/interpreter_impl.hpp"
#include "syntax/severity.hpp"

namespace runbook {

namespace {

constexpr double default_grace_ms = 15 * 60 * 1000;
constexpr double default_decide_ms = 60 * 60 * 1000;

}  // namespace

void Interpreter::Impl::arm_triggers(const ast::Phase& phase)
{
   if (!program_.root) {
      triggers_.disarm();
      return;
   }
   triggers_.arm(program_.root->triggers, phase, world_.clock().now(), [this](const ast::Trigger& trigger) {
      return rules_for(trigger.condition, lost_default(trigger.condition));
   });
}

Stop Interpreter::Impl::sample_triggers()
{
   if (triggers_.empty() || in_rollback_) return {};
   const TimeMs now = world_.clock().now();
   for (std::size_t i = 0; i < triggers_.size(); ++i)
      if (Stop stop = sample_trigger(triggers_[i], now)) return stop;
   return {};
}

Stop Interpreter::Impl::sample_trigger(ArmedTrigger& armed, TimeMs now)
{
   const ast::Trigger& trigger = *armed.trigger;
   if (Stop stop = expire_grace(armed, now)) return stop;
   if (now < armed.next_due) return {};
   // Keep to the schedule; after a long blocking sample, skip missed slots.
   armed.next_due += armed.every_ms;
   if (armed.next_due <= now) armed.next_due = now + armed.every_ms;

   in_round_ = true;
   round_samples_.clear();
   const ConditionSample cs = evaluate_condition(trigger.condition, main_frame_);
   in_round_ = false;
   // A sample abandoned by Ctrl-C says nothing about the metric: not "monitoring lost".
   if (interrupted()) return Stop{Stop::Kind::Interrupted, "", "interrupted (Ctrl-C)", ""};
   const Assessment a = armed.tracker.observe(cs.ok ? reading_for_trigger(cs.value) : Reading::Error, now);
   // Holding as before, nothing to clear: nobody is told, nothing journaled.
   if (is_quiet(a) && !armed.fired && !armed.lost_reported && !observer_.wants_quiet_samples()) return {};
   const std::string seen = cs.ok ? describe_observations(cs.observations) : cs.error;
   const json data = report_trigger_sample(armed, cs, a, seen, now);
   switch (a.verdict) {
   case Verdict::Breached: return trigger_breached(armed, a, seen, now);
   case Verdict::Holding: trigger_holding(armed, seen, data); return {};
   case Verdict::MonitoringLost: return trigger_monitoring_lost(armed, cs.error, data);
   case Verdict::Pending:
   case Verdict::Unknown: break;
   }
   return {};
}

Stop Interpreter::Impl::expire_grace(ArmedTrigger& armed, TimeMs now)
{
   if (!armed.grace_until || now < *armed.grace_until) return {};
   // A P1 that did not clear in time acts as it would have at once.
   const ast::Trigger& trigger = *armed.trigger;
   armed.grace_until.reset();
   const std::string what = fmt::format("{} {} \"{}\" did not clear within its grace period", severity_name(trigger.severity),
                                        trigger.name, trigger.title.empty() ? trigger.name : trigger.title);
   record("trigger", current_step_, {{"trigger", trigger.name}, {"event", "grace_expired"}});
   return trigger_action(armed, what);
}

json Interpreter::Impl::report_trigger_sample(const ArmedTrigger& armed, const ConditionSample& cs,
                                              const Assessment& a, const std::string& seen, TimeMs now)
{
   const ast::Trigger& trigger = *armed.trigger;
   json data{{"trigger", trigger.name},
             {"condition", describe(*trigger.condition.expr)},
             {"verdict", verdict_name(a.verdict)},
             {"seen", seen},
             {"values", observations_json(cs.observations)},   // "seen" is for people; these are whole.
             {"at", now}};
   json shown = data;
   shown["role"] = "trigger";
   shown.update(condition_progress(trigger.condition, a, main_frame_));
   shown["severity"] = trigger.is_warning ? "warning" : severity_name(trigger.severity);
   if (armed.grace_until) shown["grace_until"] = *armed.grace_until;
   emit(RunEvent::Kind::Sample, current_step_,
        fmt::format("trigger {}: {} ({})", trigger.name, verdict_name(a.verdict), seen), shown);
   if (a.changed || a.verdict == Verdict::Breached || a.verdict == Verdict::MonitoringLost)
      record("sample", current_step_, data);
   return data;
}

Stop Interpreter::Impl::trigger_breached(ArmedTrigger& armed, const Assessment& a, const std::string& seen, TimeMs now)
{
   const ast::Trigger& trigger = *armed.trigger;
   if (armed.fired && now >= armed.ask_again_at) armed.fired = false;   // P2: still breached, asked again.
   if (armed.fired) return {};
   armed.fired = true;
   const std::string what = fmt::format(
      "{} {} \"{}\": `{}` ({}{})", trigger.is_warning ? "warning" : severity_name(trigger.severity),
      trigger.name, trigger.title.empty() ? trigger.name : trigger.title, describe(*trigger.condition.expr),
      seen, a.explanation.empty() ? "" : "; " + a.explanation);
   return fire(armed, what);
}

void Interpreter::Impl::trigger_holding(ArmedTrigger& armed, const std::string& seen, const json& data)
{
   if (!armed.fired && !armed.lost_reported) return;
   // It fired (or lost its monitoring) before: now it has cleared.
   const ast::Trigger& trigger = *armed.trigger;
   const bool in_grace = armed.grace_until.has_value();
   armed.fired = false;
   armed.lost_reported = false;
   armed.grace_until.reset();
   const std::string text = fmt::format("trigger {} cleared{} ({})", trigger.name,
                                        in_grace ? " within its grace period: no rollback" : "", seen);
   emit(RunEvent::Kind::TriggerCleared, current_step_, text, data);
   record("trigger", current_step_, {{"trigger", trigger.name}, {"event", "cleared"}, {"seen", seen}});
}

Stop Interpreter::Impl::trigger_monitoring_lost(ArmedTrigger& armed, const std::string& error, const json& data)
{
   if (armed.lost_reported) return {};
   const ast::Trigger& trigger = *armed.trigger;
   armed.lost_reported = true;
   const std::string what = fmt::format("monitoring lost for trigger {}: {}", trigger.name, error);
   record("trigger", current_step_, {{"trigger", trigger.name}, {"event", "monitoring_lost"}, {"error", error}});
   emit(RunEvent::Kind::TriggerFired, current_step_, what, data);
   switch (trigger.condition.on_lost) {
   case ast::OnLost::Fail: return Stop{Stop::Kind::Fail, "", what, ""};
   case ast::OnLost::Rollback: return Stop{Stop::Kind::Rollback, trigger.condition.on_lost_rollback, what, ""};
   case ast::OnLost::Default:
   case ast::OnLost::Pause:
      if (Stop stop = decide(Question::Kind::MonitoringLost, current_step_, what,
                             trigger.action.kind == ast::TriggerAction::Kind::Rollback ? trigger.action.rollback : ""))
         return stop;
      // The operator chose to keep watching: the trigger starts afresh.
      armed.tracker.reset();
      armed.lost_reported = false;
      break;
   }
   return {};
}

Stop Interpreter::Impl::fire(ArmedTrigger& armed, const std::string& what)
{
   const ast::Trigger& trigger = *armed.trigger;
   const std::string severity = trigger.is_warning ? "warning" : severity_name(trigger.severity);
   emit(RunEvent::Kind::TriggerFired, current_step_, what, {{"trigger", trigger.name}, {"severity", severity}});
   record("trigger", current_step_, {{"trigger", trigger.name}, {"event", "fired"}, {"severity", severity}, {"what", what}});
   if (trigger.is_warning) return trigger_action(armed, what);
   switch (trigger.severity) {
   case ast::Severity::P0: return trigger_action(armed, what);
   case ast::Severity::P1: {
      const double grace = trigger.grace_ms.value_or(default_grace_ms);
      armed.grace_until = world_.clock().now() + grace;
      emit(RunEvent::Kind::Notify, current_step_,
           fmt::format("{}: {} in {} unless it clears", what,
                       trigger.action.kind == ast::TriggerAction::Kind::Rollback ? "rolling back via " + trigger.action.rollback
                                                                                 : "acting",
                       Value(grace, ast::Unit::Duration).display()));
      return {};
   }
   case ast::Severity::P2: return decide_p2(armed, what);
   case ast::Severity::P3: return {};   // Recorded above; nothing else.
   }
   return {};
}

Stop Interpreter::Impl::decide_p2(ArmedTrigger& armed, const std::string& what)
{
   // The seed: P2 is decided within an hour; nobody answering is not "go on
   // for ever". The deadline is a timer beside the question.
   const ast::Trigger& trigger = *armed.trigger;
   const double within = trigger.decide_ms.value_or(default_decide_ms);
   const std::string fallback = trigger.decide_default.empty() ? "rollback" : trigger.decide_default;
   emit(RunEvent::Kind::Notify, current_step_,
        fmt::format("{} (decide within {}, default {})", what, Value(within, ast::Unit::Duration).display(), fallback));
   const std::string deadline_id = "decision:" + trigger.name;
   timers_.arm(TimerEntry{TimerEntry::Kind::DecisionDeadline, deadline_id, world_.clock().now() + within, "", fallback});
   const Stop stop = decide(Question::Kind::Decision, current_step_, what,
                            trigger.action.kind == ast::TriggerAction::Kind::Rollback ? trigger.action.rollback : "");
   timers_.drop(deadline_id);
   // "continue" while it stays breached: asked again after one more `for`
   // window (without one, after one more decision window).
   const double window = std::max(trigger.condition.for_ms.value_or(within), armed.every_ms);
   if (!stop) armed.ask_again_at = world_.clock().now() + window;
   return stop;
}

Stop Interpreter::Impl::trigger_action(ArmedTrigger& armed, const std::string& what)
{
   const ast::Trigger& trigger = *armed.trigger;
   switch (trigger.action.kind) {
   case ast::TriggerAction::Kind::Rollback: return Stop{Stop::Kind::Rollback, trigger.action.rollback, what, ""};
   case ast::TriggerAction::Kind::Notify: {
      std::string text = what;
      if (trigger.action.value) {
         try {
            text = evaluator(main_frame_).text(*trigger.action.value, Splice::Message);
         } catch (const std::exception& e) {
            text = what + " (notify text failed: " + e.what() + ")";
         }
      }
      emit(RunEvent::Kind::Notify, current_step_, text, {{"trigger", trigger.name}});
      record("notify", current_step_, {{"trigger", trigger.name}, {"text", text}});
      return {};
   }
   case ast::TriggerAction::Kind::Call: triggers_.queue_action(trigger, what); return {};
   case ast::TriggerAction::Kind::Record: return {};
   }
   return {};
}

void Interpreter::Impl::run_pending_actions()
{
   // A trigger's function call runs as steps, between two steps of the phase.
   if (running_actions_ || !triggers_.has_actions()) return;
   running_actions_ = true;
   for (const auto& [trigger, what] : triggers_.take_actions()) {
      const auto* call = trigger->action.value ? std::get_if<ast::Call>(&trigger->action.value->node) : nullptr;
      if (call == nullptr) continue;
      const std::string id = triggers_.next_action_id(*trigger);
      try {
         const ast::Function* fn = find_function(callee_name(*call->callee));
         if (fn == nullptr) throw EvalError(trigger->action.loc, "no function named " + callee_name(*call->callee));
         std::vector<Value> args;
         Evaluator ev = evaluator(main_frame_);
         for (const auto& arg : call->args) args.push_back(ev.eval(*arg));
         const std::string outer = current_step_;
         current_step_ = id;
         const Flow flow = call_steps(*fn, std::move(args), id, nullptr);
         current_step_ = outer;
         if (flow != Flow::Next)
            emit(RunEvent::Kind::Log, id, fmt::format("warning: the action of trigger {} did not complete: {}",
                                                      trigger->name, stop_message_));
      } catch (const std::exception& e) {
         emit(RunEvent::Kind::Log, id, fmt::format("warning: the action of trigger {} failed: {}", trigger->name, e.what()));
      }
   }
   running_actions_ = false;
}

}  // namespace runbook
