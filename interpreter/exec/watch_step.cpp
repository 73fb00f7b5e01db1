// The `watch` step: its conditions sampled every `every` for a window, each
// judged by a tracker (metrics/condition_tracker.hpp). A breach fails the
// step at once; a criterion still failing when the window closes fails it
// too; monitoring lost goes where the condition's `on lost` says.
//
// Samples are taken through the supervisor, like every step that takes time
// (exec/step_time.cpp), and the ones that decide something are journaled, so
// that a resumed watch rebuilds its trackers (exec/watch_resume.hpp).
#include <algorithm>

#include <fmt/core.h>

#include "exec/interpreter_impl.hpp"
#include "exec/watch_resume.hpp"
#include "journal/utc_time.hpp"

namespace runbook {

namespace {

/// "14:05:30Z": runbook time of day, for messages.
std::string time_of_day(TimeMs t) { return utc_text(t, "%H:%M:%SZ"); }

}  // namespace

Flow Interpreter::Impl::run_watch(const ast::Step& step, const ast::WatchStep& watch, Frame& frame,
                                  const std::string& id)
{
   Evaluator ev = evaluator(frame);
   const double window = duration_of(ev.eval(*watch.duration), "watch");
   const double every = watch.every ? duration_of(ev.eval(*watch.every), "every") : 30000;
   if (every <= 0) throw ValueError("watch ... every must be longer than 0s");
   json conditions = json::array();
   for (const auto& c : watch.conditions) conditions.push_back(describe(*c.expr));
   Resolved r{StepKind::Watch,
              {{"summary", fmt::format("{} every {}: {}", Value(window, ast::Unit::Duration).display(),
                                       Value(every, ast::Unit::Duration).display(),
                                       conditions.size() == 1 ? conditions[0].get<std::string>()
                                                              : fmt::format("{} conditions", conditions.size()))},
               {"window_ms", window},
               {"every_ms", every},
               {"conditions", conditions}},
              true,
              {}};
   return journaled(step, frame, id, r, [&, window, every](const Resolved&) {
      return watch_window(watch, frame, id, conditions, window, every);
   });
}

Interpreter::Impl::Performed Interpreter::Impl::watch_window(const ast::WatchStep& watch, Frame& frame,
                                                             const std::string& id, const json& conditions,
                                                             double window, double every)
{
   std::vector<ConditionTracker> trackers;
   for (const auto& c : watch.conditions) trackers.emplace_back(rules_for_watch(c, lost_default(c)));
   if (const auto unobserved = resume_.take_resumed_watch(id)) restore_watch(id, conditions, trackers, *unobserved);
   if (auto breached = breached_before_interruption(watch, trackers)) return std::move(*breached);
   const TimeMs start = world_.clock().now();
   const TimeMs end = start + window;
   TimeMs tick = start;
   int samples = 0;
   for (;;) {
      if (const Stop stop = supervise(tick)) return stop_to_performed(stop, {{"samples", samples}});
      if (auto ended = watch_round(watch, frame, id, trackers, samples)) return std::move(*ended);
      ++samples;
      if (tick >= end) break;
      tick = std::min(tick + every, end);
   }
   if (auto failed = close_watch_window(watch, id, trackers, samples, window)) return std::move(*failed);
   Performed p;
   p.result = {{"samples", samples}, {"window_ms", window}};
   return p;
}

std::optional<Interpreter::Impl::Performed> Interpreter::Impl::breached_before_interruption(
    const ast::WatchStep& watch, const std::vector<ConditionTracker>& trackers)
{
   // The journal may already hold the breach (the process died before the
   // step's failure was written): a breach seen is not forgotten.
   for (std::size_t i = 0; i < watch.conditions.size(); ++i) {
      if (trackers[i].verdict() != Verdict::Breached) continue;
      failure_routes_.blame(watch.conditions[i].on_fail);
      Performed p;
      p.flow = Flow::Failed;
      p.outcome = step_outcome::Failed;
      p.message = fmt::format("watch condition `{}` failed before the interruption ({})",
                              describe(*watch.conditions[i].expr), trackers[i].last().explanation);
      p.result = {{"samples", 0}};
      return p;
   }
   return std::nullopt;
}

std::optional<Interpreter::Impl::Performed> Interpreter::Impl::watch_round(const ast::WatchStep& watch, Frame& frame,
                                                                           const std::string& id,
                                                                           std::vector<ConditionTracker>& trackers,
                                                                           int samples)
{
   // One sample per metric per round, however many conditions read it.
   in_round_ = true;
   round_samples_.clear();
   for (std::size_t i = 0; i < watch.conditions.size(); ++i)
      if (auto ended = watch_sample(watch.conditions[i], i, frame, id, trackers[i], samples)) return ended;
   in_round_ = false;
   return std::nullopt;
}

std::optional<Interpreter::Impl::Performed> Interpreter::Impl::watch_sample(const ast::Condition& c, std::size_t i,
                                                                            Frame& frame, const std::string& id,
                                                                            ConditionTracker& tracker, int samples)
{
   const ConditionSample cs = evaluate_condition(c, frame);
   const TimeMs now = world_.clock().now();
   const Assessment a = tracker.observe(cs.ok ? reading_for_watch(cs.value) : Reading::Error, now);
   if (is_quiet(a) && !observer_.wants_quiet_samples()) return std::nullopt;   // Nothing to tell, nothing to journal.
   const std::string what = describe(*c.expr);
   const std::string seen = cs.ok ? describe_observations(cs.observations) : cs.error;
   json data{{"condition", what},
             {"index", i},
             {"verdict", verdict_name(a.verdict)},
             {"values", observations_json(cs.observations)},
             {"at", now}};
   if (!cs.ok) data["error"] = cs.error;
   json shown = data;
   shown["role"] = "watch";   // a scenario's fault is the first sample that makes a watch or trigger bad
   shown.update(condition_progress(c, a, frame));
   emit(RunEvent::Kind::Sample, id,
        fmt::format("{}: {} ({})", what, cs.ok ? (cs.value ? "ok" : "failing") : "no sample", seen), shown);
   // Journal the samples that decide something, and every bad one or
   // error: a resumed watch rebuilds its trackers from them
   // (exec/watch_resume.hpp). A clear sample that changes nothing is
   // not needed.
   if (a.changed || a.verdict != Verdict::Holding) record("sample", id, data);
   if (a.verdict == Verdict::Breached) {
      in_round_ = false;
      failure_routes_.blame(c.on_fail);
      Performed p;
      p.flow = Flow::Failed;
      p.outcome = step_outcome::Failed;
      p.message = fmt::format("watch condition `{}` failed at {}: {}{}", what, time_of_day(now), seen,
                              a.explanation.empty() ? "" : " (" + a.explanation + ")");
      p.result = {{"samples", samples + 1}, {"failed", data}};
      return p;
   }
   if (a.verdict == Verdict::MonitoringLost)
      return watch_monitoring_lost(c, id, tracker, samples,
                                   fmt::format("monitoring lost for `{}` at {}: {}", what, time_of_day(now), cs.error));
   return std::nullopt;
}

std::optional<Interpreter::Impl::Performed> Interpreter::Impl::watch_monitoring_lost(const ast::Condition& c,
                                                                                     const std::string& id,
                                                                                     ConditionTracker& tracker,
                                                                                     int samples,
                                                                                     const std::string& message)
{
   in_round_ = false;
   if (c.on_lost == ast::OnLost::Fail) {
      failure_routes_.blame(c.on_fail);
      Performed p;
      p.flow = Flow::Failed;
      p.outcome = step_outcome::Failed;
      p.message = message;
      return p;
   }
   if (c.on_lost == ast::OnLost::Rollback)
      return stop_to_performed(Stop{Stop::Kind::Rollback, c.on_lost_rollback, message, ""},
                               {{"samples", samples + 1}});
   const Stop decided = decide(Question::Kind::MonitoringLost, id, message, "");
   if (decided) return stop_to_performed(decided, {{"samples", samples + 1}});
   tracker.reset();   // The operator chose to keep watching.
   in_round_ = true;
   return std::nullopt;
}

std::optional<Interpreter::Impl::Performed> Interpreter::Impl::close_watch_window(
    const ast::WatchStep& watch, const std::string& id, std::vector<ConditionTracker>& trackers, int samples,
    double window)
{
   // A criterion still failing on the last sample fails the watch: the
   // window ends in the bad state, whatever its `for` still had to go.
   for (std::size_t i = 0; i < watch.conditions.size(); ++i) {
      const ast::Condition& c = watch.conditions[i];
      const TimeMs now = world_.clock().now();
      const Assessment a = trackers[i].close_window(now);
      if (a.verdict != Verdict::Breached) continue;
      const std::string what = describe(*c.expr);
      json data{{"condition", what}, {"verdict", verdict_name(a.verdict)}, {"window_end", true}, {"at", now}};
      if (a.deciding_since) data["deciding_since"] = *a.deciding_since;
      record("sample", id, data);
      failure_routes_.blame(c.on_fail);
      Performed p;
      p.flow = Flow::Failed;
      p.outcome = step_outcome::Failed;
      p.message = fmt::format("watch condition `{}` failed at {}, the end of its window: failing since {} ({})", what,
                              time_of_day(now), time_of_day(a.deciding_since.value_or(now)), a.explanation);
      p.result = {{"samples", samples}, {"window_ms", window}, {"failed", data}};
      return p;
   }
   return std::nullopt;
}

void Interpreter::Impl::restore_watch(const std::string& id, const json& conditions,
                                      std::vector<ConditionTracker>& trackers, TimeMs unobserved_ms)
{
   std::vector<std::string> written;
   for (const auto& c : conditions) written.push_back(c.get<std::string>());
   const int replayed = replay_watch_samples(journal_.events(run_id_), id, written, trackers);
   for (auto& tracker : trackers) tracker.skip_unobserved(unobserved_ms);
   if (replayed > 0)
      emit(RunEvent::Kind::Log, id, fmt::format("watch keeps {} journaled sample{} from before the interruption", replayed,
                                                replayed == 1 ? "" : "s"));
}

}  // namespace runbook
