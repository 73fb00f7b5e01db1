// What `run` and `resume` share: their flags, the journal, Ctrl-C, and
// driving an Interpreter to an exit code.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/load.hpp"
#include "exec/interpreter.hpp"
#include "journal/journal.hpp"

namespace runbook::cli {

struct RunFlags {
   LoadFlags load;
   std::string journal;            ///< --journal PATH; empty: .runbook/journal.db.
   bool yes = false;               ///< --yes
   std::string in_doubt = "ask";   ///< --in-doubt ask|redo|skip|fail
   double time_scale = 0;          ///< --time-scale N; 0: not given (run: real time; resume: the run's own scale)
   std::string output = "auto";    ///< --output auto|live|plain|text|json (text: plain, kept for scripts)
   std::string cacert;             ///< --cacert FILE; empty: $CURL_CA_BUNDLE, $SSL_CERT_FILE or the system's
};

/// Adds the flags `run` and `resume` share.
void add_run_flags(CLI::App* cmd, RunFlags& flags);

/// The journal at `path` (or the default). Prints the error and returns null when it cannot be opened.
std::unique_ptr<Journal> open_journal_or_report(const std::string& path, const char* command);

/// Set by SIGINT/SIGTERM once the handler is installed.
const std::atomic<bool>& interrupt_flag();
void install_interrupt_handler();

/// Runs or resumes a run with the real world; prints the outcome; returns the exit code.
/// `resume_id` empty: a new run of `runbook_path`.
int drive_run(const Program& program, Journal& journal, const RunFlags& flags, const std::string& runbook_path,
              const std::string& resume_id, double clock_origin, RunSettings settings);

}  // namespace runbook::cli
