// Requests to a running run from another terminal (`runbook approve`,
// `runbook abort`): the run polls its journal for them.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "journal/journal.hpp"

namespace runbook::cli {

/// Posts a request of `kind` ("approve", "abort") with `data` (the operator's
/// name is added as "who") to run `run_id` in the journal at `journal_path`.
/// Returns the exit code; when nothing could be sent it has said why on
/// stderr ("runbook KIND: ..."): no such run, a run not running (then
/// `not_running_note` follows the status, e.g. "; nothing is waiting for an
/// approval"), or a journal that cannot be read.
int post_run_request(const std::string& journal_path, const std::string& run_id, const char* kind, nlohmann::json data,
                     const char* not_running_note = "");

/// Looks at the run before anything is sent. It may settle the request
/// itself (say why, return the exit code: nothing is posted), e.g. an abort of
/// a run already rolling back, or of a stopped run that can only be rolled
/// back in the journal; or return nothing for the usual checks and the post.
using BeforeRequest = std::function<std::optional<int>(Journal&, const RunInfo&)>;

/// As above, with `before` asked first.
int post_run_request(const std::string& journal_path, const std::string& run_id, const char* kind, nlohmann::json data,
                     const char* not_running_note, const BeforeRequest& before);

}  // namespace runbook::cli
