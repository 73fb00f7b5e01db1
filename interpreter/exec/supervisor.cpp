// What runs beside every step: the armed triggers (exec/trigger_firing.cpp),
// Ctrl-C, requests from other terminals (`runbook approve`, `runbook abort`)
// and the lease heartbeat.
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

namespace runbook {

namespace {

constexpr double heartbeat_every_wall_ms = 5000;
constexpr double poll_every_wall_ms = 200;

}  // namespace

Stop Interpreter::Impl::supervise(TimeMs deadline, const std::function<bool()>& done, bool remote_approve)
{
   Clock& clock = world_.clock();
   for (;;) {
      if (interrupted()) return Stop{Stop::Kind::Interrupted, "", "interrupted (Ctrl-C)", ""};
      if (Stop stop = poll_requests(remote_approve)) return stop;
      if (Stop stop = heartbeat()) return stop;
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

Stop Interpreter::Impl::heartbeat()
{
   // Once lost, always lost: every later pass stops too (a rollback or a
   // `finally` the stop would lead to must not run here either).
   if (!lease_lost_.empty()) return Stop{Stop::Kind::LeaseLost, "", lease_lost_, ""};
   if (run_id_.empty()) return {};
   // Monotonic: a wall clock stepped back an hour must not stall the lease.
   const double now = steady_ms_now();
   if (now - last_heartbeat_wall_ < heartbeat_every_wall_ms) return {};
   last_heartbeat_wall_ = now;
   try {
      journal_.heartbeat(run_id_);
   } catch (const LeaseLost& e) {
      // A process frozen past its lease (a laptop lid, a partition) woke up
      // after another host took the run: stop now, not at the end of the
      // wait or watch it was in, whose next write would be refused anyway.
      lease_lost_ = e.what();
      emit(RunEvent::Kind::Log, current_step_, fmt::format("error: {}", e.what()));
      return Stop{Stop::Kind::LeaseLost, "", lease_lost_, ""};
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
   return {};
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

// ---------------------------------------------------------------- scheduling

TimeMs Interpreter::Impl::next_trigger_due() const { return std::min(triggers_.next_due(), timers_.next_due()); }

// ---------------------------------------------------------------- questions

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
