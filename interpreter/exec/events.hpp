// What a run tells the people watching it.
//
// The interpreter emits RunEvents; observers render them: the live terminal
// view, plain line-by-line output, `--output json` (one event per line) and
// the simulate timeline. The journal is written separately and first.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace runbook {

struct RunEvent {
   enum class Kind {
      RunStarted, RunResumed, PhaseStarted, StepStarted, StepOutput, StepFinished, StepSkipped,
      Sample, TriggerFired, TriggerCleared, Question, Answer, Log, Notify, ModeChanged, Ensure, RunFinished,
      /// The journal's server went away: the run holds before its next
      /// journal write (and so its next side effect), retrying; and it is
      /// back. Shown, never journaled.
      JournalUnreachable, JournalBack
   } kind;
   double at = 0;                ///< Runbook time (ms since epoch; virtual in simulate).
   std::string step_id;          ///< Where relevant.
   std::string text;             ///< Human summary, already redacted.
   nlohmann::json data;          ///< Structured detail, already redacted.
};

const char* to_string(RunEvent::Kind kind);

class RunObserver {
public:
   virtual ~RunObserver() = default;
   virtual void on_event(const RunEvent& event) = 0;
   /// False when a quiet sample (a condition holding, as it held at its
   /// previous sample) need not be emitted at all. The simulate timeline
   /// shows only samples that decide something, and over hours of virtual
   /// time building those events cost more than the simulated samples
   /// themselves. A live view wants them: its values move.
   virtual bool wants_quiet_samples() const { return true; }
};

}  // namespace runbook
