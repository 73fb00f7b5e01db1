#include "simulate/scenario_world.hpp"
#include "io/human_units.hpp"

#include "io/shell_splice.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/core.h>

namespace runbook::sim {

namespace {

std::string lower(std::string s)
{
   for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
   return s;
}

/// A string field of an event's data, trying each key in turn.
std::string event_field(const RunEvent& event, std::initializer_list<const char*> keys)
{
   if (event.data.is_object())
      for (const char* key : keys) {
         const auto it = event.data.find(key);
         if (it != event.data.end() && it->is_string()) return it->get<std::string>();
      }
   return {};
}

}  // namespace

const char* question_kind_word(Question::Kind kind)
{
   switch (kind) {
   case Question::Kind::ChecklistItem: return "checklist";
   case Question::Kind::Approve: return "approve";
   case Question::Kind::InDoubt: return "in-doubt";
   case Question::Kind::Decision: return "decision";
   case Question::Kind::MonitoringLost: return "monitoring-lost";
   case Question::Kind::Ask: return "ask";
   }
   return "approve";
}

// ---------------------------------------------------------------- the clock

bool ScenarioClock::sleep_until(TimeMs t, const std::atomic<bool>* cancel)
{
   if (cancel != nullptr && cancel->load()) return false;
   // An operator's `runbook signal` or `runbook fire` at its moment: the
   // sleeper wakes there, as a real supervisor polling requests would.
   if (const auto action = world_.next_action(t)) {
      const auto stop = world_.next_stop(t);
      if (!stop || *action < *stop) {
         advance_to(*action);
         world_.deliver_actions();
         return false;
      }
   }
   // Stop early at an interrupt point or at the limit, exactly there, as a
   // real Ctrl-C during a long wait would.
   if (const auto stop = world_.next_stop(t)) {
      advance_to(*stop);
      world_.check_interrupts();
      return false;
   }
   if (t > world_.limit_at()) {
      advance_to(world_.limit_at());
      world_.reach_limit();
      return false;
   }
   advance_to(t);
   if (world_.check_interrupts()) return false;
   return !(cancel != nullptr && cancel->load());
}

// ---------------------------------------------------------------- the world

ScenarioWorld::ScenarioWorld(const Scenario& scenario)
   : scenario_(scenario),
     clock_(scenario.start_ms, *this),
     facts_(scenario.start_ms),
     metrics_(scenario.metrics, facts_),
     interrupt_fired_(scenario.interrupts.size(), false),
     action_done_(scenario.actions.size(), false),
     effect_calls_(scenario.effects.size(), 0)
{
   facts_.traffic_changed("blue", sandbox_.share("blue"), scenario.start_ms);
   facts_.traffic_changed("green", sandbox_.share("green"), scenario.start_ms);
   sandbox_.on_route = [this](const std::string& environment, double) {
      const double now = clock_.now();
      for (const auto& [name, share] : sandbox_.split()) facts_.traffic_changed(name, share, now);
      (void)environment;
   };
}

std::optional<double> ScenarioWorld::next_stop(double until) const
{
   std::optional<double> earliest;
   for (std::size_t i = 0; i < scenario_.interrupts.size(); ++i) {
      if (interrupt_fired_[i]) continue;
      const auto at = facts_.resolve(scenario_.interrupts[i].at);
      if (at && *at <= until && (!earliest || *at < *earliest)) earliest = std::max(*at, clock_.now());
   }
   return earliest;
}

std::optional<double> ScenarioWorld::next_action(double until) const
{
   std::optional<double> earliest;
   for (std::size_t i = 0; i < scenario_.actions.size(); ++i) {
      if (action_done_[i]) continue;
      const auto at = facts_.resolve(scenario_.actions[i].at);
      if (at && *at <= until && (!earliest || *at < *earliest)) earliest = std::max(*at, clock_.now());
   }
   return earliest;
}

void ScenarioWorld::deliver_actions()
{
   const double now = clock_.now();
   for (std::size_t i = 0; i < scenario_.actions.size(); ++i) {
      const ActionRule& action = scenario_.actions[i];
      const auto at = facts_.resolve(action.at);
      if (action_done_[i] || !at || *at > now) continue;
      action_done_[i] = true;
      if (!on_action) continue;
      const bool signal = action.kind == ActionRule::Kind::Signal;
      on_action(signal ? "signal" : "fire", {{signal ? "signal" : "trigger", action.name},
                                             {"who", fmt::format("scenario line {}", action.loc.line)}});
   }
}

bool ScenarioWorld::check_interrupts()
{
   const double now = clock_.now();
   for (std::size_t i = 0; i < scenario_.interrupts.size(); ++i) {
      if (interrupt_fired_[i]) continue;
      const auto at = facts_.resolve(scenario_.interrupts[i].at);
      if (at && *at <= now) {
         interrupt_fired_[i] = true;
         last_interrupt_ = &scenario_.interrupts[i];
         interrupt_reason_ = fmt::format("scenario line {}: interrupt at {}", scenario_.interrupts[i].loc.line,
                                         format_offset(now - scenario_.start_ms));
         interrupt_ = true;
      }
   }
   return interrupt_.load();
}

void ScenarioWorld::reach_limit()
{
   limit_reached_ = true;
   interrupt_reason_ = fmt::format("the scenario's limit ({}) was reached", format_elapsed(scenario_.limit_ms));
   last_interrupt_ = nullptr;
   interrupt_ = true;
}

void ScenarioWorld::pass_time(double ms)
{
   // Not through sleep_until: time passing between an interrupt and a resume stops at nothing.
   clock_.advance_to(clock_.now() + ms);
}

bool ScenarioWorld::crash_after(const EffectRule& rule, SideEffect& effect)
{
   // The call has taken effect (the sandbox model moved); the process dies
   // before the interpreter can journal the outcome, as a kill -9 would.
   interrupt_reason_ = fmt::format("scenario line {}: the process died after {} took effect", rule.loc.line, effect.target);
   last_interrupt_ = nullptr;
   interrupt_ = true;
   effect.result += ", then the process died";
   note_fault(effect.at);
   return true;
}

void ScenarioWorld::note_fault(double at)
{
   if (!fault_at_ || at < *fault_at_) fault_at_ = at;
}

void ScenarioWorld::note_bad_sample(const nlohmann::json& data)
{
   const std::string role = data.value("role", "");
   const std::string verdict = data.value("verdict", "");
   // An await's condition being true is what it waits for, not a fault.
   if (role != "watch" && role != "trigger") return;
   if (verdict != "pending" && verdict != "breached") return;
   if (!data.contains("values") || !data["values"].is_object()) return;
   for (const auto& observed : data["values"].items()) {
      if (const auto since = windowed_since_.find(observed.key()); since != windowed_since_.end()) note_fault(since->second);
   }
}

const EffectRule* ScenarioWorld::effect_rule(EffectRule::Target target, const std::string& method, const std::string& text)
{
   // Every rule that matches the call counts it (so "on call 2" means the
   // second matching call), then the last rule that applies answers.
   const double now = clock_.now();
   const EffectRule* chosen = nullptr;
   for (std::size_t i = 0; i < scenario_.effects.size(); ++i) {
      const EffectRule& rule = scenario_.effects[i];
      if (rule.target != target) continue;
      if (target == EffectRule::Target::Http && rule.method != "*" && rule.method != method) continue;
      // A sh pattern also matches the command's words with the quoting
      // removed, so it can be written against the values spliced in
      // (`*--connect lb-edge-2*` for `--connect 'lb-edge-2'`).
      if (!glob_match(rule.pattern, text) &&
          !(target == EffectRule::Target::Shell && glob_match(rule.pattern, shell_unquoted(text))))
         continue;
      const int call = ++effect_calls_[i];
      if (rule.on_call > 0 && call != rule.on_call) continue;
      if (rule.from_call > 0 && call < rule.from_call) continue;
      if (!facts_.open(rule.window, now)) continue;
      chosen = &rule;
   }
   return chosen;
}

ShellResult ScenarioWorld::shell(const std::string& step_id, const std::string& command, std::string_view display,
                                 const ShellOptions& options)
{
   (void)command;   // Never run, never recorded: it may hold secrets. `display` is the redacted form.
   const std::string shown(display);
   SideEffect effect{clock_.now(), step_id, "sh", "", shown, "", false, 0, in_rollback_};
   ShellResult result;

   if (check_interrupts() || (options.cancel != nullptr && options.cancel->load())) {
      result.interrupted = true;
      result.error = "interrupted before the command started";
      effect.result = "interrupted";
      side_effects_.push_back(effect);
      return result;
   }

   const EffectRule* rule = effect_rule(EffectRule::Target::Shell, "", shown);
   double takes = 0;
   if (rule != nullptr) {
      effect.scenario_line = rule->loc.line;
      takes = rule->takes_ms.value_or(0);
   }
   const bool times_out = rule != nullptr && rule->times_out;
   if (options.timeout_ms > 0 && (times_out || takes > options.timeout_ms)) takes = options.timeout_ms;

   result.elapsed_ms = takes;

   if (rule != nullptr && rule->unreachable) {
      result.error = rule->error;
      effect.result = "could not start: " + rule->error;
      effect.failed = true;
   } else if (times_out || (options.timeout_ms > 0 && rule != nullptr && rule->takes_ms && *rule->takes_ms > options.timeout_ms)) {
      result.started = true;
      result.timed_out = true;
      result.signal = 9;
      result.error = fmt::format("timed out after {}", format_elapsed(options.timeout_ms > 0 ? options.timeout_ms : takes));
      effect.result = "timed out";
      effect.failed = true;
   } else {
      result.started = true;
      result.exit_code = rule == nullptr ? 0 : rule->exit_code.value_or(rule->fails ? 1 : 0);
      // `prints "X"` prints a line, as `echo X` would: one rule for the
      // trailing newline in both worlds (trim() drops it for comparisons).
      result.stdout_tail = rule != nullptr ? rule->output.value_or("") : "";
      if (!result.stdout_tail.empty() && result.stdout_tail.back() != '\n') result.stdout_tail += '\n';
      if (rule != nullptr && rule->fails && !rule->output) result.stdout_tail = "";
      result.output_tail = result.stdout_tail;
      if (result.exit_code != 0) {
         result.error = fmt::format("exited with code {}", result.exit_code);
         if (result.output_tail.empty())
            result.output_tail = fmt::format("simulated failure (scenario line {})\n", rule->loc.line);
      }
      effect.result = fmt::format("exit {}", result.exit_code);
      effect.failed = result.exit_code != 0;
   }
   if (effect.failed) note_fault(effect.at);
   if (options.on_output && !result.output_tail.empty()) options.on_output(result.output_tail);
   if (rule != nullptr && rule->crashes) result.interrupted = crash_after(*rule, effect);
   side_effects_.push_back(effect);
   return result;
}

HttpResponse ScenarioWorld::http(const std::string& step_id, const HttpRequest& request, std::string_view display_url)
{
   const std::string shown(display_url);
   SideEffect effect{clock_.now(), step_id, "http", request.method, shown, "", false, 0, in_rollback_};
   HttpResponse response;

   if (check_interrupts()) {
      response.error = "interrupted before the request was sent";
      effect.result = "interrupted";
      side_effects_.push_back(effect);
      return response;
   }

   const EffectRule* rule = effect_rule(EffectRule::Target::Http, request.method, shown);
   double takes = 0;
   if (rule != nullptr) {
      effect.scenario_line = rule->loc.line;
      takes = rule->takes_ms.value_or(0);
   }
   const double timeout = static_cast<double>(request.total_timeout_ms);
   const bool times_out = rule != nullptr && (rule->times_out || (timeout > 0 && takes > timeout));
   if (times_out && timeout > 0) takes = timeout;
   response.elapsed_ms = takes;

   if (rule != nullptr && rule->unreachable) {
      response.error = rule->error;
      effect.result = "unreachable";
      effect.failed = true;
   } else if (times_out) {
      response.error = fmt::format("timed out after {}", format_elapsed(takes));
      effect.result = "timed out";
      effect.failed = true;
   } else if (rule != nullptr && (rule->fails || rule->status || rule->body)) {
      const long status = rule->status.value_or(rule->fails ? 500 : 200);
      if (status < 400 && !rule->body) {
         // A scripted success without a body: the sandbox model answers (and changes state) as usual.
         response = sandbox_.answer(request);
         response.status = status;
      } else {
         response.ok = true;
         response.status = status;
         response.body = rule->body.value_or(fmt::format("{{\"error\": \"simulated failure (scenario line {})\"}}", rule->loc.line));
      }
      response.elapsed_ms = takes;
      effect.failed = status >= 400;
      effect.result = fmt::format("status {}", status);
   } else {
      response = sandbox_.answer(request);
      response.elapsed_ms = takes;
      effect.result = fmt::format("status {}", response.status);
      effect.failed = response.status >= 400;
   }
   if (effect.failed && rule != nullptr) note_fault(effect.at);
   if (rule != nullptr && rule->crashes) response.cancelled = crash_after(*rule, effect);
   side_effects_.push_back(effect);
   return response;
}

Sample ScenarioWorld::sample(const ResolvedMetric& metric)
{
   const double now = clock_.now();
   check_interrupts();
   if (!metrics_.describes(metric.name) &&
       std::find(undescribed_metrics_.begin(), undescribed_metrics_.end(), metric.name) == undescribed_metrics_.end())
      undescribed_metrics_.push_back(metric.name);
   // A rule with a window is a fault only once a sample it gives makes some
   // watch or trigger condition bad (note_bad_sample): a scripted change that
   // stays healthy is not the fault. A source made unreachable is one at once.
   windowed_since_.erase(metric.name);
   if (const MetricRule* rule = metrics_.deciding_rule(metric.name, now); rule != nullptr && !rule->window.always()) {
      if (const auto span = facts_.span(rule->window)) {
         windowed_since_[metric.name] = span->opens;
         if (rule->shape == MetricRule::Shape::Unreachable) note_fault(span->opens);
      }
   }
   return metrics_.sample(metric.name, now);
}

Answer ScenarioWorld::ask(const Question& question, const std::atomic<bool>* cancel)
{
   const std::string kind = question_kind_word(question.kind);
   AskedQuestion asked{clock_.now(), kind, question.step_id, question.text, "", "", question.choices};

   // The first rule that matches answers: specific answers go before a catch-all.
   // A catch-all (`answer * ...`) whose choice the question does not offer is
   // passed over, so `answer * * yes` never answers "continue, rollback or abort?".
   const AnswerRule* rule = nullptr;
   for (const auto& candidate : scenario_.answers) {
      if ((candidate.kind != "*" && candidate.kind != kind) || !question_matches(candidate.pattern, question.text)) continue;
      if (candidate.kind == "*" && !candidate.never &&
          std::none_of(question.choices.begin(), question.choices.end(),
                       [&](const std::string& c) { return lower(c) == lower(candidate.choice); }))
         continue;
      rule = &candidate;
      break;
   }

   Answer answer;
   if (rule == nullptr) {
      // Nobody scripted this question: answer as --yes would, so a scenario
      // only has to mention the answers that matter to it.
      answer.choice = question.default_choice;
      if (answer.choice.empty() && std::find(question.choices.begin(), question.choices.end(), "yes") != question.choices.end())
         answer.choice = "yes";
      if (answer.choice.empty() && !question.choices.empty()) answer.choice = question.choices.front();
      answer.who = "scenario (default answer)";
   } else if (rule->never) {
      // Nobody answers: time passes until something else stops the wait (a
      // trigger, an interrupt point) or the scenario's limit is reached. The
      // interpreter lets that time pass, sampling triggers (World's timing contract).
      answer.elapsed_ms = std::max(0.0, limit_at() + 1 - clock_.now());
      answer.interrupted = true;
      answer.who = fmt::format("scenario line {} (never answered)", rule->loc.line);
   } else {
      if (cancel != nullptr && cancel->load()) {
         answer.interrupted = true;
         answer.who = fmt::format("scenario line {} (stopped while waiting)", rule->loc.line);
      } else {
         // `after D`: answered D later, if nothing stops the wait first.
         answer.elapsed_ms = rule->after_ms;
         answer.who = fmt::format("scenario line {}", rule->loc.line);
         for (const auto& choice : question.choices)
            if (lower(choice) == lower(rule->choice)) answer.choice = choice;
         if (answer.choice.empty()) {
            std::string offered;
            for (const auto& choice : question.choices) offered += (offered.empty() ? "" : ", ") + choice;
            scenario_errors_.push_back(fmt::format("{}:{}: answers '{}' but the question \"{}\" offers {}", scenario_.source->path,
                                                   rule->loc.line, rule->choice, question.text, offered));
            answer.choice = rule->choice;
         }
      }
   }
   if (answer.elapsed_ms > 0) {
      // Given only if the wait is not cut short: the interpreter's Answer event (observe) confirms it.
      asked.who = answer.choice.empty()
                     ? answer.who
                     : fmt::format("{} (would answer {} after {})", answer.who, answer.choice, format_elapsed(answer.elapsed_ms));
   } else {
      asked.answer = answer.choice;
      asked.who = answer.who;
   }
   questions_.push_back(asked);
   return answer;
}

void ScenarioWorld::observe(const RunEvent& event)
{
   switch (event.kind) {
   case RunEvent::Kind::StepStarted: facts_.step_started(event.step_id, event.at); break;
   case RunEvent::Kind::StepFinished: facts_.step_finished(event.step_id, event.at); break;
   case RunEvent::Kind::Sample:
      if (event.data.is_object()) note_bad_sample(event.data);
      break;
   case RunEvent::Kind::PhaseStarted: {
      std::string title = event_field(event, {"title", "phase"});
      facts_.phase_started(title.empty() ? event.text : title, event.at);
      break;
   }
   case RunEvent::Kind::Answer: {
      // The answer the run took (after a scripted delay, or the one that fails closed).
      for (auto q = questions_.rbegin(); q != questions_.rend(); ++q) {
         if (q->step_id != event.step_id) continue;
         q->answer = event_field(event, {"choice"});
         q->who = event_field(event, {"who"});
         break;
      }
      break;
   }
   case RunEvent::Kind::TriggerFired: {
      std::string name = event_field(event, {"trigger", "name"});
      facts_.trigger_fired(name.empty() ? event.step_id : name, event.at);
      break;
   }
   case RunEvent::Kind::Log:
      if (event.data.is_object() && event.data.contains("rollback_completed")) facts_.rollback_completed(event.at);
      break;
   case RunEvent::Kind::ModeChanged: {
      const std::string mode = event_field(event, {"mode"});
      if (mode.empty() || mode == "rollback") {
         const std::string name = event_field(event, {"rollback", "name"});
         in_rollback_ = true;
         facts_.rollback_started(name, event.at);
      }
      break;
   }
   default: break;
   }
   check_interrupts();
}

}  // namespace runbook::sim
