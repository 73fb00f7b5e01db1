// What runs beside every step: the armed triggers, Ctrl-C, requests from
// other terminals (`runbook approve`, `runbook abort`) and the lease heartbeat.
//
// Scheduling is done with the run's clock: the supervisor sleeps until the
// earliest of the step's deadline and the next trigger sample, so on a
// virtual clock every decision happens at a runbook time fixed by the
// schedule, never by thread timing. A worker thread is used only to keep a
// blocking real call (a command, a request, a prompt) out of the way.
#include <algorithm>
#include <cmath>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/core.h>

#include "exec/interpreter_impl.hpp"
#include "syntax/severity.hpp"

namespace runbook {

namespace {

constexpr double heartbeat_every_wall_ms = 5000;
constexpr double poll_every_wall_ms = 200;
constexpr double default_grace_ms = 15 * 60 * 1000;
constexpr double default_decide_ms = 60 * 60 * 1000;

}  // namespace

Stop Interpreter::Impl::supervise(TimeMs deadline, const std::function<bool()>& done, bool remote_approve)
{
   Clock& clock = world_.clock();
   for (;;) {
      if (interrupted()) return Stop{Stop::Kind::Interrupted, "", "interrupted (Ctrl-C)", ""};
      if (Stop stop = poll_requests(remote_approve)) return stop;
      heartbeat();
      if (Stop stop = sample_triggers()) return stop;
      if (Stop stop = fire_due_timers()) return stop;
      if (done && done()) return {};
      const TimeMs now = clock.now();
      if (now >= deadline) return {};
      TimeMs next = std::min(deadline, next_trigger_due());
      if (!virtual_time()) {
         // Wake often enough to see the worker finish, a request or Ctrl-C.
         next = std::min(next, now + 50 * clock.scale());
      } else if (next == forever) {
         return {};   // Nothing can ever happen on a virtual clock: do not spin.
      }
      clock.sleep_until(next, settings_.interrupt);
   }
}

Stop Interpreter::Impl::blocking(const std::function<void(const std::atomic<bool>* cancel)>& call, bool remote_approve,
                                 TimeMs deadline)
{
   std::atomic<bool> cancel{false};
   if (virtual_time()) {
      call(&cancel);
      return {};
   }
   // The worker says when it is done through `finished`, so the step ends
   // the moment the call returns: polling every 50 ms made a 2 ms request
   // take 50 ms.
   std::mutex mutex;
   std::condition_variable finished_cv;
   bool finished = false;
   std::atomic<bool> done{false};
   std::exception_ptr failure;
   std::thread worker([&] {
      try {
         call(&cancel);
      } catch (...) {
         failure = std::current_exception();
      }
      done = true;
      {
         const std::lock_guard lock(mutex);
         finished = true;
      }
      finished_cv.notify_all();
   });
   Stop stop;
   for (;;) {
      // One pass of the supervisor (Ctrl-C, requests, heartbeat, the
      // triggers that are due), then sleep until the worker finishes, the
      // next trigger is due, or 50 ms have passed (Ctrl-C, requests).
      Clock& clock = world_.clock();
      stop = supervise(clock.now(), [&] { return done.load(); }, remote_approve);
      if (stop || done.load() || clock.now() >= deadline) break;
      const double until_trigger_wall = clock.wall_ms(std::min(next_trigger_due(), deadline) - clock.now());
      const double wait_ms = std::clamp(until_trigger_wall, 0.0, 50.0);
      std::unique_lock lock(mutex);
      finished_cv.wait_for(lock, std::chrono::microseconds(static_cast<long long>(wait_ms * 1000)),
                           [&] { return finished; });
   }
   if (stop || !done.load()) cancel = true;
   worker.join();
   if (failure) std::rethrow_exception(failure);
   return stop;
}

Stop Interpreter::Impl::pass_time(TimeMs started, double elapsed_ms)
{
   if (elapsed_ms <= 0) return {};
   return supervise(started + elapsed_ms);
}

Stop Interpreter::Impl::at_boundary()
{
   run_pending_actions();
   return supervise(world_.clock().now());
}

void Interpreter::Impl::heartbeat()
{
   if (run_id_.empty()) return;
   // Monotonic: a wall clock stepped back an hour must not stall the lease.
   const double now = steady_ms_now();
   if (now - last_heartbeat_wall_ < heartbeat_every_wall_ms) return;
   last_heartbeat_wall_ = now;
   try {
      journal_.heartbeat(run_id_);
   } catch (const JournalError& e) {
      emit(RunEvent::Kind::Log, current_step_, fmt::format("warning: lease heartbeat failed: {}", e.what()));
   }
   if (const std::string problem = journal_.file_problem(); !problem.empty() && !journal_problem_told_) {
      // Said at once; the run stops before the next side effect (journaled()).
      journal_problem_told_ = true;
      emit(RunEvent::Kind::Log, current_step_,
           fmt::format("error: {}; the run stops before its next side effect", problem));
   }
   notice_clock_jump();
}

void Interpreter::Impl::notice_clock_jump()
{
   // Durations are measured on the monotonic clock (exec/clock.hpp), so a
   // step of the wall clock changes no window; but the events' wall times
   // and a deadline that outlives this process are read against the wall:
   // the step is a fact of the run, journaled.
   constexpr double jump_ms = 2000;
   const double drift = world_.clock().wall_drift_ms();
   if (std::abs(drift - last_wall_drift_) < jump_ms) return;
   const double by = drift - last_wall_drift_;
   last_wall_drift_ = drift;
   const std::string text = fmt::format("the wall clock stepped {} by {} during the run; waits, watches and trigger "
                                        "windows are measured on the monotonic clock and are not affected",
                                        by > 0 ? "forward" : "back", Value(std::abs(by), ast::Unit::Duration).display());
   emit(RunEvent::Kind::Log, current_step_, text, {{"clock_jump_ms", by}});
   record("clock_jump", current_step_, {{"by_ms", by}, {"wall_drift_ms", drift}});
}

// ---------------------------------------------------------------- requests from other terminals

Stop Interpreter::Impl::poll_requests(bool remote_approve)
{
   if (run_id_.empty()) return {};
   if (!virtual_time()) {
      const double now = steady_ms_now();
      if (now - last_poll_wall_ < poll_every_wall_ms) return {};
      last_poll_wall_ = now;
   }
   std::vector<std::pair<std::string, std::string>> requests;
   try {
      requests = journal_.take_requests(run_id_);
   } catch (const JournalError& e) {
      emit(RunEvent::Kind::Log, current_step_, fmt::format("warning: could not read requests: {}", e.what()));
      return {};
   }
   Stop result;
   for (const auto& [kind, text] : requests) {
      json data = json::parse(text.empty() ? "{}" : text, nullptr, false);
      if (data.is_discarded()) data = json::object();
      const std::string who = data.value("who", "another terminal");
      record("request", current_step_, {{"kind", kind}, {"data", data}});
      if (result) continue;   // The first decisive request wins; the rest are recorded.
      if (kind == "abort") {
         const std::string target = data.value("rollback", "");
         if (in_rollback_ && !data.value("stop_rollback", false)) {
            // A rollback is stopped only when asked in so many words: an
            // operator repeating the rollback that is under way, or typing a
            // plain abort, must not leave it half-done.
            emit(RunEvent::Kind::Log, current_step_, rollback_request_note(target, who));
            continue;
         }
         if (!target.empty() && !in_rollback_) {
            if (find_rollback(target) == nullptr) {
               emit(RunEvent::Kind::Log, current_step_,
                    fmt::format("runbook abort --rollback {} from {}: there is no such rollback; aborting instead",
                                target, who));
            } else {
               result = Stop{Stop::Kind::Rollback, target, fmt::format("runbook abort --rollback {} by {}", target, who), ""};
               continue;
            }
         }
         result = Stop{Stop::Kind::Abort, "", fmt::format("aborted by {} (runbook abort)", who), ""};
      } else if (kind == "signal") {
         give_signal(data.value("signal", ""), who);
      } else if (kind == "fire") {
         result = fire_manual(data.value("trigger", ""), who);
      } else if (kind == "approve") {
         const std::string step = data.value("step", "");
         if (remote_approve && (step.empty() || step == current_step_)) {
            result = Stop{Stop::Kind::Approved, "", "", who + " (runbook approve)", data.value("answer", "")};
         } else {
            emit(RunEvent::Kind::Log, current_step_,
                 fmt::format("runbook approve {} from {}: no such approval is pending (now at {})",
                             step.empty() ? "" : step, who, current_step_));
         }
      }
   }
   return result;
}

std::string Interpreter::Impl::rollback_request_note(const std::string& target, const std::string& who) const
{
   const std::string how = "`runbook abort RUN --stop-rollback` stops the rollback";
   if (target == rollback_name_)
      return fmt::format("note: runbook abort --rollback {} from {}: that rollback is already running; nothing to do",
                         target, who);
   if (!target.empty())
      return fmt::format("note: runbook abort --rollback {} from {}: the run is already rolling back via '{}' and is "
                         "not switched; {}",
                         target, who, rollback_name_, how);
   return fmt::format("note: runbook abort from {}: the run is rolling back via '{}', which a plain abort does not "
                      "stop; {}",
                      who, rollback_name_, how);
}

// ---------------------------------------------------------------- triggers

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

TimeMs Interpreter::Impl::next_trigger_due() const { return std::min(triggers_.next_due(), timers_.next_due()); }

Stop Interpreter::Impl::sample_triggers()
{
   if (triggers_.empty() || in_rollback_) return {};
   const TimeMs now = world_.clock().now();
   for (std::size_t i = 0; i < triggers_.size(); ++i) {
      ArmedTrigger& armed = triggers_[i];
      const ast::Trigger& trigger = *armed.trigger;
      if (armed.grace_until && now >= *armed.grace_until) {
         armed.grace_until.reset();
         const std::string what = fmt::format("{} {} \"{}\" did not clear within its grace period", severity_name(trigger.severity),
                                              trigger.name, trigger.title.empty() ? trigger.name : trigger.title);
         record("trigger", current_step_, {{"trigger", trigger.name}, {"event", "grace_expired"}});
         if (Stop stop = trigger_action(armed, what)) return stop;
      }
      if (now < armed.next_due) continue;
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
      const std::string seen = cs.ok ? describe_observations(cs.observations) : cs.error;
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

      switch (a.verdict) {
      case Verdict::Breached:
         if (armed.fired && now >= armed.ask_again_at) armed.fired = false;   // P2: still breached, asked again.
         if (!armed.fired) {
            armed.fired = true;
            const std::string what = fmt::format(
               "{} {} \"{}\": `{}` ({}{})", trigger.is_warning ? "warning" : severity_name(trigger.severity),
               trigger.name, trigger.title.empty() ? trigger.name : trigger.title, describe(*trigger.condition.expr),
               seen, a.explanation.empty() ? "" : "; " + a.explanation);
            if (Stop stop = fire(armed, what)) return stop;
         }
         break;
      case Verdict::Holding:
         if (armed.fired || armed.lost_reported) {
            const bool in_grace = armed.grace_until.has_value();
            armed.fired = false;
            armed.lost_reported = false;
            armed.grace_until.reset();
            const std::string text = fmt::format("trigger {} cleared{} ({})", trigger.name,
                                                 in_grace ? " within its grace period: no rollback" : "", seen);
            emit(RunEvent::Kind::TriggerCleared, current_step_, text, data);
            record("trigger", current_step_, {{"trigger", trigger.name}, {"event", "cleared"}, {"seen", seen}});
         }
         break;
      case Verdict::MonitoringLost:
         if (!armed.lost_reported) {
            armed.lost_reported = true;
            const std::string what = fmt::format("monitoring lost for trigger {}: {}", trigger.name, cs.error);
            record("trigger", current_step_, {{"trigger", trigger.name}, {"event", "monitoring_lost"}, {"error", cs.error}});
            emit(RunEvent::Kind::TriggerFired, current_step_, what, data);
            switch (trigger.condition.on_lost) {
            case ast::OnLost::Fail: return Stop{Stop::Kind::Fail, "", what, ""};
            case ast::OnLost::Rollback:
               return Stop{Stop::Kind::Rollback, trigger.condition.on_lost_rollback, what, ""};
            case ast::OnLost::Default:
            case ast::OnLost::Pause:
               if (Stop stop = decide(Question::Kind::MonitoringLost, current_step_, what,
                                      trigger.action.kind == ast::TriggerAction::Kind::Rollback ? trigger.action.rollback
                                                                                                : ""))
                  return stop;
               armed.tracker.reset();
               armed.lost_reported = false;
               break;
            }
         }
         break;
      case Verdict::Pending:
      case Verdict::Unknown: break;
      }
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

Stop Interpreter::Impl::decide(Question::Kind kind, const std::string& step_id, const std::string& text,
                               const std::string& rollback)
{
   std::string target = rollback;
   if (target.empty() && program_.root && program_.root->rollbacks.size() == 1)
      target = program_.root->rollbacks.front().name;
   Question q;
   q.kind = kind;
   q.step_id = step_id;
   q.text = redact(text + (kind == Question::Kind::MonitoringLost ? ". Keep watching, roll back, or fail?"
                                                                  : ". Continue, roll back, or abort?"));
   q.choices = {"continue"};
   if (!target.empty()) q.choices.push_back("rollback");
   q.choices.push_back(kind == Question::Kind::MonitoringLost ? "fail" : "abort");
   // Fail closed: an unobserved rollout does not go on by default.
   if (kind == Question::Kind::MonitoringLost) {
      q.default_choice = "fail";
      q.fail_closed_choice = "fail";
   } else {
      q.default_choice = target.empty() ? "abort" : "rollback";
      q.fail_closed_choice = q.default_choice;
   }
   Stop stop;
   const Answer answer = ask(q, stop, false);
   if (stop) return stop;
   record("decision", step_id, {{"question", q.text}, {"choice", answer.choice}, {"who", answer.who}});
   if (answer.choice == "continue") return {};
   const std::string reason = fmt::format("{} ({} chose {})", text, answer.who, answer.choice);
   if (answer.choice == "rollback") return Stop{Stop::Kind::Rollback, target, reason, ""};
   if (answer.choice == "abort") return Stop{Stop::Kind::Abort, "", reason, ""};
   return Stop{Stop::Kind::Fail, "", reason, ""};
}

}  // namespace runbook
