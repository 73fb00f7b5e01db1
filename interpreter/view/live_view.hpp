// The live terminal view of a run: what it knows, and the lines it draws.
//
// LiveState is fed the run's events (nothing else: it shows only what the
// interpreter already redacted) and keeps what an operator at 3 a.m. wants to
// see at a glance: the phase and step, how long the current wait or watch
// still has, each watched metric against its threshold, and the armed
// triggers. render_live_status() turns that state, at a given runbook time,
// into the few lines of the status block, fitted to the terminal's width.
// Both are pure, so they are unit-tested without a terminal; the terminal
// I/O (cursor movement, the redraw timer) is in exec/live_terminal.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "exec/events.hpp"
#include "exec/step_kind.hpp"

namespace runbook {

class LiveState {
public:
   /// A step that started and has not finished (innermost last).
   struct Step {
      std::string id;
      std::optional<StepKind> kind;   ///< From the event's "kind" word; nullopt: a word it does not know.
      std::string text;            ///< "watch 10m every 30s: 6 conditions"
      double started_at = 0;
      std::optional<double> ends_at;   ///< wait: its deadline; watch: end of the window; await: its timeout.
   };

   /// The latest sample of one condition (of the current watch or await, or of a trigger).
   struct Condition {
      std::string condition;       ///< As written: "error_rate < max_error_rate".
      std::string metric;          ///< For `metric OP threshold`: the metric, the operator, the threshold's value.
      std::string op;
      std::string threshold;
      std::string value;           ///< The metric's latest value ("0.4%"), or every value seen.
      std::string verdict;         ///< holding, pending, unknown, breached, monitoring lost.
      std::string error;           ///< Why the sample failed.
      std::optional<double> for_ms;
      std::optional<double> deciding_since;
      std::optional<double> held_ms;   ///< Deciding time counted toward `for` at `at` (a watch's is a total).
      double at = 0;
   };

   struct Trigger {
      std::string name;
      std::string title;
      std::string severity;        ///< P0..P3 or "warning".
      std::string state = "armed"; ///< armed, pending, fired, lost, unknown (sample failed).
      std::optional<Condition> last;
      std::optional<double> grace_until;   ///< P1 fired: the rollback starts then unless it clears.
   };

   /// A pending `after` timer (an escalation level, say), armed and not yet due.
   struct Timer {
      std::string id;
      std::string does;            ///< "notify.slack(notify.escalation_message(3, \"Management\"))".
      std::string signal;          ///< Cancels it when given ("resolved"); empty: nothing does.
      double due = 0;
   };

   /// The question waiting for an answer.
   struct Question {
      std::string step_id;
      std::string text;
      std::vector<std::string> choices;
      std::optional<double> deadline;   ///< When nobody answering decides.
      std::string timeout_default;      ///< What it decides then ("": the step fails).
   };

   /// The journal's server away: the run holds before its next step.
   struct JournalHold {
      std::string journal;              ///< Its name, password redacted.
      std::string reason;
      double since = 0;                 ///< Runbook time it went away.
      double retry_for_ms = 0;          ///< Wall time a write waits for it.
   };

   void apply(const RunEvent& event);

   // What the renderer reads.
   std::string title;
   std::string run_id;
   std::string phase;
   int phase_number = 0;
   int phase_count = 0;
   std::string rollback;          ///< Non-empty in rollback mode: the rollback block's name.
   double time_scale = 0;         ///< Runbook ms per wall ms (0: unknown).
   std::optional<double> started_at;
   double last_at = 0;            ///< Runbook time of the latest event.
   std::vector<Step> steps;
   std::string watch_step;        ///< The watch or await the conditions belong to.
   std::vector<Condition> conditions;
   std::vector<Trigger> triggers;
   /// Latest value of every metric seen in a sample, in first-seen order.
   std::vector<std::pair<std::string, std::string>> metrics;
   std::vector<Timer> timers;     ///< Pending, earliest first.
   std::optional<Question> question;
   std::optional<JournalHold> journal_hold;   ///< Until it is back (or the run ends).
   bool asking = false;           ///< A question is on the terminal: do not draw over it.
   bool finished = false;

private:
   void apply_sample(const RunEvent& event);
   void apply_timer(const RunEvent& event);
   Trigger* find_trigger(const std::string& name);
};

struct LiveRenderOptions {
   int width = 80;               ///< Terminal columns; every line is cut to width - 1.
   bool color = false;
   bool unicode = true;          ///< Block characters for the bar; ASCII otherwise.
};

/// The status block at runbook time `now`: a few lines, none wider than the terminal.
std::vector<std::string> render_live_status(const LiveState& state, double now, const LiveRenderOptions& options);

/// A question's choices and what nobody answering decides, at runbook time `now`:
/// "choices: wait | roll back; unanswered by 10:42:00, in 30m0s: \"roll back\" by default".
std::string question_detail(const LiveState::Question& question, double now);

/// `line` cut to at most `columns` visible characters (ANSI colour sequences
/// take no room; a cut line ends in "…" or "~" and resets the colour).
/// Control characters are replaced so that a line never moves the cursor.
std::string fit_to_width(const std::string& line, int columns, bool unicode = true);

/// "45s", "4m30s", "2h05m": a compact duration for the status block
/// (whole seconds, rounded down, or up for time left).
std::string short_duration(double ms, bool round_up = false);

/// A progress bar `cells` wide, `fraction` (0..1) full.
std::string progress_bar(double fraction, int cells, bool unicode);

}  // namespace runbook
