// runbook log RUN [--json]: the audit trail of a run.
//
// Every step with its outcome, who confirmed which checklist item and when,
// every approval, every sample that decided something, every trigger, every
// request from another terminal. Secrets never reach the journal, so they
// cannot appear here.
#include <map>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "view/journal_view.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"

namespace runbook::cli {

namespace {

/// Like `status`: without a run id, the latest run. nullopt (said on stderr) when there is none.
std::optional<RunInfo> run_to_log(Journal& journal, const std::string& wanted_run_id)
{
   std::optional<RunInfo> run;
   if (wanted_run_id.empty()) {
      const auto runs = journal.runs();
      if (!runs.empty()) run = runs.front();
   } else {
      run = journal.run(wanted_run_id);
   }
   if (!run)
      fmt::print(stderr, "runbook log: {}\n",
                 wanted_run_id.empty() ? "no runs in " + journal.path() : "no run " + wanted_run_id + " in " + journal.path());
   return run;
}

nlohmann::json journal_event_json(const JournalEvent& e)
{
   nlohmann::json data = nlohmann::json::parse(e.data_json.empty() ? "null" : e.data_json, nullptr, false);
   return {{"seq", e.seq},
           {"at", e.at},
           {"wall_at", e.wall_at},
           {"kind", e.kind},
           {"step", e.step_id},
           {"data", data.is_discarded() ? nlohmann::json(e.data_json) : data}};
}

nlohmann::json step_record_json(const std::string& id, const StepRecord& s)
{
   nlohmann::json inputs = nlohmann::json::parse(s.inputs_json.empty() ? "{}" : s.inputs_json, nullptr, false);
   nlohmann::json result = nlohmann::json::parse(s.result_json.empty() ? "{}" : s.result_json, nullptr, false);
   return {{"id", id},
           {"kind", s.kind},
           {"attempt", s.attempt},
           {"outcome", s.outcome.empty() ? "in doubt" : s.outcome},
           {"inputs", inputs.is_discarded() ? nlohmann::json() : inputs},
           {"result", result.is_discarded() ? nlohmann::json() : result},
           {"started_at", s.started_at},
           {"finished_at", s.finished_at}};
}

void print_log_json(const RunInfo& run, const std::map<std::string, StepRecord>& steps,
                    const std::vector<JournalEvent>& events)
{
   nlohmann::json out{{"run", run_json(run)}, {"events", nlohmann::json::array()}, {"steps", nlohmann::json::array()}};
   for (const auto& e : events) out["events"].push_back(journal_event_json(e));
   for (const auto& [id, s] : steps) out["steps"].push_back(step_record_json(id, s));
   fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// An event's line, with what the step record adds: a started step's
/// summary, a finished step's error.
std::string event_line(const JournalEvent& e, const std::map<std::string, StepRecord>& steps, bool two_clocks)
{
   std::string line = event_text(e, two_clocks);
   const auto it = steps.find(e.step_id);
   if (it == steps.end()) return line;
   if (e.kind == "step_started") {
      nlohmann::json inputs = nlohmann::json::parse(it->second.inputs_json, nullptr, false);
      if (inputs.is_object()) line += " " + inputs.value("summary", "");
   }
   if (e.kind == "step_finished") {
      nlohmann::json result = nlohmann::json::parse(it->second.result_json, nullptr, false);
      if (result.is_object() && result.contains("error") && result["error"].is_string())
         line += ": " + result["error"].get<std::string>();
   }
   return line;
}

void print_log_text(const RunInfo& run, const std::map<std::string, StepRecord>& steps,
                    const std::vector<JournalEvent>& events)
{
   fmt::print("run {}: {} ({})\nstatus: {}{}\n\n", run.id, run.title, run.runbook_path, status_text(run),
              run.detail.empty() ? "" : " - " + run.detail);
   // Under --time-scale the live view showed runbook time; the trail
   // shows it too, next to the wall time an operator's other logs use.
   const bool two_clocks = has_two_clocks(run);
   if (two_clocks)
      fmt::print("times: runbook time (--time-scale {}: what the live view showed) and wall time, UTC\n\n",
                 run.time_scale);
   for (const auto& e : events) fmt::print("{}\n", event_line(e, steps, two_clocks));
}

int run_log(const std::string& wanted_run_id, const std::string& journal_path, bool as_json)
{
   auto journal = open_journal_or_report(journal_path, "log");
   if (!journal) return exit_code::Invalid;
   try {
      const std::optional<RunInfo> run = run_to_log(*journal, wanted_run_id);
      if (!run) return exit_code::Invalid;
      std::map<std::string, StepRecord> steps;
      for (auto& step : journal->steps(run->id)) steps[step.step_id] = step;
      const auto events = journal->events(run->id);
      if (as_json)
         print_log_json(*run, steps, events);
      else
         print_log_text(*run, steps, events);
   } catch (const JournalError& e) {
      fmt::print(stderr, "runbook log: {}\n", e.what());
      return exit_code::Invalid;
   }
   return exit_code::Completed;
}

}  // namespace

void add_log_command(CLI::App& app, int& exit_code)
{
   auto run_id = std::make_shared<std::string>();
   auto journal_path = std::make_shared<std::string>();
   auto as_json = std::make_shared<bool>(false);
   auto* cmd = app.add_subcommand("log", "Print the audit trail of a run: steps, answers, samples, triggers");
   cmd->add_option("run", *run_id, "The run id (default: the latest run)");
   add_journal_flag(cmd, *journal_path);
   cmd->add_flag("--json", *as_json, "One JSON document: the run, its events and its steps");
   cmd->callback([=, &exit_code] { exit_code = run_log(*run_id, *journal_path, *as_json); });
}

}  // namespace runbook::cli
