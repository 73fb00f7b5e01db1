// What has happened so far in a simulated run, as the scenario's anchors see it.
//
// Anchors such as "10 minutes after traffic to green reaches 25%" or
// "step \"canary/*\" starts" are defined by the run itself. RunFacts keeps
// the moments that anchors refer to and turns an Anchor into a virtual time
// once (and as soon as) the run has reached it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "simulate/scenario.hpp"

namespace runbook::sim {

class RunFacts {
public:
   explicit RunFacts(double start_ms) : start_ms_(start_ms) {}

   double start_ms() const { return start_ms_; }

   void step_started(const std::string& step_id, double at);
   void step_finished(const std::string& step_id, double at);
   void phase_started(const std::string& title, double at);
   void rollback_started(const std::string& name, double at);
   void trigger_fired(const std::string& name, double at);
   /// The traffic model's split changed: `environment` now has `percent`.
   void traffic_changed(const std::string& environment, double percent, double at);

   /// The virtual time an anchor stands for, or nothing while the run has not reached it.
   std::optional<double> resolve(const Anchor& anchor) const;

   /// When the window opens and closes; nothing for `from` while unresolved.
   /// `closes` is empty when the window stays open (or its end is not reached yet).
   struct Span { double opens = 0; std::optional<double> closes; };
   std::optional<Span> span(const Window& window) const;
   /// True when `window` is open at `at`.
   bool open(const Window& window, double at) const;

   /// The first rollback start, if any.
   std::optional<double> rollback_started_at() const;
   /// The rollback block's steps ended (pending timers may still keep the run going).
   void rollback_completed(double at) { if (!rollback_completed_at_) rollback_completed_at_ = at; }
   std::optional<double> rollback_completed_at() const { return rollback_completed_at_; }
   /// Every trigger that fired, in order.
   const std::vector<std::pair<std::string, double>>& triggers() const { return triggers_; }

private:
   struct Moment { std::string what; double at; double value = 0; };
   static std::optional<double> first(const std::vector<Moment>& moments, const std::string& pattern);

   double start_ms_;
   std::vector<Moment> steps_started_;
   std::vector<Moment> steps_finished_;
   std::vector<Moment> phases_;
   std::vector<Moment> rollbacks_;
   std::vector<std::pair<std::string, double>> triggers_;
   std::vector<Moment> traffic_;   ///< what: environment, value: its share.
   std::optional<double> rollback_completed_at_;
};

}  // namespace runbook::sim
