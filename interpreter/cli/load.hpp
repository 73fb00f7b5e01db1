// The flags every command that reads a runbook shares (-p, --params,
// --stdlib, --journal), declared once, and what they ask the front end
// (check/front_end.hpp) for.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "check/front_end.hpp"
#include "journal/journal.hpp"

namespace runbook::cli {

struct LoadFlags {
   std::vector<std::string> params;          ///< -p name=value, in order.
   std::vector<std::string> stdlib_dirs;     ///< --stdlib DIR, searched after the defaults.
   std::string params_file;                  ///< --params FILE: a profile, applied before -p.
};

/// Adds `-p name=value` (repeatable), `--params FILE` and `--stdlib DIR` (repeatable) to `cmd`.
void add_load_flags(CLI::App* cmd, LoadFlags& flags);
/// Adds only `--stdlib DIR` (repeatable): for commands whose runbooks come from elsewhere.
void add_stdlib_flag(CLI::App* cmd, std::vector<std::string>& dirs);
/// Adds `--journal PATH`; `help` says what the command reads or writes there.
void add_journal_flag(CLI::App* cmd, std::string& journal,
                      const char* help = "The journal database (default: .runbook/journal.db)");

/// What the flags ask of the front end for the runbook at `path`.
SourceRequest source_request(const std::string& path, const LoadFlags& flags, const CheckOptions& options = {});

/// name=value flags for the param values run `run` journaled when it started
/// (redacted: a secret's value is not among them).
std::vector<std::string> journaled_param_flags(const RunInfo& run);

}  // namespace runbook::cli
