// The world of a simulation: a virtual clock, and every side effect answered
// by the scenario or by the sandbox model, never performed.
//
// `runbook simulate` hands a ScenarioWorld to the same Interpreter that
// `runbook run` uses. Shell commands and HTTP requests are recorded and
// answered (scripted failures, bodies, statuses; otherwise success), metric
// samples come from the scenario's metric rules, questions get the
// scenario's answers. The world also watches the run's events (observe) so
// that anchors such as "10m after traffic green reaches 25%" and interrupt
// points can be resolved as the run reaches them.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exec/clock.hpp"
#include "exec/events.hpp"
#include "exec/world.hpp"
#include "simulate/metric_model.hpp"
#include "simulate/run_facts.hpp"
#include "simulate/sandbox_model.hpp"
#include "simulate/scenario.hpp"

namespace runbook::sim {

/// One side effect the run asked for, and how the simulation answered it.
struct SideEffect {
   double at = 0;                ///< Virtual time of the call.
   std::string step_id;
   std::string kind;             ///< "sh" or "http".
   std::string method;           ///< http only.
   std::string target;           ///< Redacted command or URL.
   std::string result;           ///< "exit 0", "status 200", "unreachable: ...".
   bool failed = false;
   std::size_t scenario_line = 0;   ///< The rule that answered it; 0: the default answer.
   bool in_rollback = false;
};

/// One question the run put to the operator.
struct AskedQuestion {
   double at = 0;
   std::string kind;             ///< checklist, approve, decision, in-doubt, monitoring-lost.
   std::string step_id;
   std::string text;
   std::string answer;           ///< Empty: nobody answered.
   std::string who;
   std::vector<std::string> choices = {};   ///< What the question offered (verify tries each choice of an ask).
};

class ScenarioWorld;

/// A virtual clock that stops at the scenario's interrupt points and at its limit.
class ScenarioClock : public VirtualClock {
public:
   ScenarioClock(double start, ScenarioWorld& world) : VirtualClock(start), world_(world) {}
   bool sleep_until(TimeMs t, const std::atomic<bool>* cancel = nullptr) override;

private:
   ScenarioWorld& world_;
};

class ScenarioWorld : public World {
public:
   explicit ScenarioWorld(const Scenario& scenario);

   Clock& clock() override { return clock_; }
   ShellResult shell(const std::string& step_id, const std::string& command, std::string_view display,
                     const ShellOptions& options) override;
   HttpResponse http(const std::string& step_id, const HttpRequest& request, std::string_view display_url) override;
   Sample sample(const ResolvedMetric& metric) override;
   Answer ask(const Question& question, const std::atomic<bool>* cancel) override;

   /// Learns what the run did (steps, phases, triggers, rollbacks) from its events.
   void observe(const RunEvent& event);

   /// Set when the run must stop as if by Ctrl-C (an interrupt point or the limit).
   /// The simulation passes it to the interpreter as RunSettings::interrupt.
   const std::atomic<bool>* interrupt_flag() const { return &interrupt_; }
   /// Clears the flag before the simulation resumes the run.
   void clear_interrupt() { interrupt_ = false; }
   /// Why the last interrupt happened, e.g. "scenario line 12: interrupt at T+01:30:00".
   const std::string& interrupt_reason() const { return interrupt_reason_; }
   /// The interrupt rule that fired last, if the last interrupt came from one.
   const InterruptRule* last_interrupt() const { return last_interrupt_; }
   bool limit_reached() const { return limit_reached_; }
   /// Advances the clock by `ms` (an operator who resumes the run later).
   void pass_time(double ms);

   const std::vector<SideEffect>& side_effects() const { return side_effects_; }
   const std::vector<AskedQuestion>& questions() const { return questions_; }
   const RunFacts& facts() const { return facts_; }
   const SandboxModel& sandbox() const { return sandbox_; }
   /// The first moment a scripted fault took effect (see docs/scenarios.md, "the fault").
   std::optional<double> fault_at() const { return fault_at_; }
   /// Problems with the scenario found while running (an answer that is not one of the choices).
   const std::vector<std::string>& scenario_errors() const { return scenario_errors_; }
   /// Metrics sampled that no rule describes (sampled as 0).
   const std::vector<std::string>& undescribed_metrics() const { return undescribed_metrics_; }

   /// Where `at WHEN signal|fire NAME` goes when its time comes: the simulation
   /// posts it to the run's journal as `runbook signal|fire` would.
   std::function<void(const std::string& kind, const nlohmann::json& data)> on_action;
   /// The earliest pending `at` action at or before `until`, if one is known now.
   std::optional<double> next_action(double until) const;
   /// Hands every `at` action whose time has come to on_action.
   void deliver_actions();

   /// The earliest pending interrupt time at or before `until`, if one is known now.
   std::optional<double> next_stop(double until) const;
   /// Fires every pending interrupt whose time has come; true if the run must stop.
   bool check_interrupts();
   /// Marks the run interrupted because the scenario's limit was reached.
   void reach_limit();
   double limit_at() const { return scenario_.start_ms + scenario_.limit_ms; }

private:
   const EffectRule* effect_rule(EffectRule::Target target, const std::string& method, const std::string& text);
   void note_fault(double at);
   /// A watch or trigger sample went bad: the windowed rules that gave its values are the fault.
   void note_bad_sample(const nlohmann::json& data);
   /// `crashes`: marks the run interrupted right after the call took effect; returns true.
   bool crash_after(const EffectRule& rule, SideEffect& effect);

   const Scenario& scenario_;
   ScenarioClock clock_;
   RunFacts facts_;
   MetricModel metrics_;
   SandboxModel sandbox_;
   std::atomic<bool> interrupt_{false};
   std::string interrupt_reason_;
   const InterruptRule* last_interrupt_ = nullptr;
   bool limit_reached_ = false;
   std::vector<bool> interrupt_fired_;
   std::vector<bool> action_done_;
   std::vector<int> effect_calls_;          ///< Matching calls seen, per effect rule.
   std::vector<SideEffect> side_effects_;
   std::vector<AskedQuestion> questions_;
   std::optional<double> fault_at_;
   /// Per metric: when the window of the rule that gave its last sample opened
   /// (absent: the last sample came from a rule without `from`, or from none).
   std::map<std::string, double> windowed_since_;
   std::vector<std::string> scenario_errors_;
   std::vector<std::string> undescribed_metrics_;
   bool in_rollback_ = false;
};

/// The kind word a scenario uses for a question kind ("checklist", "approve", ...).
const char* question_kind_word(Question::Kind kind);

}  // namespace runbook::sim
