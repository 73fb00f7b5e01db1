// runbook log RUN [--json]: the audit trail of a run.
//
// Every step with its outcome, who confirmed which checklist item and when,
// every approval, every sample that decided something, every trigger, every
// request from another terminal. Secrets never reach the journal, so they
// cannot appear here.
#include <map>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/journal_view.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"

namespace runbook::cli {

namespace {

int run_log(const std::string& wanted_run_id, const std::string& journal_path, bool as_json)
{
   auto journal = open_journal_or_report(journal_path, "log");
   if (!journal) return exit_code::Invalid;
   try {
      // Like `status`: without a run id, the latest run.
      std::optional<RunInfo> run;
      if (wanted_run_id.empty()) {
         const auto runs = journal->runs();
         if (!runs.empty()) run = runs.front();
      } else {
         run = journal->run(wanted_run_id);
      }
      if (!run) {
         fmt::print(stderr, "runbook log: {}\n",
                    wanted_run_id.empty() ? "no runs in " + journal->path() : "no run " + wanted_run_id + " in " + journal->path());
         return exit_code::Invalid;
      }
      const std::string run_id = run->id;
      std::map<std::string, StepRecord> steps;
      for (auto& step : journal->steps(run_id)) steps[step.step_id] = step;
      const auto events = journal->events(run_id);
      if (as_json) {
         nlohmann::json out{{"run", run_json(*run)}, {"events", nlohmann::json::array()}, {"steps", nlohmann::json::array()}};
         for (const auto& e : events) {
            nlohmann::json data = nlohmann::json::parse(e.data_json.empty() ? "null" : e.data_json, nullptr, false);
            out["events"].push_back({{"seq", e.seq},
                                     {"at", e.at},
                                     {"wall_at", e.wall_at},
                                     {"kind", e.kind},
                                     {"step", e.step_id},
                                     {"data", data.is_discarded() ? nlohmann::json(e.data_json) : data}});
         }
         for (const auto& [id, s] : steps) {
            nlohmann::json inputs = nlohmann::json::parse(s.inputs_json.empty() ? "{}" : s.inputs_json, nullptr, false);
            nlohmann::json result = nlohmann::json::parse(s.result_json.empty() ? "{}" : s.result_json, nullptr, false);
            out["steps"].push_back({{"id", id},
                                    {"kind", s.kind},
                                    {"attempt", s.attempt},
                                    {"outcome", s.outcome.empty() ? "in doubt" : s.outcome},
                                    {"inputs", inputs.is_discarded() ? nlohmann::json() : inputs},
                                    {"result", result.is_discarded() ? nlohmann::json() : result},
                                    {"started_at", s.started_at},
                                    {"finished_at", s.finished_at}});
         }
         fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
         return exit_code::Completed;
      }
      fmt::print("run {}: {} ({})\nstatus: {}{}\n\n", run->id, run->title, run->runbook_path, status_text(*run),
                 run->detail.empty() ? "" : " - " + run->detail);
      // Under --time-scale the live view showed runbook time; the trail
      // shows it too, next to the wall time an operator's other logs use.
      const bool two_clocks = has_two_clocks(*run);
      if (two_clocks)
         fmt::print("times: runbook time (--time-scale {}: what the live view showed) and wall time, UTC\n\n",
                    run->time_scale);
      for (const auto& e : events) {
         std::string line = event_text(e, two_clocks);
         if (e.kind == "step_started") {
            auto it = steps.find(e.step_id);
            if (it != steps.end()) {
               nlohmann::json inputs = nlohmann::json::parse(it->second.inputs_json, nullptr, false);
               if (inputs.is_object()) line += " " + inputs.value("summary", "");
            }
         }
         if (e.kind == "step_finished") {
            auto it = steps.find(e.step_id);
            if (it != steps.end()) {
               nlohmann::json result = nlohmann::json::parse(it->second.result_json, nullptr, false);
               if (result.is_object() && result.contains("error") && result["error"].is_string())
                  line += ": " + result["error"].get<std::string>();
            }
         }
         fmt::print("{}\n", line);
      }
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
