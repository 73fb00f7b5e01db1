// runbook abort RUN [--rollback NAME]: stop a running run from another
// terminal, or send it into the named rollback at once.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/run_request.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"

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
      // The run checks again (it may enter a rollback after this), but say it here too.
      bool pointless = false;
      const auto already_rolling_back = [&](const RunInfo& run) -> std::optional<std::string> {
         if (run.mode != "rollback" || *stop_rollback) return std::nullopt;
         pointless = true;
         return fmt::format("run {} is already rolling back via '{}': nothing sent ({})", *run_id, run.rollback_name,
                            rollback->empty() || *rollback == run.rollback_name
                               ? "runbook abort RUN --stop-rollback stops the rollback"
                               : "a rollback is not switched; --stop-rollback stops it");
      };
      exit_code = post_run_request(*journal_path, *run_id, "abort",
                                   {{"rollback", *rollback}, {"stop_rollback", *stop_rollback}}, "",
                                   already_rolling_back);
      if (exit_code == exit_code::Completed && !pointless)
         fmt::print("{} sent to run {}\n",
                    *stop_rollback ? "stop of the rollback" : rollback->empty() ? "abort" : "rollback '" + *rollback + "'",
                    *run_id);
   });
}

}  // namespace runbook::cli
