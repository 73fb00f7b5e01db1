// The command table: one function per `runbook` subcommand, each in its own file.
//
// A command adds its CLI11 subcommand (flags, help) to the app; its callback
// stores the process exit code in `exit_code`. Exit codes are documented in
// docs/cli.md and listed in exec/exit_codes.hpp.
#pragma once

#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace runbook::cli {

using AddCommand = void (*)(CLI::App& app, int& exit_code);

struct Command {
   const char* name;    ///< As typed: `runbook NAME` (the name its AddCommand gives CLI11).
   AddCommand add;
};

/// Every subcommand, in the order `runbook --help` lists them.
const std::vector<Command>& all_commands();

/// The command `runbook NAME` names, or null.
const Command* find_command(std::string_view name);

/// Declares to `app` the command the command line names, only that one
/// (declaring every command's flags cost a third of `runbook check`'s
/// start-up); all of them when the line names none (--help, --version).
/// A first word that is no command is said, with the closest name, and
/// false returned: the caller exits 2.
bool add_commands_for(CLI::App& app, int& exit_code, int argc, char** argv);

}  // namespace runbook::cli
