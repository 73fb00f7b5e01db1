#include "exec/events.hpp"

namespace runbook {

const char* to_string(RunEvent::Kind kind)
{
   switch (kind) {
   case RunEvent::Kind::RunStarted: return "run_started";
   case RunEvent::Kind::RunResumed: return "run_resumed";
   case RunEvent::Kind::PhaseStarted: return "phase_started";
   case RunEvent::Kind::StepStarted: return "step_started";
   case RunEvent::Kind::StepOutput: return "step_output";
   case RunEvent::Kind::StepFinished: return "step_finished";
   case RunEvent::Kind::StepSkipped: return "step_skipped";
   case RunEvent::Kind::Sample: return "sample";
   case RunEvent::Kind::TriggerFired: return "trigger_fired";
   case RunEvent::Kind::TriggerCleared: return "trigger_cleared";
   case RunEvent::Kind::Question: return "question";
   case RunEvent::Kind::Answer: return "answer";
   case RunEvent::Kind::Log: return "log";
   case RunEvent::Kind::Notify: return "notify";
   case RunEvent::Kind::ModeChanged: return "mode_changed";
   case RunEvent::Kind::Ensure: return "ensure";
   case RunEvent::Kind::RunFinished: return "run_finished";
   case RunEvent::Kind::JournalUnreachable: return "journal_unreachable";
   case RunEvent::Kind::JournalBack: return "journal_back";
   }
   return "unknown";
}

}  // namespace runbook
