#include "simulate/timeline.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace runbook::sim {

namespace {

/// The word the timeline shows for an event kind; empty: not shown.
std::string kind_word(const RunEvent& event)
{
   using K = RunEvent::Kind;
   switch (event.kind) {
   case K::RunStarted: return "start";
   case K::RunResumed: return "resume";
   case K::PhaseStarted: return "phase";
   case K::StepStarted: return "step";
   case K::StepOutput: return "";           // Command output: in the journal, not in a review.
   case K::StepFinished: return "done";
   case K::StepSkipped: return "skipped";
   case K::Sample: return "sample";
   case K::TriggerFired: return "trigger";
   case K::TriggerCleared: return "cleared";
   case K::Question: return "question";
   case K::Answer: return "answer";
   case K::Log: return "log";
   case K::Notify: return "notify";
   case K::ModeChanged: return "rollback";
   case K::Ensure: return "ensure";
   case K::RunFinished: return "finish";
   case K::JournalUnreachable:
   case K::JournalBack: return "";          // A rehearsal's journal is in memory: never away.
   }
   return "event";
}

/// One line: newlines and tabs become spaces so a timeline row never breaks.
std::string one_line(const std::string& text)
{
   std::string out;
   out.reserve(text.size());
   for (const char c : text) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
   while (!out.empty() && out.back() == ' ') out.pop_back();
   return out;
}

std::string markdown_cell(const std::string& text)
{
   std::string out;
   for (const char c : one_line(text)) {
      if (c == '|') out += "\\|";
      else out += c;
   }
   return out;
}

std::string utc_time(double ms)
{
   const long long total = static_cast<long long>(ms / 1000);
   long long days = total / 86400;
   const long long secs = total % 86400;
   // Civil from days (Howard Hinnant's algorithm).
   days += 719468;
   const long long era = (days >= 0 ? days : days - 146096) / 146097;
   const long long doe = days - era * 146097;
   const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
   const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
   const long long mp = (5 * doy + 2) / 153;
   const long long d = doy - (153 * mp + 2) / 5 + 1;
   const long long m = mp < 10 ? mp + 3 : mp - 9;
   const long long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
   return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, secs / 3600, (secs / 60) % 60, secs % 60);
}

std::string outcome_line(const SimulationResult& result)
{
   return fmt::format("{} at {}", describe_outcome(result), format_offset(result.end_ms - result.start_ms));
}

nlohmann::json side_effect_json(const SideEffect& e, double start)
{
   nlohmann::json j = {{"at", format_offset(e.at - start)}, {"offset_ms", e.at - start}, {"step", e.step_id}, {"kind", e.kind},
                       {"target", e.target}, {"result", e.result}, {"failed", e.failed}, {"in_rollback", e.in_rollback}};
   if (!e.method.empty()) j["method"] = e.method;
   if (e.scenario_line > 0) j["scenario_line"] = e.scenario_line;
   return j;
}

std::string render_text(const SimulationResult& r, const std::vector<ExpectationResult>& expectations)
{
   std::string out;
   out += fmt::format("Simulation: {}\n", r.title);
   out += fmt::format("Runbook:    {}\n", r.runbook_path);
   out += fmt::format("Scenario:   {}\n", r.scenario_path);
   out += fmt::format("T+0:        {} (virtual time)\n\n", utc_time(r.start_ms));
   for (const auto& e : r.timeline) {
      out += fmt::format("{}  {:<9} ", format_offset(e.offset_ms), e.kind);
      if (!e.step_id.empty()) out += "[" + e.step_id + "] ";
      out += one_line(e.text) + "\n";
   }
   out += fmt::format("\nOutcome: {}\n", outcome_line(r));
   for (const auto& note : r.notes) out += "Note: " + note + "\n";
   for (const auto& error : r.scenario_errors) out += "Scenario error: " + error + "\n";
   if (!expectations.empty()) {
      out += "\nExpectations:\n";
      for (const auto& x : expectations)
         out += fmt::format("  {}  {}{}\n", x.passed ? "pass" : "FAIL", x.expected, x.passed ? "" : " (" + x.actual + ")");
   }
   return out;
}

std::string render_markdown(const SimulationResult& r, const std::vector<ExpectationResult>& expectations)
{
   std::string out;
   out += fmt::format("### Simulation: {}\n\n", markdown_cell(r.title));
   out += fmt::format("Runbook `{}`, scenario `{}`; virtual time from T+0 = {}.\n\n", r.runbook_path, r.scenario_path, utc_time(r.start_ms));
   out += fmt::format("**Outcome:** {}\n\n", outcome_line(r));
   out += "| Time | Event | Step | Detail |\n|---|---|---|---|\n";
   for (const auto& e : r.timeline)
      out += fmt::format("| {} | {} | {} | {} |\n", format_offset(e.offset_ms), e.kind,
                         e.step_id.empty() ? std::string() : "`" + markdown_cell(e.step_id) + "`", markdown_cell(e.text));
   if (!r.notes.empty() || !r.scenario_errors.empty()) {
      out += "\n";
      for (const auto& note : r.notes) out += "> Note: " + markdown_cell(note) + "\n";
      for (const auto& error : r.scenario_errors) out += "> Scenario error: " + markdown_cell(error) + "\n";
   }
   if (!expectations.empty()) {
      out += "\n**Expectations:**\n\n";
      for (const auto& x : expectations)
         out += fmt::format("- [{}] {}{}\n", x.passed ? "x" : " ", markdown_cell(x.expected),
                            x.passed ? "" : " (**failed:** " + markdown_cell(x.actual) + ")");
   }
   return out;
}

std::string render_json(const SimulationResult& r, const std::vector<ExpectationResult>& expectations)
{
   nlohmann::json events = nlohmann::json::array();
   for (const auto& e : r.timeline) {
      nlohmann::json j = {{"at", format_offset(e.offset_ms)}, {"offset_ms", e.offset_ms}, {"kind", e.kind}, {"text", e.text}};
      if (!e.step_id.empty()) j["step"] = e.step_id;
      if (!e.data.is_null() && !e.data.empty()) j["data"] = e.data;
      events.push_back(std::move(j));
   }
   nlohmann::json effects = nlohmann::json::array();
   for (const auto& e : r.side_effects) effects.push_back(side_effect_json(e, r.start_ms));
   nlohmann::json questions = nlohmann::json::array();
   for (const auto& q : r.questions)
      questions.push_back({{"at", format_offset(q.at - r.start_ms)}, {"kind", q.kind}, {"step", q.step_id}, {"text", q.text},
                           {"answer", q.answer}, {"who", q.who}});
   nlohmann::json triggers = nlohmann::json::array();
   for (const auto& [name, at] : r.triggers_fired) triggers.push_back({{"trigger", name}, {"at", format_offset(at - r.start_ms)}});
   nlohmann::json doc = {
      {"format_version", 1},
      {"title", r.title},
      {"runbook", r.runbook_path},
      {"scenario", r.scenario_path},
      {"start", utc_time(r.start_ms)},
      {"outcome",
       {{"status", r.status}, {"exit_code", r.exit_code}, {"rollback", r.rollback_name}, {"summary", r.summary},
        {"at", format_offset(r.end_ms - r.start_ms)}, {"interruptions", r.interruptions}}},
      {"events", std::move(events)},
      {"side_effects", std::move(effects)},
      {"questions", std::move(questions)},
      {"triggers_fired", std::move(triggers)},
      {"traffic", r.traffic},
      {"notes", r.notes},
      {"scenario_errors", r.scenario_errors},
   };
   if (!expectations.empty()) {
      nlohmann::json xs = nlohmann::json::array();
      for (const auto& x : expectations)
         xs.push_back({{"line", x.rule != nullptr ? x.rule->loc.line : 0}, {"expected", x.expected}, {"passed", x.passed}, {"actual", x.actual}});
      doc["expectations"] = std::move(xs);
   }
   // replace: a binary body (the tracking pixel) in the timeline must not throw.
   return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string TimelineRecorder::scrub(const std::string& text) const
{
   std::string out = one_line(text);
   for (const auto& id : run_ids_) {
      std::size_t pos = 0;
      while ((pos = out.find(id, pos)) != std::string::npos) {
         out.replace(pos, id.size(), "SIMULATED");
         pos += 9;
      }
   }
   return out;
}

void TimelineRecorder::on_event(const RunEvent& event)
{
   const std::string kind = kind_word(event);
   if (kind.empty()) return;
   nlohmann::json data = event.data;
   if (data.is_object() && data.contains("run_id") && data["run_id"].is_string()) {
      const std::string id = data["run_id"].get<std::string>();
      if (!id.empty() && std::find(run_ids_.begin(), run_ids_.end(), id) == run_ids_.end()) run_ids_.push_back(id);
      data["run_id"] = "SIMULATED";
   }
   if (event.kind == RunEvent::Kind::Sample) {
      // A long watch samples every 30s for hours: show the samples that
      // decide something (a verdict that changes, a breach, an error), not
      // the hundreds that confirm nothing changed.
      const std::string verdict = data.is_object() ? data.value("verdict", std::string()) : std::string();
      const std::string key =
         event.step_id + "|" + (data.is_object() ? data.value("trigger", data.value("condition", std::string())) : std::string());
      const auto previous = verdicts_.find(key);
      const bool changed = previous == verdicts_.end() ? verdict != "holding" : previous->second != verdict;
      verdicts_[key] = verdict;
      if (!changed) return;
   }
   if (data.is_object()) data.erase("at");   // Absolute virtual ms: the entry's offset says it.
   entries_.push_back(TimelineEntry{event.at - start_ms_, kind, event.step_id, scrub(event.text), std::move(data)});
}

void TimelineRecorder::add(double at, std::string kind, std::string text, nlohmann::json data)
{
   entries_.push_back(TimelineEntry{at - start_ms_, std::move(kind), "", scrub(text), std::move(data)});
}

bool parse_timeline_format(const std::string& word, TimelineFormat& format)
{
   if (word == "text") format = TimelineFormat::Text;
   else if (word == "markdown" || word == "md") format = TimelineFormat::Markdown;
   else if (word == "json") format = TimelineFormat::Json;
   else return false;
   return true;
}

std::string render_timeline(const SimulationResult& result, TimelineFormat format, const std::vector<ExpectationResult>& expectations)
{
   switch (format) {
   case TimelineFormat::Text: return render_text(result, expectations);
   case TimelineFormat::Markdown: return render_markdown(result, expectations);
   case TimelineFormat::Json: return render_json(result, expectations);
   }
   return {};
}

}  // namespace runbook::sim
