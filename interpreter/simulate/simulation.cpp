#include "simulate/simulation.hpp"
#include "io/human_units.hpp"

#include <memory>
#include <set>

#include <fmt/core.h>

#include "check/front_end.hpp"
#include "check/quantity.hpp"
#include "io/shell_splice.hpp"
#include "syntax/suggest.hpp"
#include "exec/exit_codes.hpp"
#include "exec/interpreter.hpp"
#include "journal/journal.hpp"
#include "simulate/scenario_world.hpp"
#include "simulate/timeline.hpp"
#include "syntax/loader.hpp"

namespace runbook::sim {

namespace {

/// Sends every event to the world (anchors, interrupts) and to the timeline.
class FanOut : public RunObserver {
public:
   FanOut(ScenarioWorld& world, TimelineRecorder& timeline) : world_(world), timeline_(timeline) {}
   void on_event(const RunEvent& event) override
   {
      timeline_.on_event(event);
      world_.observe(event);
   }
   /// The timeline drops them (TimelineRecorder), the world looks only at bad ones.
   bool wants_quiet_samples() const override { return false; }

private:
   ScenarioWorld& world_;
   TimelineRecorder& timeline_;
};

template <typename F>
void for_each_file(const Program& program, F f)
{
   if (program.root) f(*program.root);
   for (const auto& [name, module] : program.modules)
      if (module) f(*module);
}

std::string unit_word(ast::Unit unit)
{
   switch (unit) {
   case ast::Unit::None: return "a plain number";
   case ast::Unit::Percent: return "a percentage";
   case ast::Unit::Duration: return "a duration";
   case ast::Unit::Bytes: return "a size in bytes";
   case ast::Unit::ByteRate: return "a size per time";
   }
   return "a number";
}

/// A bare number given to a metric with a unit: an error, by the rule the
/// checker applies to runbooks (`bare-number`), so a scenario and a runbook
/// never read `0.3` differently. A bare 0 is zero in any unit; the
/// suggestion reads the number in the metric's declared unit (`0.3` on a
/// `unit s` metric: did you mean 300ms?). Returns false when reported.
bool quantity_written(const std::string& metric, MetricRule& rule, Quantity& q, const ast::Metric& declared,
                      Diagnostics& diags)
{
   if (q.unit != ast::Unit::None || declared.unit == ast::Unit::None) return true;
   if (q.value == 0) {
      q.unit = declared.unit;
      return true;
   }
   diags.error(rule.loc, "scenario-bare-number",
               fmt::format("metric '{}' is {} (unit {}), but the scenario gives it the bare number '{}'", metric,
                           unit_word(declared.unit), declared.unit_spelling, q.spelling.empty() ? format_number(q.value) : q.spelling),
               {fmt::format("did you mean {}? (a quantity is written with its unit, in runbooks and scenarios alike)",
                            format_quantity(q.value * declared.scale, declared.unit))});
   return false;
}

/// The scenario must talk about things the runbook has, in the units the
/// runbook's metrics declare.
void check_scenario_against(Scenario& scenario, const Program& program, Diagnostics& diags)
{
   std::map<std::string, const ast::Metric*> metrics;
   std::vector<std::string> metric_names, trigger_names, rollback_names, signal_names, ensure_titles;
   for_each_file(program, [&](const ast::File& file) {
      for (const auto& s : file.signals) signal_names.push_back(s.name);
      for (const auto& e : file.ensures) ensure_titles.push_back(e.title);
      for (const auto& m : file.metrics) {
         metrics.emplace(m.name, &m);
         metric_names.push_back(m.name);
      }
      for (const auto& t : file.triggers) trigger_names.push_back(t.name);
      for (const auto& r : file.rollbacks) rollback_names.push_back(r.name);
   });

   for (auto& rule : scenario.metrics) {
      const auto it = metrics.find(rule.metric);
      if (it == metrics.end()) {
         if (scenario.replay) continue;   // The journal's runbook had it; this one does not: nothing to replay.
         diags.error(rule.loc, "scenario-unknown-metric", fmt::format("the runbook has no metric '{}'", rule.metric),
                     did_you_mean(rule.metric, metric_names));
         continue;
      }
      if (rule.shape == MetricRule::Shape::Unreachable) continue;
      const ast::Unit unit = it->second->unit;
      bool written = quantity_written(rule.metric, rule, rule.value, *it->second, diags);
      if (rule.shape == MetricRule::Shape::Ramp)
         written = quantity_written(rule.metric, rule, rule.to, *it->second, diags) && written;
      if (rule.noise) written = quantity_written(rule.metric, rule, *rule.noise, *it->second, diags) && written;
      if (!written) continue;
      if (rule.value.unit != unit)
         diags.error(rule.loc, "scenario-metric-unit",
                     fmt::format("metric '{}' is {} ({}), but the scenario gives it '{}'", rule.metric, unit_word(unit),
                                 it->second->unit_spelling.empty() ? "no unit" : "unit " + it->second->unit_spelling, rule.value.spelling));
   }
   auto check_trigger = [&](const std::string& name, const Location& loc) {
      if (name.empty() || name.find_first_of("*?") != std::string::npos) return;
      if (std::find(trigger_names.begin(), trigger_names.end(), name) == trigger_names.end())
         diags.error(loc, "scenario-unknown-trigger", fmt::format("the runbook has no trigger '{}'", name), did_you_mean(name, trigger_names));
   };
   auto check_rollback = [&](const std::string& name, const Location& loc) {
      if (name.empty() || name.find_first_of("*?") != std::string::npos) return;
      if (std::find(rollback_names.begin(), rollback_names.end(), name) == rollback_names.end())
         diags.error(loc, "scenario-unknown-rollback", fmt::format("the runbook has no rollback block '{}'", name),
                     did_you_mean(name, rollback_names));
   };
   auto check_anchor = [&](const Anchor& anchor) {
      if (anchor.kind == Anchor::Kind::TriggerFires) check_trigger(anchor.pattern, anchor.loc);
      if (anchor.kind == Anchor::Kind::RollbackStarts) check_rollback(anchor.pattern, anchor.loc);
   };
   for (const auto& rule : scenario.metrics) {
      if (rule.window.from) check_anchor(*rule.window.from);
      if (rule.window.until) check_anchor(*rule.window.until);
   }
   for (const auto& rule : scenario.effects) {
      if (rule.window.from) check_anchor(*rule.window.from);
      if (rule.window.until) check_anchor(*rule.window.until);
   }
   for (const auto& rule : scenario.interrupts) check_anchor(rule.at);
   for (const auto& rule : scenario.actions) {
      check_anchor(rule.at);
      if (rule.kind == ActionRule::Kind::Fire) check_trigger(rule.name, rule.loc);
      else if (std::find(signal_names.begin(), signal_names.end(), rule.name) == signal_names.end())
         diags.error(rule.loc, "scenario-unknown-signal", fmt::format("the runbook has no signal '{}'", rule.name),
                     did_you_mean(rule.name, signal_names));
   }
   for (const auto& rule : scenario.expectations) {
      if (rule.kind == ExpectRule::Kind::Trigger) check_trigger(rule.name, rule.loc);
      if (rule.kind == ExpectRule::Kind::Outcome) check_rollback(rule.name, rule.loc);
      // An invariant the runbook does not declare is never evaluated: the
      // expectation could only fail, saying less than this does.
      if (rule.kind == ExpectRule::Kind::Ensure &&
          std::find(ensure_titles.begin(), ensure_titles.end(), rule.pattern) == ensure_titles.end()) {
         diags.error(rule.loc, "scenario-unknown-ensure",
                     fmt::format("the runbook declares no invariant \"{}\"", rule.pattern),
                     ensure_titles.empty() ? std::vector<std::string>{"it declares no `ensure` at all"}
                                           : did_you_mean(rule.pattern, ensure_titles));
      }
      if (rule.of) check_anchor(*rule.of);
   }
}

/// The `sh` and `http` rules that no call of the run matched, as notes: a
/// pattern that never matched is almost always a typo, and the run it was
/// meant to shape went untested.
std::vector<std::string> unmatched_effect_rules(const Scenario& scenario, const std::vector<SideEffect>& effects)
{
   std::vector<std::string> notes;
   for (const auto& rule : scenario.effects) {
      const bool shell = rule.target == EffectRule::Target::Shell;
      bool matched = false;
      for (const auto& effect : effects) {
         if (effect.kind != (shell ? "sh" : "http")) continue;
         if (!shell && rule.method != "*" && rule.method != effect.method) continue;
         if (glob_match(rule.pattern, effect.target) || (shell && glob_match(rule.pattern, shell_unquoted(effect.target))))
            matched = true;
      }
      if (!matched)
         notes.push_back(fmt::format("scenario line {}: {} \"{}\" matched no {} of the run", rule.loc.line,
                                     shell ? "sh" : "http " + rule.method, rule.pattern, shell ? "command" : "request"));
   }
   return notes;
}

/// Every secret gets a stand-in value: a simulation never reads real secrets.
std::map<std::string, std::string> stand_in_secrets(const Program& program)
{
   std::map<std::string, std::string> env;
   for_each_file(program, [&](const ast::File& file) {
      for (const auto& s : file.secrets) env[s.env_var] = "simulated-" + s.name;
   });
   return env;
}

}  // namespace

std::optional<SimulationResult> simulate(const Scenario& original, const SimulationOptions& options, Diagnostics& diags)
{
   Scenario scenario = original;   // Metric values get scaled to the runbook's units below.
   const std::string runbook_path = options.runbook_path.empty() ? scenario.runbook_path() : options.runbook_path;

   // The scenario's params, then a --params profile, then -p flags (which
   // win), applied as `runbook run -p` would.
   SourceRequest request;
   request.path = runbook_path;
   request.stdlib_dirs = options.stdlib_dirs;
   for (const auto& [name, value] : scenario.params) request.base_params.push_back(name + "=" + value);
   request.params_file = options.params_file;
   request.params = options.params;
   request.check.require_param_values = true;
   // Diagnostics about the runbook point into its source text, which the
   // Program owns: it must outlive this call for the caller to render them
   // (a syntax error, a warning of the checker). The last one loaded on this
   // thread is kept until the next call.
   thread_local std::unique_ptr<CheckedProgram> loaded;
   const CheckedProgram* kept = options.checked;
   if (kept == nullptr) {
      loaded = std::make_unique<CheckedProgram>(load_and_check(request));
      kept = loaded.get();
   }
   diags.append(kept->diags);
   if (!kept->checked && diags.has_errors()) return std::nullopt;   // it did not parse: nothing more to say
   if (!kept->usage_error.empty()) {
      diags.error(scenario.runbook_loc.valid() ? scenario.runbook_loc : Location{scenario.source.get(), 1, 1, 0},
                  "scenario-param", kept->usage_error);
      return std::nullopt;
   }
   if (!kept->checked) return std::nullopt;
   const Program& program = kept->program;
   RunSettings settings;
   for (const auto& flag : kept->param_flags) {
      auto [name, value] = split_param_flag(flag);
      settings.params[name] = value;
   }
   check_scenario_against(scenario, program, diags);
   if (diags.has_errors()) return std::nullopt;

   // The scenario is the operator: every question goes to the world, which answers from it.
   settings.interactive = true;
   settings.assume_yes = false;
   settings.in_doubt = InDoubtPolicy::Ask;
   settings.env_override = stand_in_secrets(program);

   ScenarioWorld world(scenario);
   settings.interrupt = world.interrupt_flag();
   TimelineRecorder timeline(scenario.start_ms);
   FanOut observer(world, timeline);

   // The run's journal lives in memory: a rehearsal is resumed by this
   // process only (docs/verify.md, "How it runs, and how fast").
   auto journal = Journal::open_in_memory();
   // `at WHEN signal|fire NAME` reaches the run as `runbook signal|fire` does: through the journal.
   world.on_action = [&journal](const std::string& kind, const nlohmann::json& data) {
      const auto runs = journal->runs();
      if (!runs.empty()) journal->post_request(runs.front().id, kind, data.dump());
   };

   SimulationResult result;
   result.title = !scenario.title.empty() ? scenario.title : program.root->title;
   result.runbook_path = runbook_path;
   result.scenario_path = scenario.source ? scenario.source->path : std::string();
   result.start_ms = scenario.start_ms;

   RunOutcome outcome;
   {
      Interpreter interpreter(program, world, *journal, observer, settings);
      outcome = interpreter.start(runbook_path);
   }
   // An interrupted run resumes from the journal, as `runbook resume` does;
   // a run stopped by the scenario's limit stays stopped.
   constexpr int max_resumes = 100;
   while (outcome.exit_code == exit_code::Interrupted && !world.limit_reached() && result.interruptions < max_resumes &&
          !outcome.run_id.empty()) {
      ++result.interruptions;
      const double resume_after = world.last_interrupt() != nullptr ? world.last_interrupt()->resume_after_ms : 0;
      timeline.add(world.clock().now(), "interrupt",
                   fmt::format("{}; resumed from the journal{}", world.interrupt_reason().empty() ? "interrupted" : world.interrupt_reason(),
                               resume_after > 0 ? " " + format_elapsed(resume_after) + " later" : ""));
      world.clear_interrupt();
      world.pass_time(resume_after);
      Interpreter interpreter(program, world, *journal, observer, settings);
      outcome = interpreter.resume(outcome.run_id);
   }
   if (world.limit_reached()) {
      timeline.add(world.clock().now(), "limit", world.interrupt_reason());
      result.notes.push_back(world.interrupt_reason() + ": the run was stopped there");
   }

   result.exit_code = outcome.exit_code;
   result.status = outcome.status;
   result.summary = outcome.summary;
   result.variables = outcome.variables;   // what `expect variable` reads
   result.ensures = outcome.ensures;       // what `expect ensure` and verify's "ensure holds" read
   result.end_ms = world.clock().now();
   if (!outcome.run_id.empty()) {
      if (const auto info = journal->run(outcome.run_id)) {
         result.rollback_name = info->rollback_name;
         if (result.status.empty()) result.status = info->status;
      }
      std::set<std::string> seen;
      for (const auto& step : journal->steps(outcome.run_id))
         if (seen.insert(step.step_id).second) result.steps_started.push_back(step.step_id);
   }
   result.timeline = timeline.take();
   result.side_effects = world.side_effects();
   result.questions = world.questions();
   result.triggers_fired = world.facts().triggers();
   result.traffic = world.sandbox().split();
   result.fault_at = world.fault_at();
   result.rollback_at = world.facts().rollback_started_at();
   result.rollback_ended_at = outcome.rollback_ended_at;
   result.undoable_steps = outcome.undoable;
   result.undone_steps = outcome.undone;
   result.facts = world.facts();
   result.scenario_errors = world.scenario_errors();
   if (!world.undescribed_metrics().empty()) {
      std::string names;
      for (const auto& n : world.undescribed_metrics()) names += (names.empty() ? "" : ", ") + n;
      result.notes.push_back(fmt::format("the scenario does not describe {} (sampled as 0)", names));
   }
   for (const std::string& note : unmatched_effect_rules(scenario, result.side_effects)) result.notes.push_back(note);
   return result;
}

}  // namespace runbook::sim
