#include <fmt/core.h>

#include "cli/commands.hpp"

namespace runbook::cli {

void add_version_command(CLI::App& app, int& exit_code)
{
   auto* cmd = app.add_subcommand("version", "Print the version of runbook");
   cmd->callback([&exit_code] {
      fmt::print("runbook {}\n", RUNBOOK_VERSION);   // project(VERSION) in CMakeLists.txt
      exit_code = 0;
   });
}

}  // namespace runbook::cli
