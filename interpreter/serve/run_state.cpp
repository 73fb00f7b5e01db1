// The run's state block: what `runbook status` says, plus the conditions,
// triggers and timers its events tell, and the forms to act on it.
#include <map>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "exec/resume_state.hpp"
#include "exec/step_kind.hpp"
#include "serve/pages.hpp"
#include "view/journal_view.hpp"

namespace runbook::serve {

namespace {

nlohmann::json parsed(const std::string& text)
{
   nlohmann::json data = nlohmann::json::parse(text.empty() ? "{}" : text, nullptr, false);
   return data.is_object() ? data : nlohmann::json::object();
}

std::string text_of(const nlohmann::json& data, const char* key)
{
   if (!data.contains(key)) return "";
   return data[key].is_string() ? data[key].get<std::string>() : data[key].dump();
}

struct PhaseAt {
   std::string title, slug;
   std::size_t number = 0, of = 0;
};

PhaseAt phase_at(const std::vector<JournalEvent>& events, const RunPlan& plan)
{
   PhaseAt at;
   for (const auto& e : events) {
      if (e.kind != "phase") continue;
      const auto data = parsed(e.data_json);
      at.title = text_of(data, "phase");
      at.slug = text_of(data, "slug");
   }
   if (!plan.plan) return at;
   at.of = plan.plan->phases.size();
   for (const auto& phase : plan.plan->phases)
      if (phase.slug == at.slug) at.number = phase.number;
   return at;
}

std::string action_form(const RunInfo& run, const Viewer& viewer, const char* action, const std::string& fields,
                        const std::string& button)
{
   return fmt::format(R"(<form method="post" action="/runs/{}/{}">{}{}<button>{}</button></form>)", url_encode(run.id),
                      action, csrf_field(viewer), fields, button);
}

std::string hidden(const char* name, const std::string& value)
{
   return fmt::format(R"(<input type="hidden" name="{}" value="{}">)", name, escape(value));
}

/// The question the current step asks, with its answers as buttons.
std::string question_block(const RunInfo& run, const std::vector<StepRecord>& steps, const Viewer& viewer)
{
   if (run.status != run_status::Running) return "";
   for (const auto& step : steps) {
      if (step.step_id != run.current_step || !step.outcome.empty()) continue;
      const std::optional<StepKind> kind = step_kind_from_string(step.kind);
      if (kind != StepKind::Approve && kind != StepKind::Checklist && kind != StepKind::Ask) return "";
      const auto inputs = parsed(step.inputs_json);
      std::string out = fmt::format(R"(<section class="notice" aria-live="polite"><h2>Waiting for an answer</h2><p>{} ({}): {}</p>)",
                                    escape(step.step_id), escape(step.kind), escape(text_of(inputs, "summary")));
      if (!viewer.signed_in()) return out + "<p>Sign in to answer.</p></section>";
      const std::string step_field = hidden("step", step.step_id);
      if (kind == StepKind::Ask && inputs.contains("choices") && inputs["choices"].is_array()) {
         for (const auto& choice : inputs["choices"])
            if (choice.is_string())
               out += action_form(run, viewer, "approve", step_field + hidden("answer", choice.get<std::string>()),
                                  "Answer " + escape(choice.get<std::string>()));
      } else {
         out += action_form(run, viewer, "approve", step_field, "Approve");
         out += action_form(run, viewer, "approve", step_field + hidden("answer", "no"), "Answer no");
      }
      return out + "</section>";
   }
   return "";
}

/// A number at the start of a journaled value ("0.4%" -> 0.4), if any.
std::optional<double> leading_number(const std::string& text)
{
   try {
      std::size_t used = 0;
      const double value = std::stod(text, &used);
      return used > 0 ? std::optional<double>(value) : std::nullopt;
   } catch (const std::exception&) {
      return std::nullopt;
   }
}

/// The threshold of a `metric OP number` condition.
std::optional<double> threshold_of(const std::string& condition)
{
   for (const char* op : {"<=", ">=", "<", ">", "=="}) {
      const auto at = condition.find(op);
      if (at != std::string::npos) return leading_number(condition.substr(at + std::string(op).size()));
   }
   return std::nullopt;
}

const plan::PlanStep* find_step(const std::vector<plan::PlanStep>& steps, const std::string& id)
{
   for (const auto& step : steps) {
      if (step.id == id) return &step;
      if (const auto* inner = find_step(step.children, id)) return inner;
   }
   return nullptr;
}

/// What the current step checks, as the plan words it (a watch's conditions
/// and thresholds): the journal keeps only the samples that decide.
std::string current_step_plan(const RunInfo& run, const RunPlan& plan)
{
   if (!plan.plan || run.current_step.empty()) return "";
   const plan::PlanStep* step = nullptr;
   for (const auto& phase : plan.plan->phases)
      if (!step) step = find_step(phase.steps, run.current_step);
   if (!step || step->details.empty()) return "";
   std::string items;
   for (const auto& detail : step->details) items += "<li>" + escape(detail) + "</li>";
   return "<section><h2>The current step checks</h2><p>" + escape(step->text) + "</p><ul>" + items + "</ul></section>";
}

/// Each watched condition with its latest verdict and its recent values.
std::string conditions_block(const std::vector<JournalEvent>& events)
{
   struct Seen { std::string step, verdict, last; std::vector<double> values; };
   std::map<std::string, Seen> seen;
   std::vector<std::string> order;
   for (const auto& e : events) {
      if (e.kind != "sample") continue;
      const auto data = parsed(e.data_json);
      const std::string condition = text_of(data, "condition");
      if (!seen.count(condition)) order.push_back(condition);
      Seen& s = seen[condition];
      s.step = e.step_id;
      // A watch's or trigger's sample says its verdict in words (holding,
      // pending, breached, monitoring lost: exec's own); a step's timed
      // check says whether it was met.
      const bool failed = data.value("met", true) == false || data.value("passed", true) == false;
      s.verdict = data.contains("verdict") ? text_of(data, "verdict") : failed ? "not met" : "met";
      if (data.contains("values") && data["values"].is_object() && !data["values"].empty()) {
         s.last = data["values"].dump();
         const auto& first = data["values"].begin().value();
         if (first.is_string())
            if (const auto value = leading_number(first.get<std::string>())) s.values.push_back(*value);
         if (first.is_number()) s.values.push_back(first.get<double>());
         if (s.values.size() > 60) s.values.erase(s.values.begin());
      }
   }
   if (order.empty()) return "";
   std::string rows;
   for (const auto& condition : order) {
      const Seen& s = seen[condition];
      rows += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"status\">{}</td><td>{}</td><td>{}</td></tr>",
                          escape(s.step), escape(condition), escape(s.verdict), escape(s.last),
                          sparkline(s.values, threshold_of(condition), "recent values of " + condition));
   }
   return "<section><h2>Watched conditions</h2><table><thead><tr><th>Step</th><th>Condition</th><th>Latest</th>"
          "<th>Values</th><th>Recent samples</th></tr></thead><tbody>" +
          rows + "</tbody></table></section>";
}

/// The triggers the current phase arms, each with its latest event.
std::string triggers_block(const RunInfo& run, const std::vector<JournalEvent>& events, const RunPlan& plan,
                           const PhaseAt& phase, const Viewer& viewer)
{
   if (!plan.plan) return "";
   std::map<std::string, std::string> state;
   for (const auto& e : events)
      if (e.kind == "trigger") {
         const auto data = parsed(e.data_json);
         state[text_of(data, "trigger")] = text_of(data, "event");
      }
   std::string rows;
   for (const auto& trigger : plan.plan->triggers) {
      bool armed = false;
      for (const auto& slug : trigger.armed_in) armed = armed || slug == phase.slug;
      if (!armed && !state.count(trigger.name)) continue;
      const std::string now = state.count(trigger.name) ? state[trigger.name] : armed ? "armed" : "";
      const std::string fire = viewer.signed_in() && run.status == run_status::Running && armed
                                  ? action_form(run, viewer, "fire", hidden("trigger", trigger.name), "Fire")
                                  : "";
      rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"status\">{}</td><td>{}</td></tr>",
                          escape(trigger.name), escape(trigger.severity), escape(trigger.condition), escape(now), fire);
   }
   if (rows.empty()) return "";
   return "<section><h2>Triggers</h2><table><thead><tr><th>Trigger</th><th>Severity</th><th>Condition</th>"
          "<th>State</th><th></th></tr></thead><tbody>" +
          rows + "</tbody></table></section>";
}

/// Pending `after` timers, and the signals that would cancel them.
std::string timers_block(const std::vector<JournalEvent>& events)
{
   std::map<std::string, std::string> pending;   // timer id -> signal
   for (const auto& e : events) {
      if (e.kind != "timer") continue;
      const auto data = parsed(e.data_json);
      if (text_of(data, "event") == "armed") pending[e.step_id] = text_of(data, "signal");
      else pending.erase(e.step_id);
   }
   if (pending.empty()) return "";
   std::string items;
   for (const auto& [id, signal] : pending)
      items += fmt::format("<li>{}{}</li>", escape(id), signal.empty() ? "" : " (cancelled by signal " + escape(signal) + ")");
   return "<section><h2>Pending timers</h2><ul>" + items + "</ul></section>";
}

/// Abort, rollback and signal: a running run only, a signed-in operator only.
std::string actions_block(const RunInfo& run, const RunPlan& plan, const Viewer& viewer)
{
   if (run.status != run_status::Running) return "";
   if (!viewer.signed_in()) return "<p>Sign in to approve, abort, roll back, fire a trigger or give a signal.</p>";
   std::string rollbacks = R"(<option value="">none: just stop</option>)";
   if (plan.plan)
      for (const auto& rollback : plan.plan->rollbacks)
         rollbacks += fmt::format("<option>{}</option>", escape(rollback.name));
   return "<section class=\"actions\"><h2>Act</h2>" +
          action_form(run, viewer, "abort", "<label>Rollback <select name=\"rollback\">" + rollbacks + "</select></label> ",
                      "Abort") +
          action_form(run, viewer, "signal",
                      R"(<label>Signal <input name="signal" value="resolved" size="12" required></label> )", "Give signal") +
          "</section>";
}

}  // namespace

std::string run_state(Journal& journal, const RunInfo& run, const std::vector<JournalEvent>& events,
                      const RunPlan& plan, const Viewer& viewer)
{
   const auto steps = journal.steps(run.id);
   const PhaseAt phase = phase_at(events, plan);
   std::size_t done = 0;
   for (const auto& s : steps) done += is_done(s.outcome);
   std::string current;
   for (const auto& s : steps)
      if (s.step_id == run.current_step)
         current = fmt::format("{} ({}: {}) {}", s.step_id, s.kind, text_of(parsed(s.inputs_json), "summary"),
                               s.outcome.empty() ? (run.status == run_status::Running ? "in progress" : "in doubt") : s.outcome);
   std::string facts = fmt::format(
      "<dl><dt>Status</dt><dd class=\"status status-{}\">{}</dd>", escape(run.status), escape(status_text(run)));
   if (run.mode == "rollback") facts += "<dt>Rollback</dt><dd>" + escape(run.rollback_name) + "</dd>";
   if (!run.detail.empty()) facts += "<dt>Detail</dt><dd>" + escape(run.detail) + "</dd>";
   if (!phase.title.empty())
      facts += fmt::format("<dt>Phase</dt><dd>{}{}</dd>", phase.number ? fmt::format("{}/{}: ", phase.number, phase.of) : "",
                           escape(phase.title));
   facts += fmt::format("<dt>Steps done</dt><dd>{}</dd>", done);
   if (!current.empty()) facts += "<dt>Current step</dt><dd>" + escape(current) + "</dd>";
   facts += "</dl>";
   return facts + question_block(run, steps, viewer) + current_step_plan(run, plan) + conditions_block(events) +
          triggers_block(run, events, plan, phase, viewer) + timers_block(events) + actions_block(run, plan, viewer);
}

}  // namespace runbook::serve
