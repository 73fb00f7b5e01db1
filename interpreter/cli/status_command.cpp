// runbook status [RUN]: where a run stands: phase, step, what it waits for.
#include <map>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "view/journal_view.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "exec/resume_state.hpp"
#include "exec/step_kind.hpp"
#include "exec/value.hpp"

namespace runbook::cli {

namespace {

// A step with a start and no outcome is only "in progress" while a live
// process holds the run; once the run stopped without recording the outcome
// (the process died: SIGKILL, power loss) nobody knows whether it took effect.
std::string step_state_text(const RunInfo& run, const StepRecord& step)
{
   if (!step.outcome.empty()) return step.outcome;
   if (run.status == run_status::Running) return "in progress";
   return fmt::format("in doubt: started, but the process running it is gone before recording an outcome; "
                      "`runbook resume {}` settles it",
                      run.id);
}

/// The runbook's invariants as the run's end journaled them: what to look at
/// after a run whose exit code says nothing about them. A run interrupted
/// while they were read evaluates them again when resumed: the last word counts.
void print_ensures(const std::vector<JournalEvent>& events)
{
   std::map<std::string, std::string> lines;   // ensure/1, ensure/2, ... (more than nine: rare, order by text is fine)
   for (const auto& e : events) {
      if (e.kind != "ensure") continue;
      const nlohmann::json data = nlohmann::json::parse(e.data_json, nullptr, false);
      if (!data.is_object()) continue;
      lines[e.step_id] = data.value("held", false)
                            ? fmt::format("held: {}", data.value("title", ""))
                            : fmt::format("BROKEN: {} ({})", data.value("title", ""), data.value("message", ""));
   }
   for (const auto& [id, line] : lines) fmt::print("ensure:  {}\n", line);
}

/// The run asked for, or the latest; nullopt (said on stderr) when there is none.
std::optional<RunInfo> find_run(Journal& journal, const std::string& run_id)
{
   std::optional<RunInfo> run;
   if (run_id.empty()) {
      const auto runs = journal.runs();   // Also marks dead runs interrupted.
      if (!runs.empty()) run = runs.front();
   } else {
      run = journal.run(run_id);   // Also marks it interrupted when its process is gone.
   }
   if (!run)
      fmt::print(stderr, "runbook status: {}\n", run_id.empty() ? "no runs in " + journal.path() : "no run " + run_id);
   return run;
}

/// The last phase the run entered, as its events tell.
void print_phase(const std::vector<JournalEvent>& events)
{
   std::string phase;
   for (const auto& e : events) {
      if (e.kind != "phase") continue;
      nlohmann::json data = nlohmann::json::parse(e.data_json, nullptr, false);
      if (data.is_object()) phase = data.value("phase", "");
   }
   if (!phase.empty()) fmt::print("phase:   {}\n", phase);
}

/// What a running step waits for, by its kind.
void print_waiting_for(const RunInfo& run, const StepRecord& step, const std::string& summary, const std::string& choices)
{
   const std::optional<StepKind> kind = step_kind_from_string(step.kind);
   if (kind == StepKind::Wait && step.deadline_ms) {
      fmt::print("waiting: until {} UTC (runbook time)\n", wall_time_text(*step.deadline_ms));
   } else if (kind == StepKind::Approve || kind == StepKind::Checklist) {
      fmt::print("waiting: for an answer (runbook approve {} {})\n", run.id, step.step_id);
   } else if (kind == StepKind::Ask) {
      // An ask has no "yes": the answer must name one of its choices.
      fmt::print("waiting: for an answer (runbook approve {} {} --answer CHOICE){}\n", run.id, step.step_id,
                 choices.empty() ? "" : "; choices: " + choices);
   } else if (kind == StepKind::Watch || kind == StepKind::Await) {
      fmt::print("waiting: for the {} to finish: {}\n", step.kind, summary);
   }
}

void print_steps(const RunInfo& run, const std::vector<StepRecord>& steps)
{
   std::size_t done = 0;
   for (const auto& s : steps) done += is_done(s.outcome);
   fmt::print("steps:   {} done\n", done);
   if (run.current_step.empty()) return;
   for (const auto& s : steps) {
      if (s.step_id != run.current_step) continue;
      nlohmann::json inputs = nlohmann::json::parse(s.inputs_json, nullptr, false);
      const std::string summary = inputs.is_object() ? inputs.value("summary", "") : "";
      std::string choices;
      if (inputs.is_object() && inputs.contains("choices") && inputs["choices"].is_array())
         for (const auto& c : inputs["choices"])
            if (c.is_string()) choices += (choices.empty() ? "" : " | ") + c.get<std::string>();
      fmt::print("step:    {} ({}: {}) {}\n", s.step_id, s.kind, summary, step_state_text(run, s));
      if (s.outcome.empty() && run.status == run_status::Running) print_waiting_for(run, s, summary, choices);
   }
}

int run_status_command(const std::string& run_id, const std::string& journal_path)
{
   auto journal = open_journal_or_report(journal_path, "status");
   if (!journal) return exit_code::Invalid;
   try {
      const std::optional<RunInfo> run = find_run(*journal, run_id);
      if (!run) return exit_code::Invalid;
      fmt::print("run:     {}\nrunbook: {} ({})\nstatus:  {}\n", run->id, run->title, run->runbook_path, status_text(*run));
      if (run->mode == "rollback") fmt::print("mode:    rollback via '{}'\n", run->rollback_name);
      if (!run->detail.empty()) fmt::print("detail:  {}\n", run->detail);
      const auto events = journal->events(run->id);
      print_phase(events);
      print_ensures(events);
      print_steps(*run, journal->steps(run->id));
      if (run->status == run_status::Running && run->lease_pid != 0)
         fmt::print("held by: pid {} on {} (heartbeat {})\n", run->lease_pid, run->lease_host,
                    wall_time_text(run->heartbeat_at));
      if (run->status == run_status::Interrupted) fmt::print("next:    runbook resume {}\n", run->id);
   } catch (const JournalError& e) {
      fmt::print(stderr, "runbook status: {}\n", e.what());
      return exit_code::Invalid;
   }
   return exit_code::Completed;
}

}  // namespace

void add_status_command(CLI::App& app, int& exit_code)
{
   auto run_id = std::make_shared<std::string>();
   auto journal_path = std::make_shared<std::string>();
   auto* cmd = app.add_subcommand("status", "Show where a run stands: phase, step, what it waits for");
   cmd->add_option("run", *run_id, "The run id (default: the latest run)");
   add_journal_flag(cmd, *journal_path);
   cmd->callback([=, &exit_code] { exit_code = run_status_command(*run_id, *journal_path); });
}

}  // namespace runbook::cli
