// runbook approve RUN [STEP]: answer a pending approval or checklist item of a
// run from another terminal. The run polls its journal for the request.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "exec/real_world.hpp"

namespace runbook::cli {

void add_approve_command(CLI::App& app, int& exit_code)
{
   auto run_id = std::make_shared<std::string>();
   auto step = std::make_shared<std::string>();
   auto journal_path = std::make_shared<std::string>();
   auto* cmd = app.add_subcommand("approve", "Approve the pending approval (or checklist item) of a running run");
   cmd->add_option("run", *run_id, "The run id")->required();
   cmd->add_option("step", *step, "The step id to approve (default: whatever the run is asking now)");
   add_journal_flag(cmd, *journal_path);
   cmd->callback([=, &exit_code] {
      auto journal = open_journal_or_report(*journal_path, "approve");
      if (!journal) {
         exit_code = exit_code::Invalid;
         return;
      }
      try {
         journal->runs();   // Marks a dead run interrupted, so we can say so.
         const auto run = journal->run(*run_id);
         if (!run) {
            fmt::print(stderr, "runbook approve: no run {} in {}\n", *run_id, journal->path());
            exit_code = exit_code::Invalid;
            return;
         }
         if (run->status != run_status::Running) {
            fmt::print(stderr, "runbook approve: run {} is {}, not running; nothing is waiting for an approval\n",
                       *run_id, run->status);
            exit_code = exit_code::Invalid;
            return;
         }
         journal->post_request(*run_id, "approve", nlohmann::json{{"step", *step}, {"who", operator_identity()}}.dump());
         fmt::print("approval sent to run {}{}\n", *run_id, step->empty() ? "" : " for step " + *step);
         exit_code = exit_code::Completed;
      } catch (const JournalError& e) {
         fmt::print(stderr, "runbook approve: {}\n", e.what());
         exit_code = exit_code::Invalid;
      }
   });
}

}  // namespace runbook::cli
