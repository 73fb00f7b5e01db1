#include "cli/commands.hpp"

namespace runbook::cli {

// Each is defined in cli/<name>_command.cpp.
void add_version_command(CLI::App& app, int& exit_code);

const std::vector<AddCommand>& all_commands()
{
   static const std::vector<AddCommand> commands = {
      add_version_command,
   };
   return commands;
}

}  // namespace runbook::cli
