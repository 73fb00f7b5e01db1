#include "verify/faults.hpp"

#include <map>
#include <optional>
#include <set>

#include <fmt/core.h>

#include "exec/step_kind.hpp"

#include "simulate/scenario.hpp"
#include "verify/world.hpp"

namespace runbook::verify {

namespace {

bool in_rollback_step(const std::string& step_id) { return step_id.rfind("rollback:", 0) == 0; }

/// The steps of an `ensure` invariant (ensure/<n>/...) judge where the path
/// ended; they are not part of it, so no fault is injected into them.
bool in_ensure_step(const std::string& step_id) { return step_id.rfind("ensure/", 0) == 0; }

/// A side effect the way a rule addresses it: `sh "cmd"` or `http POST "url"`, and its call number.
struct EffectPoint {
   const sim::SideEffect* effect = nullptr;
   int call = 0;   ///< 1-based among the calls with the same target.
   double start_ms = 0;   ///< The run's T+0.
   std::string selector() const
   {
      return effect->kind == "sh" ? "sh " + quoted(literal_glob(effect->target))
                                  : fmt::format("http {} {}", effect->method, quoted(literal_glob(effect->target)));
   }
};

/// The first call of each step to each target (a retried or repeated probe is
/// one point), with its call number; `rollback` picks the rollback's or the forward path's.
std::vector<EffectPoint> effect_points(const sim::SimulationResult& run, bool rollback)
{
   std::vector<EffectPoint> points;
   std::map<std::string, int> calls;
   std::set<std::string> seen;
   for (const auto& effect : run.side_effects) {
      if (effect.result == "interrupted") continue;
      const std::string target = effect.kind + " " + effect.method + " " + effect.target;
      const int call = ++calls[target];
      if (effect.in_rollback != rollback || in_ensure_step(effect.step_id)) continue;
      if (!seen.insert(effect.step_id + "\n" + target).second) continue;
      points.push_back({&effect, call, run.start_ms});
   }
   return points;
}

std::string what_of(const sim::SideEffect& effect)
{
   return effect.kind == "sh" ? "`" + effect.target + "`" : effect.method + " " + effect.target;
}

void step_failures(const std::vector<EffectPoint>& points, const std::string& until, std::vector<Fault>& out)
{
   for (const auto& p : points) {
      const std::string window = until.empty() ? "" : " until " + until;
      Fault f;
      f.cls = fault_class::StepFails;
      f.where = p.effect->step_id;
      f.at_ms = p.effect->at - p.start_ms;
      f.what = what_of(*p.effect) + (p.effect->kind == "sh" ? " exits 1" : " answers 500");
      f.rules.push_back(fmt::format("{} fails from call {}{}", p.selector(), p.call, window));
      out.push_back(f);
      if (p.effect->kind == "http") {
         f.what = what_of(*p.effect) + " times out";
         f.rules = {fmt::format("{} times out from call {}{}", p.selector(), p.call, window)};
         out.push_back(f);
      }
   }
}

void question_faults(const sim::SimulationResult& run, bool rollback, std::vector<Fault>& out)
{
   std::set<std::string> seen;
   for (const auto& q : run.questions) {
      if (in_rollback_step(q.step_id) != rollback || q.kind == "in-doubt") continue;
      if (!seen.insert(q.kind + "\n" + q.text).second) continue;
      const std::string selector = fmt::format("answer {} {}", q.kind, quoted(literal_glob(q.text)));
      Fault f;
      f.where = q.step_id;
      f.at_ms = q.at - run.start_ms;
      if (q.kind == "checklist" || q.kind == "approve") {
         f.cls = fault_class::AnsweredNo;
         f.what = "\"" + q.text + "\" answered no";
         f.answers = {selector + " no"};
         out.push_back(f);
      }
      // An ask: every choice the healthy run did not take is a path of its own.
      for (const auto& choice : q.kind == "ask" ? q.choices : std::vector<std::string>{}) {
         if (choice == q.answer) continue;
         f.cls = fault_class::OtherChoice;
         f.what = "\"" + q.text + "\" answered " + choice;
         f.answers = {selector + " " + quoted(choice)};
         out.push_back(f);
      }
      f.cls = fault_class::NeverAnswered;
      f.what = "nobody answers \"" + q.text + "\"";
      f.answers = {selector + " never"};
      out.push_back(f);
   }
}

struct StepStart {
   std::string step_id;
   double at = 0;
   std::optional<StepKind> kind;
   std::string inputs;
};

std::vector<StepStart> step_starts(const sim::SimulationResult& run)
{
   std::vector<StepStart> starts;
   std::set<std::string> seen;
   for (const auto& e : run.timeline) {
      if (e.kind != "step" || e.step_id.empty() || !seen.insert(e.step_id).second) continue;
      StepStart s{e.step_id, e.offset_ms, std::nullopt, ""};
      if (e.data.is_object()) {
         s.kind = step_kind_from_string(e.data.value("kind", ""));
         if (e.data.contains("inputs")) s.inputs = e.data["inputs"].dump();
      }
      starts.push_back(std::move(s));
   }
   return starts;
}

bool mentions(const std::string& text, const std::string& name)
{
   for (std::size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
      const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
      const bool before = at == 0 || !word(text[at - 1]);
      const bool after = at + name.size() >= text.size() || !word(text[at + name.size()]);
      if (before && after) return true;
   }
   return false;
}

void trigger_faults(const RunbookFacts& facts, const std::vector<StepStart>& starts, std::vector<Fault>& out,
                    std::vector<std::string>& notes)
{
   for (const auto& trigger : facts.triggers) {
      if (trigger.breach.empty()) {
         notes.push_back(fmt::format("trigger {}: its condition `{}` is not a comparison of metrics with known thresholds; "
                                     "not injected", trigger.name, trigger.condition_text));
         continue;
      }
      std::vector<std::string> values;
      for (const auto& c : trigger.breach) {
         const std::string v = breaching_value(facts, c.metric, trigger.breach);
         if (v.empty()) break;
         values.push_back(fmt::format("metric {} = {}", c.metric, v));
      }
      if (values.size() != trigger.breach.size()) {
         notes.push_back(fmt::format("trigger {}: no metric values make `{}` true; not injected", trigger.name, trigger.condition_text));
         continue;
      }
      std::set<double> times;   // Steps that start at the same virtual moment give the same path.
      for (const auto& s : starts) {
         if (in_rollback_step(s.step_id)) continue;
         const PhaseFacts* phase = facts.phase_of_step(s.step_id);
         if (phase == nullptr || phase->armed.count(trigger.name) == 0 || !times.insert(s.at).second) continue;
         Fault f;
         f.cls = fault_class::TriggerBreached;
         f.trigger = trigger.name;
         f.where = s.step_id;
         f.at_ms = s.at;
         f.what = fmt::format("`{}` true from the start of this step on", trigger.condition_text);
         for (const auto& v : values) f.rules.push_back(fmt::format("{} from step {} starts", v, quoted(literal_glob(s.step_id))));
         out.push_back(f);
      }
   }
}

void metric_outages(const RunbookFacts& facts, const std::vector<StepStart>& starts, std::vector<Fault>& out)
{
   for (const auto& s : starts) {
      if (s.kind != StepKind::Watch || in_rollback_step(s.step_id)) continue;
      for (const auto& [name, metric] : facts.metrics) {
         if (!mentions(s.inputs, name)) continue;
         Fault f;
         f.cls = fault_class::MetricLost;
         f.where = s.step_id;
         f.at_ms = s.at;
         f.what = fmt::format("{} unreachable for the whole watch", name);
         const std::string step = quoted(literal_glob(s.step_id));
         f.rules.push_back(fmt::format("metric {} = unreachable from step {} starts until step {} finishes", name, step, step));
         out.push_back(f);
      }
   }
   for (const auto& phase : facts.phases) {
      std::set<std::string> metrics;
      for (const auto& name : phase.armed)
         if (const TriggerFacts* t = facts.trigger(name))
            for (const auto& c : t->breach) metrics.insert(c.metric);
      double phase_at = -1;
      for (const auto& s : starts)
         if (facts.phase_of_step(s.step_id) == &phase) { phase_at = s.at; break; }
      if (phase_at < 0) continue;   // The healthy run never reached it.
      for (const auto& name : metrics) {
         Fault f;
         f.cls = fault_class::MetricLost;
         f.where = "phase \"" + phase.title + "\"";
         f.at_ms = phase_at;
         f.what = fmt::format("{} unreachable while the phase's triggers are armed", name);
         f.rules.push_back(fmt::format("metric {} = unreachable from phase {} starts until rollback starts", name,
                                       quoted(literal_glob(phase.title))));
         out.push_back(f);
      }
   }
}

void crashes(const std::vector<EffectPoint>& points, std::vector<Fault>& out)
{
   std::set<std::string> steps;
   for (const auto& p : points) {
      const bool first_of_step = steps.insert(p.effect->step_id).second;
      for (const char* choice : {"redo", "mark done"}) {
         Fault f;
         f.where = p.effect->step_id;
         f.at_ms = p.effect->at - p.start_ms;
         f.in_doubt_choice = choice;
         f.answers = {fmt::format("answer in-doubt * {}", quoted(choice))};
         if (first_of_step) {
            f.cls = fault_class::CrashBefore;
            f.what = fmt::format("the process dies as the step starts, before {}; resumed, in doubt: {}", what_of(*p.effect), choice);
            f.rules = {fmt::format("interrupt at step {} starts", quoted(literal_glob(p.effect->step_id)))};
            out.push_back(f);
         }
         f.cls = fault_class::CrashAfter;
         f.what = fmt::format("the process dies right after {} took effect; resumed, in doubt: {}", what_of(*p.effect), choice);
         f.rules = {fmt::format("{} crashes on call {}", p.selector(), p.call)};
         out.push_back(f);
      }
   }
}

/// The faults inside the rollback that `path` ran: each of its steps
/// failing, each of its questions declined or unanswered, and (verification
/// failing) each metric a trigger watches staying on the bad side while the
/// rollback runs, whatever the fault before it did to the metrics.
std::vector<Fault> rollback_faults(const RunbookFacts& facts, const sim::SimulationResult& path)
{
   std::vector<Fault> faults;
   step_failures(effect_points(path, true), "", faults);
   question_faults(path, true, faults);
   std::set<std::string> done;
   for (const auto& trigger : facts.triggers) {
      if (trigger.warning || trigger.rollback.empty()) continue;
      for (const auto& c : trigger.breach) {
         if (!done.insert(c.metric).second) continue;
         const std::string v = breaching_value(facts, c.metric, {c});
         if (v.empty()) continue;
         Fault f;
         f.cls = fault_class::TriggerBreached;
         f.where = "rollback " + path.rollback_name;
         f.at_ms = path.rollback_at ? *path.rollback_at - path.start_ms : 0;
         f.what = fmt::format("{} stays at {} while the rollback runs", c.metric, v);
         f.rules = {fmt::format("metric {} = {} from rollback starts", c.metric, v)};
         faults.push_back(f);
      }
   }
   return faults;
}

}  // namespace

std::string quoted(const std::string& text)
{
   std::string out = "\"";
   for (const char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      if (c == '\n') { out += "\\n"; continue; }
      if (c == '\t') { out += "\\t"; continue; }
      out += c;
   }
   return out + "\"";
}

std::string literal_glob(const std::string& text)
{
   std::string out = text;
   for (char& c : out)
      if (c == '*') c = '?';
   return out;
}

std::vector<Fault> single_faults(const RunbookFacts& facts, const sim::SimulationResult& healthy, std::vector<std::string>& notes)
{
   std::vector<Fault> faults;
   const auto points = effect_points(healthy, false);
   const auto starts = step_starts(healthy);
   step_failures(points, "rollback starts", faults);
   question_faults(healthy, false, faults);
   trigger_faults(facts, starts, faults, notes);
   metric_outages(facts, starts, faults);
   crashes(points, faults);
   // A runbook whose own path is a rollback (emergency-rollback.rb: its phase
   // says `rollback emergency`) has its failure points there: one fault deep.
   if (healthy.rollback_at) {
      auto inside = rollback_faults(facts, healthy);
      crashes(effect_points(healthy, true), inside);
      faults.insert(faults.end(), inside.begin(), inside.end());
   }
   return faults;
}

std::vector<Fault> second_faults(const RunbookFacts& facts, const Fault& first, const sim::SimulationResult& path)
{
   std::vector<Fault> seconds = rollback_faults(facts, path);
   for (auto& second : seconds) {
      second.depth = 2;
      second.trigger = first.trigger;
      second.cls = first.cls + ", then in the rollback: " + second.cls;
      second.what = first.what + "; then " + second.what;
      second.answers.insert(second.answers.begin(), first.answers.begin(), first.answers.end());
      second.rules.insert(second.rules.begin(), first.rules.begin(), first.rules.end());
      if (second.in_doubt_choice.empty()) second.in_doubt_choice = first.in_doubt_choice;
   }
   return seconds;
}

}  // namespace runbook::verify
