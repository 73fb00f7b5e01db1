// runbook runs: every run in the journal, newest first, or those a filter matches.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "view/journal_view.hpp"

namespace runbook::cli {

void add_runs_command(CLI::App& app, int& exit_code)
{
   auto journal_path = std::make_shared<std::string>();
   auto json_output = std::make_shared<bool>(false);
   auto filter = std::make_shared<RunFilter>();
   auto* cmd = app.add_subcommand("runs", "List the runs in the journal, newest first");
   add_journal_flag(cmd, *journal_path);
   cmd->add_flag("--json", *json_output, "One JSON array instead of a table");
   cmd->add_option("--runbook", filter->runbook_path, "Only the runs of this runbook (its path as it was run)")
       ->type_name("PATH");
   cmd->add_option("--status", filter->status, "Only the runs with this status (running, interrupted, completed, "
                   "failed, aborted, rolled_back, rollback_failed)")->type_name("STATUS");
   cmd->add_option("--operator", filter->operator_name, "Only the runs this operator started (RUNBOOK_OPERATOR)")
       ->type_name("NAME");
   cmd->callback([journal_path, json_output, filter, &exit_code] {
      auto journal = open_journal_or_report(*journal_path, "runs");
      if (!journal) {
         exit_code = exit_code::Invalid;
         return;
      }
      std::vector<RunInfo> runs;
      try {
         runs = journal->find_runs(*filter);
      } catch (const JournalError& e) {
         fmt::print(stderr, "runbook runs: {}\n", e.what());
         exit_code = exit_code::Invalid;
         return;
      }
      if (*json_output) {
         nlohmann::json out = nlohmann::json::array();
         for (const auto& run : runs) out.push_back(run_json(run));
         fmt::print("{}\n", out.dump(2));
      } else if (runs.empty()) {
         fmt::print("no runs in {}\n", journal->path());
      } else {
         fmt::print("{:<28} {:<16} {:<20} {}\n", "RUN", "STATUS", "STARTED", "RUNBOOK");
         for (const auto& run : runs)
            fmt::print("{:<28} {:<16} {:<20} {} ({})\n", run.id, status_text(run), wall_time_text(run.started_at),
                       run.title, run.runbook_path);
      }
      exit_code = exit_code::Completed;
   });
}

}  // namespace runbook::cli
