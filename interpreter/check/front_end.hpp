// The front end: a runbook's source plus param values, turned into a checked
// program. Every command that reads a runbook goes through here (check, plan,
// graph, run, resume, simulate, verify), so a runbook means the same to each.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "check/checker.hpp"
#include "syntax/loader.hpp"

namespace runbook {

/// Where the runbook comes from and which param values it gets, lowest priority first.
struct SourceRequest {
   std::string path;                              ///< The runbook (as the journal and diagnostics name it).
   /// Not empty: the texts journaled when a run started, by path; the disk is
   /// not read (resume continues with the source it started with).
   std::map<std::string, std::string> journaled;
   /// Not null (and `journaled` empty): every file is read through it
   /// (`runbook diff --git` reads the old side from git).
   SourceProvider* provider = nullptr;
   std::vector<std::string> stdlib_dirs;          ///< --stdlib DIR, searched after the defaults.
   std::vector<std::string> base_params;          ///< name=value set first: a scenario's, or a journaled run's.
   std::string params_file;                       ///< --params FILE: a profile, after base_params.
   std::vector<std::string> params;               ///< -p name=value, last: they win.
   CheckOptions check;
};

struct CheckedProgram {
   Program program;
   Diagnostics diags;                        ///< Parse and check diagnostics (they point into `program`).
   std::vector<std::string> param_flags;     ///< Every name=value applied, in order (a later one wins).
   std::set<std::string> given_params;       ///< The names param_flags set.
   std::string usage_error;                  ///< A bad param flag or profile: no diagnostics, just this.
   bool checked = false;                     ///< check_program ran: the tree parsed and the params applied.

   bool ok() const { return usage_error.empty() && !diags.has_errors(); }
};

/// Loads the runbook and its modules, applies the params, and checks the
/// whole program. Nothing is printed; the caller renders `diags` and
/// `usage_error`. A file with syntax errors is not checked further: after a
/// syntax error the tree lacks whatever did not parse, and checking it would
/// report every use of a dropped declaration as undefined.
CheckedProgram load_and_check(const SourceRequest& request);

/// `name=value` split at the first '=': (name, value), or (flag, "") without one.
std::pair<std::string, std::string> split_param_flag(const std::string& flag);

}  // namespace runbook
