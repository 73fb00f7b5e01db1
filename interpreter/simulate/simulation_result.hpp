// Everything a finished simulation tells: the timeline, the outcome, and the
// facts expectations are checked against. Plain data, so renderers and
// expectations can be tested without running anything.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/interpreter.hpp"
#include "simulate/scenario_world.hpp"

namespace runbook::sim {

/// One line of the timeline.
struct TimelineEntry {
   double offset_ms = 0;         ///< Virtual time since T+0.
   std::string kind;             ///< "phase", "step", "sample", "trigger", "question", "answer", "interrupt", ...
   std::string step_id;
   std::string text;             ///< Redacted, one line.
   nlohmann::json data;          ///< Structured detail for --format json (redacted).
};

struct SimulationResult {
   std::string title;            ///< The scenario's title (or the runbook's).
   std::string runbook_path;
   std::string scenario_path;
   double start_ms = 0;          ///< Virtual T+0.
   double end_ms = 0;            ///< Virtual time when the run ended.

   // The outcome of the last interpreter run (after any resumes).
   int exit_code = 0;
   std::string status;           ///< run_status::* value.
   std::string summary;
   std::string rollback_name;    ///< When the run entered a rollback.

   std::vector<TimelineEntry> timeline;
   std::vector<SideEffect> side_effects;
   std::vector<AskedQuestion> questions;
   std::vector<std::pair<std::string, double>> triggers_fired;   ///< name, virtual time.
   std::vector<std::string> steps_started;                       ///< Step ids, in order of first start.
   std::map<std::string, double> traffic;                        ///< Final split of the sandbox model.
   nlohmann::json variables = nlohmann::json::object();          ///< Final top-level variables (redacted).
   std::vector<EnsureResult> ensures;                            ///< The runbook's invariants when the run ended.
   std::optional<double> fault_at;
   std::optional<double> rollback_at;
   /// When the rollback block's steps ended, succeeded or failed (its `finally`
   /// not included): what its `within` deadline bounds. Empty: no rollback, or
   /// its steps were still running when the run stopped.
   std::optional<double> rollback_ended_at;
   /// Runtime ids of the steps that completed with an `undo { }` block, in
   /// the order they completed, and of those whose undo ran (sorted): what
   /// verify's "undo all compensates every completed step" reads.
   std::vector<std::string> undoable_steps;
   std::vector<std::string> undone_steps;
   RunFacts facts{0};                                            ///< What anchors in expectations resolve against.
   int interruptions = 0;
   std::vector<std::string> notes;                               ///< Things the reader should know (undescribed metrics...).
   std::vector<std::string> scenario_errors;                     ///< Problems with the scenario found while running.

   /// The first side effect of the rollback, if the run rolled back and did anything.
   const SideEffect* first_rollback_effect() const;
};

/// The outcome words scenarios use: "completed", "rolled back via emergency", ...
std::string describe_outcome(const SimulationResult& result);

}  // namespace runbook::sim
