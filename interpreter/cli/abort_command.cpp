// runbook abort RUN [--rollback NAME]: stop a running run from another
// terminal, or send it into the named rollback at once; an interrupted or
// failed run is put into that rollback, which its next resume runs.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/run_request.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "exec/real_world.hpp"

namespace runbook::cli {

namespace {

/// Nobody is there to take a request from a stopped run: with --rollback the
/// run is put into its rollback in the journal, and the next resume runs that
/// block (after rebuilding the forward path's undo stack).
int roll_back_stopped_run(Journal& journal, const RunInfo& run, const std::string& rollback)
{
   if (rollback.empty()) {
      fmt::print(stderr, "runbook abort: run {} is {}, not running; to roll it back, give --rollback NAME\n",
                 run.id, run.status);
      return exit_code::Invalid;
   }
   journal.enter_rollback(run.id, rollback);
   journal.set_status(run.id, run_status::Interrupted,
                      fmt::format("rollback '{}' requested by {}", rollback, operator_identity()));
   fmt::print("run {} will roll back via '{}': run `runbook resume {}` to start it\n", run.id, rollback,
              run.id);
   return exit_code::Completed;
}

/// A run already rolling back is not stopped half-way by a plain abort: the
/// run checks again (it may enter a rollback after this), but say it here too.
int refuse_to_stop_rollback(const RunInfo& run, const std::string& rollback)
{
   fmt::print("run {} is already rolling back via '{}': nothing sent ({})\n", run.id, run.rollback_name,
              rollback.empty() || rollback == run.rollback_name
                 ? "runbook abort RUN --stop-rollback stops the rollback"
                 : "a rollback is not switched; --stop-rollback stops it");
   return exit_code::Completed;
}

}  // namespace

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
      bool settled_here = false;
      const auto settle_here = [&](Journal& journal, const RunInfo& run) -> std::optional<int> {
         const bool stopped = run.status == run_status::Interrupted || run.status == run_status::Failed ||
                              run.status == run_status::Aborted;
         const bool rolling_back = run.status == run_status::Running && run.mode == "rollback";
         if (!stopped && !(rolling_back && !*stop_rollback)) return std::nullopt;
         settled_here = true;
         return stopped ? roll_back_stopped_run(journal, run, *rollback) : refuse_to_stop_rollback(run, *rollback);
      };
      exit_code = post_run_request(*journal_path, *run_id, abort_request(*rollback, *stop_rollback, settle_here));
      if (exit_code == exit_code::Completed && !settled_here)
         fmt::print("{} sent to run {}\n",
                    *stop_rollback ? "stop of the rollback" : rollback->empty() ? "abort" : "rollback '" + *rollback + "'",
                    *run_id);
   });
}

}  // namespace runbook::cli
