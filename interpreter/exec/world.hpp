// The world outside the interpreter.
//
// Every side effect and every observation goes through a World: shell
// commands, HTTP requests, metric samples, questions to the operator, and the
// clock. `run`/`resume` use the real world; `simulate` answers from a
// scenario on a virtual clock. The interpreter never knows which.
#pragma once

#include <atomic>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "exec/clock.hpp"
#include "io/http_client.hpp"
#include "io/shell.hpp"
#include "metrics/resolved_metric.hpp"
#include "metrics/sample.hpp"
#include "syntax/ast.hpp"

namespace runbook {

/// Something the operator must decide.
struct Question {
   enum class Kind { ChecklistItem, Approve, InDoubt, Decision, MonitoringLost, Ask } kind = Kind::Approve;
   std::string step_id;
   std::string text;                        ///< Redacted.
   std::vector<std::string> choices;        ///< e.g. {"yes","no"} or {"continue","rollback","abort"}.
   std::string default_choice;              ///< What --yes answers (an ask without a default: none).
   /// What is chosen when nobody can be asked (no terminal, no --yes answer
   /// that applies): always the choice that fails closed ("no", "abort", "fail").
   /// Empty for an ask: none of its choices is safe by itself; the step decides.
   std::string fail_closed_choice;
   /// Runbook time at which nobody answering ends the question (the step's
   /// `timeout`); infinity: it waits. Set by the interpreter when it asks.
   double deadline = std::numeric_limits<double>::infinity();
   /// What nobody answering by the deadline means: the step's `default`
   /// ("" : the step fails). Shown with the question, so the operator knows.
   std::string timeout_default;
};

struct Answer {
   std::string choice;                      ///< One of the question's choices; empty when nobody answered.
   std::string who;                         ///< "alice@host (terminal)", "--yes", "scenario", "runbook approve".
   bool interrupted = false;                ///< Ctrl-C or a P0 trigger while waiting.
   /// Nobody answered before the question's deadline (set by the interpreter, never by a World).
   bool timed_out = false;
   /// Virtual clock only: how long the (simulated) operator takes to answer.
   /// The world answers at once; the interpreter lets this much runbook time
   /// pass with the triggers sampled, and the answer counts only if nothing
   /// stops the wait first (as at a real terminal, where the supervisor keeps
   /// watching while the operator thinks).
   double elapsed_ms = 0;
};

/// Timing contract (what keeps simulate deterministic):
/// - With a real or scaled clock, `shell`, `http` and `ask` may block; the
///   interpreter calls them on a worker thread and samples triggers, polls
///   remote requests and watches Ctrl-C beside them, and sets `cancel`
///   (ShellOptions::cancel, ask's `cancel`) to stop them.
/// - With a VirtualClock (scale() == 0) the interpreter calls them on its own
///   thread and a world must answer at once WITHOUT moving the clock. A
///   simulated duration is reported in ShellResult::elapsed_ms /
///   HttpResponse::elapsed_ms; the interpreter then lets that much virtual
///   time pass itself, sampling triggers on schedule, and treats the step as
///   stopped if a trigger (P0) or an abort cuts that time short. The same for
///   `ask`: the simulated thinking time is Answer::elapsed_ms.
/// - `sample` is always called on the interpreter's thread at the runbook time
///   the schedule says (clock().now()).
class World {
public:
   virtual ~World() = default;
   virtual Clock& clock() = 0;
   /// Runs a shell step. `display` is the redacted command for any output.
   virtual ShellResult shell(const std::string& step_id, const std::string& command, std::string_view display,
                             const ShellOptions& options) = 0;
   /// Sends an HTTP request. `display_url` is redacted.
   virtual HttpResponse http(const std::string& step_id, const HttpRequest& request, std::string_view display_url) = 0;
   /// Takes one sample of a metric now.
   virtual Sample sample(const ResolvedMetric& metric) = 0;
   /// Asks the operator; blocks until answered or `cancel` becomes true.
   virtual Answer ask(const Question& question, const std::atomic<bool>* cancel) = 0;
};

}  // namespace runbook
