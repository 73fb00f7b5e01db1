// The command table: one function per `runbook` subcommand, each in its own file.
//
// A command adds its CLI11 subcommand (flags, help) to the app; its callback
// stores the process exit code in `exit_code`. Exit codes are documented in
// docs/cli.md and listed in exec/exit_codes.hpp.
#pragma once

#include <CLI/CLI.hpp>

namespace runbook::cli {

using AddCommand = void (*)(CLI::App& app, int& exit_code);

/// Every subcommand, in the order `runbook --help` lists them.
const std::vector<AddCommand>& all_commands();

}  // namespace runbook::cli
