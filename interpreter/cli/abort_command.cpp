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
   add_journal_flag(cmd, *journal_path);
   cmd->callback([=, &exit_code] {
      exit_code = post_run_request(*journal_path, *run_id, "abort", {{"rollback", *rollback}});
      if (exit_code == exit_code::Completed)
         fmt::print("{} sent to run {}\n", rollback->empty() ? "abort" : "rollback '" + *rollback + "'", *run_id);
   });
}

}  // namespace runbook::cli
