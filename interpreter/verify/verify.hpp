// `runbook verify`: explore every failure path of a runbook on the virtual
// clock and report each one that ends unsafe (docs/verify.md).
//
//   1. the healthy world (a base scenario, or derived from the runbook) and
//      the healthy run in it;
//   2. every single fault at every point of that run (faults.hpp), each path
//      simulated by the real interpreter (path_runner.hpp);
//   3. with depth 2, a second fault inside each rollback a first one started;
//   4. the properties judged on every path (properties.hpp).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "syntax/diagnostic.hpp"
#include "verify/path_runner.hpp"
#include "verify/properties.hpp"

namespace runbook::verify {

struct VerifyOptions {
   std::string runbook_path;
   std::string scenario_path;              ///< --scenario: the base world; empty: derive it.
   std::vector<std::string> params;        ///< -p name=value.
   std::string params_file;                ///< --params FILE, applied before -p.
   std::vector<std::string> stdlib_dirs;
   int depth = 1;
   int jobs = 1;
};

struct PathVerdict {
   PathResult path;
   std::vector<Broken> broken;             ///< Empty: safe.
   std::string scenario_file;              ///< Where --out wrote its reproduction.
};

struct ClassTally {
   std::string cls;
   int explored = 0;
   int safe = 0;
};

struct VerifyReport {
   std::string runbook_path;
   BaseWorld base;
   PathVerdict healthy;                    ///< The run without a fault.
   std::vector<std::string> notes;         ///< What could not be injected, and why.
   std::vector<ClassTally> classes;        ///< In the order the classes first appear.
   std::vector<PathVerdict> unsafe;
   int paths = 0;                          ///< Explored and counted (the healthy run included).
   int depth = 1;
   int jobs = 1;
   double seconds = 0;                     ///< Wall time of the exploration.
   double limit_ms = 0;

   bool all_safe() const { return unsafe.empty(); }
};

/// Explores and judges every path. Problems with the runbook go to `diags`,
/// others (a -p flag, an unreadable or invalid base scenario) to `error`;
/// either gives nothing.
std::optional<VerifyReport> verify(const VerifyOptions& options, Diagnostics& diags, std::string& error);

}  // namespace runbook::verify
