// Requests from another terminal to a running run, through the journal:
// `runbook approve`, `abort`, `signal`, `resolve` and `fire` all post one and
// the run picks it up between two looks at the world (exec/supervisor.cpp).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace runbook::cli {

/// Posts `kind` with `data` (plus who) to the running run `run_id`. Prints
/// what went wrong and returns exit_code::Invalid when there is no such
/// run or it is not running; otherwise exit_code::Completed.
int post_to_running_run(const std::string& journal_path, const std::string& run_id, const char* command,
                        const std::string& kind, nlohmann::json data);

}  // namespace runbook::cli
