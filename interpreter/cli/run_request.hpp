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

/// Says why a request to a running run would do nothing (e.g. an abort of a
/// run that is already rolling back), or nothing when it should be sent.
using RequestPointless = std::function<std::optional<std::string>(const RunInfo&)>;

/// As above, but first asks `pointless`: when it has a reason, the reason is
/// printed, nothing is sent and the exit code is 0 (nothing went wrong).
int post_run_request(const std::string& journal_path, const std::string& run_id, const char* kind, nlohmann::json data,
                     const char* not_running_note, const RequestPointless& pointless);

}  // namespace runbook::cli
