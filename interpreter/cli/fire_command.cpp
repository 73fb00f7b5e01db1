// runbook fire RUN NAME: fire a trigger of a running run by hand (a manual
// trigger such as "Critical security vulnerability discovered", or any armed
// trigger). The run journals who fired it and acts as the trigger says; it
// refuses a trigger the current phase does not arm, saying which phases do.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/run_request.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"

namespace runbook::cli {

void add_fire_command(CLI::App& app, int& exit_code)
{
   auto run_id = std::make_shared<std::string>();
   auto trigger = std::make_shared<std::string>();
   auto journal_path = std::make_shared<std::string>();
   auto* cmd = app.add_subcommand("fire", "Fire a trigger of a running run (manual triggers)");
   cmd->add_option("run", *run_id, "The run id")->required();
   cmd->add_option("trigger", *trigger, "The trigger's name")->required();
   add_journal_flag(cmd, *journal_path);
   cmd->callback([=, &exit_code] {
      exit_code = post_run_request(*journal_path, *run_id, fire_request(*run_id, *trigger));
      if (exit_code == exit_code::Completed) fmt::print("trigger {} fired on run {}\n", *trigger, *run_id);
   });
}

}  // namespace runbook::cli
