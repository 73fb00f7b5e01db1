// What `runbook verify` needs to know about a runbook before it runs anything.
//
// The checker has already resolved params and units; this reads the loaded
// program once and keeps, in plain data, the metrics, the comparisons that
// watch conditions and triggers make against them (with the thresholds'
// values), which phase arms which trigger, and what each rollback block
// declares (its notifications, whether it runs `undo all`, its deadline). Fault
// enumeration, world derivation and the properties all read from here.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "syntax/ast.hpp"
#include "syntax/loader.hpp"

namespace runbook::verify {

/// `metric OP threshold`, normalised so the metric is on the left.
struct Comparison {
   std::string metric;
   std::string op;            ///< < <= > >=
   double threshold = 0;      ///< In the metric's base unit (%, ms, bytes).
};

/// Where a comparison comes from and which way it must go in a healthy world.
struct Constraint {
   Comparison comparison;
   bool must_hold = true;     ///< Watch/await/assert: holds. Trigger: must not hold.
   std::string source;        ///< "watch condition ...", "trigger high_error_rate".
};

struct MetricFacts {
   std::string name;
   ast::Unit unit = ast::Unit::None;
   double scale = 1;
};

struct TriggerFacts {
   std::string name;
   bool warning = false;
   ast::Severity severity = ast::Severity::P0;
   std::string rollback;                   ///< The rollback its action starts; empty otherwise.
   /// Comparisons that, all true together, breach it. Empty: verify cannot
   /// drive its condition (a probe, a string): noted in the report.
   std::vector<Comparison> breach;
   std::string condition_text;             ///< As written, for the report.
};

struct PhaseFacts {
   std::string title;
   std::string slug;                       ///< Prefix of its steps' ids.
   std::set<std::string> armed;            ///< Trigger names.
};

struct RollbackFacts {
   std::string name;
   bool undo_all = false;
   /// Static ids of its `undo all` steps (whether a path reached one).
   std::vector<std::string> undo_all_steps;
   /// Static ids of the steps that notify someone (a `notify` step or a call
   /// to a `notify.` function): on a path through this rollback one must run.
   std::vector<std::string> notify_steps;
   /// `rollback NAME within D`: D in ms, params resolved (the checker wrote
   /// it into the block); its steps must end within it on every path.
   std::optional<double> within_ms;
   /// `within D -> ACTION`: what runs the moment D passes (people are told).
   bool overrun_action = false;
};

struct RunbookFacts {
   std::map<std::string, MetricFacts> metrics;
   std::vector<Constraint> constraints;
   std::vector<TriggerFacts> triggers;
   std::vector<PhaseFacts> phases;
   std::vector<RollbackFacts> rollbacks;
   /// The longest a question waits for an answer before its timeout answers
   /// for nobody (an approve, checklist or ask with `timeout`, a P2 trigger's
   /// `decide within`), in ms; 0 without one. A fault that leaves a question
   /// unanswered can make a path that long longer and still end.
   double longest_question_timeout_ms = 0;

   const TriggerFacts* trigger(const std::string& name) const;
   const RollbackFacts* rollback(const std::string& name) const;
   /// The phase whose steps' ids start with this step id's first segment.
   const PhaseFacts* phase_of_step(const std::string& step_id) const;
};

/// Reads the facts from a loaded, checked program (params already applied).
RunbookFacts read_facts(const Program& program);

}  // namespace runbook::verify
