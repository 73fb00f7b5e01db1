#include <fmt/core.h>

#include "cli/commands.hpp"

namespace runbook::cli {

void add_version_command(CLI::App& app, int& exit_code)
{
   auto* cmd = app.add_subcommand("version", "Print the version of runbook");
   cmd->callback([&exit_code] {
      fmt::print("runbook 0.1.0\n");
      exit_code = 0;
   });
}

}  // namespace runbook::cli
