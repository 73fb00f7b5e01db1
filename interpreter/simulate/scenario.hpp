// A scenario: what the world does while `runbook simulate` runs a runbook.
//
// A `.scenario` file (docs/scenarios.md) names the runbook it exercises and
// its params, says how each metric behaves over virtual time, how shell
// commands and HTTP requests are answered, how the operator answers questions,
// where the run is interrupted, and what is expected of the run. This header
// is the parsed form; scenario_parser.hpp reads the text.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "syntax/ast.hpp"
#include "syntax/source.hpp"

namespace runbook::sim {

/// A number with the unit it was written with, converted to the unit's base
/// (percent as the percentage, durations in ms, bytes in bytes) like the runbook language.
struct Quantity {
   double value = 0;
   ast::Unit unit = ast::Unit::None;
   std::string spelling;          ///< As written, for messages: "2%", "1h30m".
};

/// A point in virtual time, fixed or defined by what the run does.
struct Anchor {
   enum class Kind {
      Start,            ///< `T+2h`: relative to the start of the simulation.
      TrafficReaches,   ///< `traffic green reaches 25%`: the environment's share first >= percent.
      StepStarts,       ///< `step "canary/*" starts`
      StepFinishes,     ///< `step "canary/*" finishes`
      PhaseStarts,      ///< `phase "Canary*" starts`
      RollbackStarts,   ///< `rollback starts` / `rollback emergency starts`
      TriggerFires,     ///< `trigger high_errors fires`
   } kind = Kind::Start;
   double offset_ms = 0;          ///< `10m after ...`, or the `T+` offset.
   std::string environment;       ///< TrafficReaches.
   double percent = 0;            ///< TrafficReaches.
   std::string pattern;           ///< Glob on a step id, phase title, rollback or trigger name ("" = any).
   Location loc;
};

/// When a rule applies: from an anchor (default: always), until another anchor
/// or for a duration (default: for ever).
struct Window {
   std::optional<Anchor> from;
   std::optional<Anchor> until;
   std::optional<double> for_ms;
   bool always() const { return !from && !until && !for_ms; }
};

/// `metric error_rate = 2% from 10m after traffic green reaches 25%`.
/// For one metric the last rule whose window is open wins.
struct MetricRule {
   Location loc;
   std::string metric;
   enum class Shape { Constant, Ramp, Unreachable } shape = Shape::Constant;
   Quantity value;                ///< Constant, or where a ramp starts.
   Quantity to;                   ///< Where a ramp ends.
   double over_ms = 0;            ///< How long a ramp takes (from the window's start).
   std::string error;             ///< Unreachable: the error the sample carries.
   std::optional<Quantity> noise; ///< Uniform noise of this amplitude, seeded.
   std::uint64_t seed = 1;
   Window window;
};

/// `sh "npm run verify:*" fails on call 2`, `http POST "*/api/traffic" returns status 503`.
/// For one call the last matching rule wins; no rule: success with a plausible result.
struct EffectRule {
   Location loc;
   enum class Target { Shell, Http } target = Target::Shell;
   std::string method = "*";      ///< Http: upper-case method or "*".
   std::string pattern = "*";     ///< Glob on the redacted command or URL.
   int on_call = 0;               ///< Only the Nth matching call (1-based); 0: any.
   int from_call = 0;             ///< The Nth matching call and every later one; 0: any.
   bool fails = false;            ///< sh: exit 1; http: status 500 (unless exit/status say otherwise).
   bool unreachable = false;      ///< http: transport error; sh: the command cannot start.
   bool times_out = false;
   std::string error;             ///< Message for unreachable.
   std::optional<int> exit_code;
   std::optional<long> status;
   std::optional<std::string> output;   ///< sh stdout.
   std::optional<std::string> body;     ///< http body.
   std::optional<double> takes_ms;      ///< Virtual time the call takes.
   /// The call takes effect, then the process dies before its outcome is
   /// journaled: the step is in doubt when the run resumes.
   bool crashes = false;
   Window window;
};

/// `answer approve "Proceed*" yes after 10m`.
struct AnswerRule {
   Location loc;
   std::string kind = "*";        ///< checklist, approve, decision, in-doubt, monitoring-lost, or "*".
   std::string pattern = "*";     ///< Glob on the question text.
   std::string choice;            ///< "yes", "no", "rollback", ...; empty with `never`.
   bool never = false;            ///< Nobody answers (until the scenario's limit).
   double after_ms = 0;           ///< The operator takes this long to answer.
};

/// `interrupt at step "canary/*" starts resume after 10m`: Ctrl-C at that
/// point, then `runbook resume` from the journal.
struct InterruptRule {
   Location loc;
   Anchor at;
   double resume_after_ms = 0;
};

/// `at 40m signal resolved`, `at 10m after phase "Canary" starts fire security`:
/// an operator acting from another terminal (`runbook signal`, `runbook fire`).
struct ActionRule {
   Location loc;
   Anchor at;
   enum class Kind { Signal, Fire } kind = Kind::Signal;
   std::string name;
};

/// `expect ...`: something that must be true of the finished simulation.
struct ExpectRule {
   Location loc;
   enum class Kind {
      Outcome,        ///< `expect outcome rolled back via emergency`
      ExitCode,       ///< `expect exit 3`
      Trigger,        ///< `expect trigger high_errors fired` / `not fired`
      RollbackWithin, ///< `expect rollback within 6m of fault`
      Step,           ///< `expect step "canary/*" ran` / `never ran`
      Variable,       ///< `expect variable final_pct == 50`
      Traffic,        ///< `expect traffic blue 100%`
      Question,       ///< `expect question "Proceed*" asked` / `never asked`
      Calls,          ///< `expect http POST "*/api/traffic" called 6 times`
      RollbackCompleted,  ///< `expect rollback completed within 5m of trigger`
      Notification,   ///< `expect notification "*LEVEL 4*" sent [N times] [at D] [from A] [until A | by A | for D]` / `never sent`
      OneEnvironment, ///< `expect traffic on one environment`: some environment has 100%
      Ensure,         ///< `expect ensure "TITLE" held` / `broken` (negated)
   } kind = Kind::Outcome;
   bool negated = false;          ///< not fired / never ran / never asked.
   std::string outcome;           ///< completed, rolled_back, aborted, failed, rollback_failed, interrupted.
   std::string name;              ///< Rollback name (Outcome), trigger, variable, environment.
   std::string method = "*";      ///< Calls: http method or "*".
   bool shell = false;            ///< Calls: sh (true) or http.
   std::string pattern;           ///< Step id, question text, command or URL glob; Ensure: the invariant's title.
   int number = 0;                ///< ExitCode, Calls, Notification (-1: sent at least once).
   double within_ms = 0;          ///< RollbackWithin.
   std::optional<Anchor> of;      ///< RollbackWithin: empty means "the fault".
   bool of_trigger = false;       ///< RollbackWithin/Completed `of trigger`: the first trigger that fired.
   std::optional<double> at_ms;   ///< Notification: sent exactly this long after T+0.
   std::string op = "==";         ///< Variable.
   std::string value_text;        ///< Variable: expected value as written (string unquoted).
   std::optional<Quantity> value; ///< Variable (when a number or quantity), Traffic.
   bool value_is_string = false;
   Window window;                 ///< Notification: only those sent while it is open count.
};

struct Scenario {
   /// Owns the text; every Location points into it.
   std::shared_ptr<SourceFile> source;
   std::string title;
   std::string runbook;           ///< As written: relative to the scenario file's folder.
   Location runbook_loc;
   std::vector<std::pair<std::string, std::string>> params;   ///< As `-p name=value`.
   /// Virtual time at T+0, ms since the epoch. Fixed so that output never depends on the wall clock.
   double start_ms = 1767225600000.0;   // 2026-01-01T00:00:00Z
   /// Virtual time after which the simulation stops a run that does not end by itself.
   double limit_ms = 7 * 24 * 3600 * 1000.0;
   std::vector<MetricRule> metrics;
   std::vector<EffectRule> effects;
   std::vector<AnswerRule> answers;
   std::vector<InterruptRule> interrupts;
   std::vector<ActionRule> actions;
   std::vector<ExpectRule> expectations;
   /// Built by replay from a journal: metrics the runbook no longer has are
   /// left out (with a note) instead of being an error.
   bool replay = false;

   /// The runbook's path resolved against the scenario file's folder.
   std::string runbook_path() const;
};

/// Glob match: `*` any run of characters, `?` one character; everything else literal.
/// Linear in practice (no exponential backtracking).
bool glob_match(std::string_view pattern, std::string_view text);

/// True when `pattern` matches a question's text. A checklist item is asked as
/// "TITLE [n/N]: ITEM"; the pattern may match the whole text or the item alone.
bool question_matches(std::string_view pattern, std::string_view text);

/// "T+02:15:30" for an offset in ms (negative offsets clamp to 0).
std::string format_offset(double offset_ms);

}  // namespace runbook::sim
