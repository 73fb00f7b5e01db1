// Reading a runbook for a command: the flags every reading command shares
// (-p, --stdlib), loading with its modules, applying -p, and checking.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "check/checker.hpp"
#include "syntax/loader.hpp"

namespace runbook::cli {

struct LoadFlags {
   std::vector<std::string> params;          ///< -p name=value, in order.
   std::vector<std::string> stdlib_dirs;     ///< --stdlib DIR, searched after the defaults.
   std::string params_file;                  ///< --params FILE: a profile, applied before -p.
};

/// Adds `--params FILE` (runbooks/profiles/*.params) to `cmd`.
void add_params_file_flag(CLI::App* cmd, std::string& file);

/// Adds `-p name=value` (repeatable), `--params FILE` and `--stdlib DIR` (repeatable) to `cmd`.
void add_load_flags(CLI::App* cmd, LoadFlags& flags);

struct LoadedRunbook {
   Program program;
   Diagnostics diags;                        ///< Parse and check diagnostics, sorted.
   std::set<std::string> given_params;       ///< Params set with -p.
   std::string usage_error;                  ///< A bad -p flag: no diagnostics, just this.

   bool ok() const { return usage_error.empty() && !diags.has_errors(); }
};

/// Loads `path` and its modules, applies the -p flags, and checks the whole
/// program. Nothing is printed; the caller renders `diags` / `usage_error`.
/// A file with syntax errors is not checked further (its semantic errors
/// would mostly be echoes of what did not parse).
LoadedRunbook load_and_check(const std::string& path, const LoadFlags& flags, const CheckOptions& options = {});

}  // namespace runbook::cli
