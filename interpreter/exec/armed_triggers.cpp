#include "exec/armed_triggers.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "exec/evaluate.hpp"
#include "syntax/phase_arms.hpp"
#include "syntax/severity.hpp"

namespace runbook {

void ArmedTriggers::arm(const std::vector<ast::Trigger>& all, const ast::Phase& phase, TimeMs now,
                        const RulesFor& rules_for)
{
   // A trigger the previous phase armed too keeps its state: an error rate
   // above 1% since four minutes into the canary has been breaching for five
   // one minute into the full rollout, and the rollback must not wait five
   // more because a phase boundary fell in between.
   constexpr double default_trigger_every_ms = 30000;
   constexpr TimeMs never = std::numeric_limits<double>::infinity();
   std::vector<ArmedTrigger> previous = std::move(armed_);
   armed_.clear();
   for (const auto& trigger : all) {
      if (!phase_arms(phase, trigger.name)) continue;
      auto kept = std::find_if(previous.begin(), previous.end(),
                               [&](const ArmedTrigger& t) { return t.trigger == &trigger; });
      if (kept != previous.end()) {
         armed_.push_back(std::move(*kept));
         continue;
      }
      // A manual trigger is never sampled: only `runbook fire` fires it.
      ArmedTrigger t{&trigger, ConditionTracker(rules_for(trigger)), trigger.every_ms.value_or(default_trigger_every_ms),
                     trigger.manual ? never : now, false, false, {}, never};
      armed_.push_back(std::move(t));
   }
}

nlohmann::json ArmedTriggers::to_json() const
{
   nlohmann::json out = nlohmann::json::array();
   for (const auto& armed : armed_) {
      const ast::Trigger& t = *armed.trigger;
      out.push_back({{"trigger", t.name},
                     {"title", t.title.empty() ? t.name : t.title},
                     {"severity", t.is_warning ? "warning" : severity_name(t.severity)},
                     {"condition", t.manual ? "manual (runbook fire)" : describe(*t.condition.expr)}});
   }
   return out;
}

TimeMs ArmedTriggers::next_due() const
{
   TimeMs next = std::numeric_limits<double>::infinity();
   for (const auto& t : armed_) {
      next = std::min(next, t.next_due);
      if (t.grace_until) next = std::min(next, *t.grace_until);
   }
   return next;
}

std::vector<PendingAction> ArmedTriggers::take_actions()
{
   std::vector<PendingAction> actions = std::move(pending_);
   pending_.clear();
   return actions;
}

std::string ArmedTriggers::next_action_id(const ast::Trigger& trigger)
{
   return fmt::format("trigger/{}/{}", trigger.name, ++action_seq_);
}

}  // namespace runbook
