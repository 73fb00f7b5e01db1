// Running shell commands: `/bin/sh -c`, own process group, timeout, streaming.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

namespace runbook {

struct ShellResult {
   bool started = false;
   int exit_code = -1;          ///< -1 when killed by a signal or not started.
   int signal = 0;              ///< The signal that ended it, if any.
   bool timed_out = false;
   bool interrupted = false;    ///< Stopped because `cancel` became true.
   std::string output_tail;     ///< Last 64 KiB of stdout+stderr.
   std::string stdout_tail;     ///< Last 64 KiB of stdout alone (for `as` captures and metrics).
   std::string error;           ///< Why it could not start or how it ended, in words.
   double elapsed_ms = 0;
};

struct ShellOptions {
   double timeout_ms = 0;                          ///< Wall milliseconds; 0: none.
   double timeout_display_ms = 0;                  ///< The timeout as the runbook wrote it, for the error text
                                                   ///< under a scaled clock; 0: timeout_ms.
   const std::atomic<bool>* cancel = nullptr;      ///< Polled; when true the group gets SIGINT then SIGKILL.
   double kill_grace_ms = 2000;                    ///< Between SIGINT/SIGTERM and SIGKILL.
   std::function<void(std::string_view)> on_output;  ///< Streamed output chunks (may be empty).
};

/// Runs `/bin/sh -c command` in a new process group and waits for it.
/// stdin is /dev/null (the terminal belongs to the operator prompts); stdout
/// and stderr go through pipes, streamed to `on_output` and kept as bounded
/// tails whatever the command prints. On timeout the whole group gets
/// SIGTERM, on cancel SIGINT, and SIGKILL after `kill_grace_ms` either way.
/// Once `/bin/sh` itself has exited, output still held open by background
/// children is read for at most a short moment; the step does not wait for them.
ShellResult run_shell(const std::string& command, const ShellOptions& options);

/// Quotes `value` for POSIX sh so it is always one word: 'it'\''s'.
std::string shell_quote(std::string_view value);

}  // namespace runbook
