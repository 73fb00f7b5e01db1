// runbook abort RUN [--rollback NAME]: stop a running run from another
// terminal, or send it into the named rollback at once; an interrupted or
// failed run is put into that rollback, which its next resume runs.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "exec/real_world.hpp"

namespace runbook::cli {

void add_abort_command(CLI::App& app, int& exit_code)
{
   auto run_id = std::make_shared<std::string>();
   auto rollback = std::make_shared<std::string>();
   auto journal_path = std::make_shared<std::string>();
   auto* cmd = app.add_subcommand("abort", "Stop a running run, or start its named rollback at once");
   cmd->add_option("run", *run_id, "The run id")->required();
   cmd->add_option("--rollback", *rollback, "Roll back via this rollback block instead of just stopping")
       ->type_name("NAME");
   add_journal_flag(cmd, *journal_path);
   cmd->callback([=, &exit_code] {
      auto journal = open_journal_or_report(*journal_path, "abort");
      if (!journal) {
         exit_code = exit_code::Invalid;
         return;
      }
      try {
         journal->runs();
         const auto run = journal->run(*run_id);
         if (!run) {
            fmt::print(stderr, "runbook abort: no run {} in {}\n", *run_id, journal->path());
            exit_code = exit_code::Invalid;
            return;
         }
         const bool stopped = run->status == run_status::Interrupted || run->status == run_status::Failed ||
                              run->status == run_status::Aborted;
         if (stopped && !rollback->empty()) {
            // Nobody is there to take a request: the run is put into its
            // rollback in the journal, and the next resume runs that block
            // (after rebuilding the forward path's undo stack).
            journal->enter_rollback(*run_id, *rollback);
            journal->set_status(*run_id, run_status::Interrupted,
                                fmt::format("rollback '{}' requested by {}", *rollback, operator_identity()));
            fmt::print("run {} will roll back via '{}': run `runbook resume {}` to start it\n", *run_id, *rollback,
                       *run_id);
            exit_code = exit_code::Completed;
            return;
         }
         if (run->status != run_status::Running) {
            fmt::print(stderr, "runbook abort: run {} is {}, not running{}\n", *run_id, run->status,
                       stopped ? "; to roll it back, give --rollback NAME" : "");
            exit_code = exit_code::Invalid;
            return;
         }
         journal->post_request(*run_id, "abort", nlohmann::json{{"rollback", *rollback}, {"who", operator_identity()}}.dump());
         fmt::print("{} sent to run {}\n", rollback->empty() ? "abort" : "rollback '" + *rollback + "'", *run_id);
         exit_code = exit_code::Completed;
      } catch (const JournalError& e) {
         fmt::print(stderr, "runbook abort: {}\n", e.what());
         exit_code = exit_code::Invalid;
      }
   });
}

}  // namespace runbook::cli
