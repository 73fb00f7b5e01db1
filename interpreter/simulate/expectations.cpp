#include "simulate/expectations.hpp"
#include "io/human_units.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

#include "journal/journal.hpp"
#include "simulate/notifications.hpp"
#include "simulate/scenario_parser.hpp"

namespace runbook::sim {

namespace {

std::string outcome_words(const ExpectRule& rule)
{
   if (rule.outcome == "rolled_back") return rule.name.empty() ? "rolled back" : "rolled back via " + rule.name;
   if (rule.outcome == "rollback_failed") return "rollback failed";
   return rule.outcome;
}

std::string describe_anchor(const Anchor& anchor)
{
   std::string event;
   switch (anchor.kind) {
   case Anchor::Kind::Start: return fmt::format("T+{}", format_elapsed(anchor.offset_ms));
   case Anchor::Kind::TrafficReaches: event = fmt::format("traffic {} reaches {}%", anchor.environment, anchor.percent); break;
   case Anchor::Kind::StepStarts: event = fmt::format("step \"{}\" starts", anchor.pattern); break;
   case Anchor::Kind::StepFinishes: event = fmt::format("step \"{}\" finishes", anchor.pattern); break;
   case Anchor::Kind::PhaseStarts: event = fmt::format("phase \"{}\" starts", anchor.pattern); break;
   case Anchor::Kind::RollbackStarts: event = anchor.pattern.empty() ? "rollback starts" : fmt::format("rollback {} starts", anchor.pattern); break;
   case Anchor::Kind::TriggerFires: event = fmt::format("trigger {} fires", anchor.pattern); break;
   }
   return anchor.offset_ms > 0 ? fmt::format("{} after {}", format_elapsed(anchor.offset_ms), event) : event;
}

bool compare(double actual, const std::string& op, double expected)
{
   const double tolerance = 1e-9 * std::max(1.0, std::fabs(expected));
   if (op == "==") return std::fabs(actual - expected) <= tolerance;
   if (op == "!=") return std::fabs(actual - expected) > tolerance;
   if (op == "<") return actual < expected;
   if (op == "<=") return actual <= expected + tolerance;
   if (op == ">") return actual > expected;
   return actual >= expected - tolerance;
}

/// A number from a variable's JSON form: a number, {"value": n, ...}, or a string such as "25%".
std::optional<double> number_of(const nlohmann::json& value)
{
   if (value.is_number()) return value.get<double>();
   if (value.is_object() && value.contains("value") && value["value"].is_number()) return value["value"].get<double>();
   if (value.is_string()) {
      Quantity q;
      std::string error;
      if (parse_quantity(value.get<std::string>(), q, error)) return q.value;
   }
   return std::nullopt;
}

/// What `of ...` names: an anchor, the first trigger that fired, or the fault.
std::string reference_words(const ExpectRule& rule)
{
   if (rule.of_trigger) return "the first trigger";
   return rule.of ? describe_anchor(*rule.of) : "the fault";
}

std::optional<double> reference_of(const ExpectRule& rule, const SimulationResult& result)
{
   if (rule.of_trigger) {
      if (result.triggers_fired.empty()) return std::nullopt;
      return result.triggers_fired.front().second;
   }
   return rule.of ? result.facts.resolve(*rule.of) : result.fault_at;
}

ExpectationResult check_rollback_completed(const ExpectRule& rule, const SimulationResult& result)
{
   ExpectationResult r;
   r.rule = &rule;
   const std::string of = reference_words(rule);
   r.expected = fmt::format("rollback completed within {} of {}", format_elapsed(rule.within_ms), of);
   const std::optional<double> reference = reference_of(rule, result);
   const std::optional<double> completed = result.facts.rollback_completed_at();
   if (!reference) {
      r.actual = fmt::format("{} never happened", of);
   } else if (!completed) {
      r.actual = fmt::format("{} was at {}, but no rollback block completed", of, format_offset(*reference - result.start_ms));
   } else {
      r.passed = *completed - *reference <= rule.within_ms;
      r.actual = fmt::format("{} was at {}; the rollback completed at {}, {} later", of,
                             format_offset(*reference - result.start_ms), format_offset(*completed - result.start_ms),
                             format_elapsed(*completed - *reference));
   }
   return r;
}

/// " from A until B": the window of a notification expectation, in words.
std::string describe_window(const Window& window)
{
   std::string out;
   if (window.from) out += " from " + describe_anchor(*window.from);
   if (window.until) out += " by " + describe_anchor(*window.until);
   if (window.for_ms) out += " for " + format_elapsed(*window.for_ms);
   return out;
}

/// `expect notification "GLOB" sent [N times] [at D] [window]` / `never sent`:
/// the notifications whose text matches, counted while the window is open
/// (and, with `at D`, only those sent exactly D after T+0). A window's end is
/// inclusive ("by 5m after ..." allows exactly 5m); an anchor the run never
/// reached fails the expectation instead of counting nothing.
/// `expect ensure "TITLE" held|broken`: the invariant as evaluated when the run ended.
void check_ensure(const ExpectRule& rule, const SimulationResult& result, ExpectationResult& r)
{
   const bool want_held = !rule.negated;
   r.expected = fmt::format("ensure \"{}\" {}", rule.pattern, want_held ? "held" : "broken");
   for (const auto& e : result.ensures) {
      if (e.title != rule.pattern) continue;
      r.passed = e.held == want_held;
      r.actual = e.held ? "it held" : "it was broken: " + e.message;
      return;
   }
   r.actual = "it was not evaluated (the run did not end, or the runbook declares no such invariant)";
}

void check_notification(const ExpectRule& rule, const SimulationResult& result, ExpectationResult& r)
{
   const std::string sent = rule.negated ? "never sent"
                            : rule.number < 0 ? "sent"
                                              : fmt::format("sent {} time{}", rule.number, rule.number == 1 ? "" : "s");
   const std::string at = rule.at_ms ? " at " + format_offset(*rule.at_ms) : "";
   r.expected = fmt::format("notification \"{}\" {}{}{}", rule.pattern, sent, at, describe_window(rule.window));
   const auto span = result.facts.span(rule.window);
   if (!span) {
      r.actual = fmt::format("{} never happened", describe_anchor(*rule.window.from));
      return;
   }
   if (rule.window.until && !span->closes) {
      r.actual = fmt::format("{} never happened", describe_anchor(*rule.window.until));
      return;
   }
   int count = 0;
   std::string first_match, last_other;
   for (const auto& n : notifications_of(result)) {
      if (!glob_match(rule.pattern, n.text)) continue;
      const bool inside = n.at >= span->opens && (!span->closes || n.at <= *span->closes) &&
                          (!rule.at_ms || n.at - result.start_ms == *rule.at_ms);
      const std::string where = fmt::format("at {} to {}", format_offset(n.at - result.start_ms), n.to);
      if (inside) {
         ++count;
         if (first_match.empty()) first_match = where;
      } else {
         last_other = where;
      }
   }
   r.passed = rule.number < 0 ? count > 0 : count == rule.number;
   if (count > 0)
      r.actual = fmt::format("{} matching notification{} went out in that time, the first {}", count, count == 1 ? "" : "s", first_match);
   else if (!last_other.empty())
      r.actual = fmt::format("none went out in that time (one went out {})", last_other);
   else
      r.actual = "no matching notification went out";
}

ExpectationResult check_one(const ExpectRule& rule, const SimulationResult& result)
{
   ExpectationResult r;
   r.rule = &rule;
   switch (rule.kind) {
   case ExpectRule::Kind::Outcome: {
      r.expected = "outcome " + outcome_words(rule);
      r.passed = result.status == rule.outcome && (rule.name.empty() || rule.name == result.rollback_name);
      r.actual = "the run ended " + describe_outcome(result);
      break;
   }
   case ExpectRule::Kind::ExitCode:
      r.expected = fmt::format("exit {}", rule.number);
      r.passed = result.exit_code == rule.number;
      r.actual = fmt::format("the run exited with {}", result.exit_code);
      break;
   case ExpectRule::Kind::Trigger: {
      r.expected = fmt::format("trigger {} {}", rule.name, rule.negated ? "not fired" : "fired");
      std::optional<double> fired;
      for (const auto& [name, at] : result.triggers_fired)
         if (name == rule.name) {
            fired = at;
            break;
         }
      r.passed = rule.negated ? !fired : fired.has_value();
      r.actual = fired ? fmt::format("it fired at {}", format_offset(*fired - result.start_ms)) : "it never fired";
      break;
   }
   case ExpectRule::Kind::RollbackCompleted: return check_rollback_completed(rule, result);
   case ExpectRule::Kind::RollbackWithin: {
      const std::string of = reference_words(rule);
      r.expected = fmt::format("rollback within {} of {}", format_elapsed(rule.within_ms), of);
      const std::optional<double> reference = reference_of(rule, result);
      const SideEffect* first = result.first_rollback_effect();
      if (!reference) {
         r.actual = rule.of ? fmt::format("{} never happened", of) : "no fault took effect";
      } else if (!result.rollback_at) {
         r.actual = fmt::format("{} was at {}, but the run never rolled back", of, format_offset(*reference - result.start_ms));
      } else if (first == nullptr) {
         r.actual = fmt::format("the rollback started at {} but made no side effect", format_offset(*result.rollback_at - result.start_ms));
      } else {
         const double delay = first->at - *reference;
         r.passed = delay <= rule.within_ms;
         r.actual = fmt::format("{} was at {}; the rollback's first side effect ({} {}) came at {}, {} later",
                                of, format_offset(*reference - result.start_ms), first->kind,
                                first->method.empty() ? first->target : first->method + " " + first->target,
                                format_offset(first->at - result.start_ms), format_elapsed(delay));
      }
      break;
   }
   case ExpectRule::Kind::Step: {
      r.expected = fmt::format("step \"{}\" {}", rule.pattern, rule.negated ? "never ran" : "ran");
      const std::string* match = nullptr;
      for (const auto& id : result.steps_started)
         if (glob_match(rule.pattern, id)) {
            match = &id;
            break;
         }
      r.passed = rule.negated ? match == nullptr : match != nullptr;
      r.actual = match != nullptr ? fmt::format("step {} ran", *match) : "no step with a matching id ran";
      break;
   }
   case ExpectRule::Kind::Variable: {
      r.expected = fmt::format("variable {} {} {}", rule.name, rule.op,
                               rule.value_is_string ? "\"" + rule.value_text + "\"" : rule.value_text);
      const auto it = result.variables.find(rule.name);
      if (it == result.variables.end()) {
         r.actual = fmt::format("there is no variable {} at the end of the run", rule.name);
         break;
      }
      r.actual = fmt::format("{} is {}", rule.name, it->dump());
      if (rule.value_is_string) {
         const bool equal = it->is_string() && it->get<std::string>() == rule.value_text;
         r.passed = rule.op == "==" ? equal : !equal;
      } else if (rule.value_text == "true" || rule.value_text == "false") {
         const bool equal = it->is_boolean() && it->get<bool>() == (rule.value_text == "true");
         r.passed = rule.op == "==" ? equal : !equal;
      } else if (const auto actual = number_of(*it)) {
         r.passed = compare(*actual, rule.op, rule.value->value);
      }
      break;
   }
   case ExpectRule::Kind::Traffic: {
      r.expected = fmt::format("traffic {} {}", rule.name, rule.value_text.empty() ? rule.value->spelling : rule.value_text);
      const auto it = result.traffic.find(rule.name);
      const double share = it == result.traffic.end() ? 0 : it->second;
      r.passed = compare(share, "==", rule.value->value);
      std::string split;
      for (const auto& [environment, percent] : result.traffic)
         split += fmt::format("{}{} {}%", split.empty() ? "" : ", ", environment, percent);
      r.actual = "the final split is " + split;
      break;
   }
   case ExpectRule::Kind::OneEnvironment: {
      r.expected = "traffic on one environment";
      std::string split;
      for (const auto& [environment, percent] : result.traffic) {
         if (compare(percent, "==", 100)) r.passed = true;
         split += fmt::format("{}{} {}%", split.empty() ? "" : ", ", environment, percent);
      }
      r.actual = "the final split is " + split;
      break;
   }
   case ExpectRule::Kind::Notification: check_notification(rule, result, r); break;
   case ExpectRule::Kind::Ensure: check_ensure(rule, result, r); break;
   case ExpectRule::Kind::Question: {
      r.expected = fmt::format("question \"{}\" {}", rule.pattern, rule.negated ? "never asked" : "asked");
      const AskedQuestion* match = nullptr;
      for (const auto& q : result.questions)
         if (question_matches(rule.pattern, q.text)) {
            match = &q;
            break;
         }
      r.passed = rule.negated ? match == nullptr : match != nullptr;
      r.actual = match != nullptr ? fmt::format("\"{}\" was asked at {}", match->text, format_offset(match->at - result.start_ms))
                                  : "no matching question was asked";
      break;
   }
   case ExpectRule::Kind::Calls: {
      const std::string what = rule.shell ? fmt::format("sh \"{}\"", rule.pattern) : fmt::format("http {} \"{}\"", rule.method, rule.pattern);
      r.expected = rule.number == 0 ? what + " never called" : fmt::format("{} called {} time{}", what, rule.number, rule.number == 1 ? "" : "s");
      int calls = 0;
      for (const auto& effect : result.side_effects) {
         if (effect.kind != (rule.shell ? "sh" : "http")) continue;
         if (!rule.shell && rule.method != "*" && effect.method != rule.method) continue;
         if (effect.result == "interrupted") continue;   // never happened
         if (glob_match(rule.pattern, effect.target)) ++calls;
      }
      r.passed = calls == rule.number;
      r.actual = fmt::format("it was called {} time{}", calls, calls == 1 ? "" : "s");
      break;
   }
   }
   return r;
}

}  // namespace

std::vector<ExpectationResult> check_expectations(const Scenario& scenario, const SimulationResult& result)
{
   std::vector<ExpectationResult> results;
   results.reserve(scenario.expectations.size());
   for (const auto& rule : scenario.expectations) results.push_back(check_one(rule, result));
   return results;
}

std::string describe_failure(const Scenario& scenario, const ExpectationResult& failure)
{
   return fmt::format("{}:{}: expected {}, but {}", scenario.source ? scenario.source->path : std::string("scenario"),
                      failure.rule != nullptr ? failure.rule->loc.line : 0, failure.expected, failure.actual);
}

}  // namespace runbook::sim
