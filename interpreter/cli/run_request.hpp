// Requests to a running run from another terminal (`runbook approve`,
// `abort`, `signal`, `resolve`, `fire`): each is posted to the journal, and
// the run picks it up between two looks at the world (exec/supervisor.cpp).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "journal/journal.hpp"

namespace runbook::cli {

/// Looks at the run before anything is sent. It may settle the request
/// itself (say why, return the exit code: nothing is posted), e.g. an abort of
/// a run already rolling back, or of a stopped run that can only be rolled
/// back in the journal; or return nothing for the usual checks and the post.
using BeforeRequest = std::function<std::optional<int>(Journal&, const RunInfo&)>;

struct RunRequest {
   const char* command;                 ///< The command's word, for messages: "resolve".
   const char* kind;                    ///< What the run reads: "signal" (`resolve` is a signal).
   nlohmann::json data;                 ///< The operator's name is added as "who".
   /// Follows "run R is S, not running" when it is not: what to do about it.
   std::string not_running_note;
   BeforeRequest before;                ///< Optional: see above.
};

/// The note for a request that only a running run can take (a signal, a
/// manual trigger): "; resume it first (runbook resume RUN)".
std::string resume_first(const std::string& run_id);

/// The requests as every front end sends them (the commands, `runbook serve`):
/// one place says what each carries.
RunRequest approve_request(const std::string& step, const std::string& answer);
RunRequest abort_request(const std::string& rollback, bool stop_rollback, BeforeRequest before = nullptr);
RunRequest fire_request(const std::string& run_id, const std::string& trigger);
RunRequest signal_request(const std::string& run_id, const std::string& signal, const char* command);

/// What became of a request: its exit code, and when nothing was sent and
/// `before` did not settle it, why not ("run R is S, not running...").
struct RequestResult {
   int exit_code = 0;
   std::string refused;
};

/// The checks and the post, on an open journal, as `who` (journaled as the
/// request's "who"): what the commands and `runbook serve` share.
RequestResult send_run_request(Journal& journal, const std::string& run_id, RunRequest request, const std::string& who);

/// Posts `request` to run `run_id` in the journal at `journal_path`. Returns
/// the exit code; when nothing could be sent it has said why on stderr
/// ("runbook COMMAND: ..."): no such run, a run not running, or a journal
/// that cannot be read.
int post_run_request(const std::string& journal_path, const std::string& run_id, RunRequest request);

}  // namespace runbook::cli
