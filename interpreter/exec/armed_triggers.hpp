// The triggers the current phase armed, each with its condition's state, and
// the trigger actions (function calls) waiting for the next step boundary.
// Pure bookkeeping: sampling, firing and journaling them is the interpreter's
// (exec/trigger_firing.cpp), which needs the world and the journal.
#pragma once

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/clock.hpp"
#include "metrics/condition_tracker.hpp"
#include "syntax/ast.hpp"

namespace runbook {

/// A trigger or warning armed by the current phase.
struct ArmedTrigger {
   const ast::Trigger* trigger = nullptr;
   ConditionTracker tracker;
   double every_ms = 30000;
   TimeMs next_due = 0;
   bool fired = false;                 ///< Breached and acted on; re-fires only after it clears.
   bool lost_reported = false;
   std::optional<TimeMs> grace_until;  ///< P1: the rollback starts then unless it clears.
   TimeMs ask_again_at = std::numeric_limits<double>::infinity();   ///< P2 answered "continue": asked again then if still breached.
};

/// A trigger's `call` action, queued for the next boundary between steps.
struct PendingAction {
   const ast::Trigger* trigger = nullptr;
   std::string what;   ///< Why it fired, in words.
};

class ArmedTriggers {
public:
   /// The rules a new trigger's condition is judged by.
   using RulesFor = std::function<ConditionRules(const ast::Trigger&)>;

   /// Arms the triggers `phase` arms, out of `all`. A trigger the previous
   /// phase armed too keeps its state (see exec/armed_triggers.cpp).
   void arm(const std::vector<ast::Trigger>& all, const ast::Phase& phase, TimeMs now, const RulesFor& rules_for);
   void disarm() { armed_.clear(); }
   /// The armed triggers (name, title, severity, condition), for the PhaseStarted event.
   nlohmann::json to_json() const;
   /// The earliest sample or grace period due; forever when none.
   TimeMs next_due() const;

   bool empty() const { return armed_.empty(); }
   std::size_t size() const { return armed_.size(); }
   ArmedTrigger& operator[](std::size_t i) { return armed_[i]; }
   std::vector<ArmedTrigger>::iterator begin() { return armed_.begin(); }
   std::vector<ArmedTrigger>::iterator end() { return armed_.end(); }
   std::vector<ArmedTrigger>::const_iterator begin() const { return armed_.begin(); }
   std::vector<ArmedTrigger>::const_iterator end() const { return armed_.end(); }

   // ---- actions
   void queue_action(const ast::Trigger& trigger, std::string what) { pending_.push_back({&trigger, std::move(what)}); }
   bool has_actions() const { return !pending_.empty(); }
   /// The queued actions, oldest first; the queue is left empty.
   std::vector<PendingAction> take_actions();
   /// The id the next action of `trigger` runs under: "trigger/NAME/N", N counting all actions run.
   std::string next_action_id(const ast::Trigger& trigger);

private:
   std::vector<ArmedTrigger> armed_;
   std::vector<PendingAction> pending_;
   int action_seq_ = 0;
};

}  // namespace runbook
