// runbook abort RUN [--rollback NAME]: stop a running run from another
// terminal, or send it into the named rollback at once.
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
   auto stop_rollback = std::make_shared<bool>(false);
   cmd->add_flag("--stop-rollback", *stop_rollback,
                 "Stop a run that is rolling back, half-way (a plain abort or --rollback does not)");
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
         if (run->status != run_status::Running) {
            fmt::print(stderr, "runbook abort: run {} is {}, not running\n", *run_id, run->status);
            exit_code = exit_code::Invalid;
            return;
         }
         if (run->mode == "rollback" && !*stop_rollback) {
            // The run checks again (it may enter a rollback after this), but say it here too.
            fmt::print("run {} is already rolling back via '{}': nothing sent ({})\n", *run_id, run->rollback_name,
                       rollback->empty() || *rollback == run->rollback_name
                          ? "runbook abort RUN --stop-rollback stops the rollback"
                          : "a rollback is not switched; --stop-rollback stops it");
            exit_code = exit_code::Completed;
            return;
         }
         journal->post_request(*run_id, "abort",
                               nlohmann::json{{"rollback", *rollback},
                                              {"stop_rollback", *stop_rollback},
                                              {"who", operator_identity()}}
                                  .dump());
         fmt::print("{} sent to run {}\n",
                    *stop_rollback ? "stop of the rollback" : rollback->empty() ? "abort" : "rollback '" + *rollback + "'",
                    *run_id);
         exit_code = exit_code::Completed;
      } catch (const JournalError& e) {
         fmt::print(stderr, "runbook abort: {}\n", e.what());
         exit_code = exit_code::Invalid;
      }
   });
}

}  // namespace runbook::cli
