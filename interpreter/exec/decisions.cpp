#include "exec/decisions.hpp"

#include <fmt/core.h>

namespace runbook {

std::optional<TimeMs> DecisionRules::first_deadline(const ast::Step& step, TimeMs asked_at)
{
   if (!step.options.timeout_ms) return std::nullopt;
   return asked_at + *step.options.timeout_ms;
}

TimeMs DecisionRules::deadline(const Interpreter::Impl::Resolved& settled) const
{
   return settled.deadline_ms.value_or(forever);
}

TimeMs DecisionRules::item_deadline(const Interpreter::Impl::Resolved& settled, const std::string& id) const
{
   if (!step_.options.timeout_ms) return forever;
   std::optional<TimeMs> last_answer;
   for (const auto& answer : run_.resume_.answers_for(id)) {
      const TimeMs at = answer.value("at", 0.0);
      if (!last_answer || at > *last_answer) last_answer = at;
   }
   return last_answer ? *last_answer + *step_.options.timeout_ms : deadline(settled);
}

Answer DecisionRules::settle(Answer answer) const
{
   if (!answer.timed_out || !decision_.default_answer) return answer;
   answer.choice = *decision_.default_answer;
   answer.who = "nobody (default after timeout)";
   run_.emit(RunEvent::Kind::Answer, step_.id, fmt::format("{} (default after timeout)", answer.choice),
             {{"choice", answer.choice}, {"who", answer.who}});
   return answer;
}

json DecisionRules::record(const Answer& answer) const
{
   json data{{"choice", answer.choice}, {"who", answer.who}, {"at", run_.world_.clock().now()}};
   if (answer.timed_out) data["default_after_timeout"] = true;
   return data;
}

Interpreter::Impl::Performed DecisionRules::declined(const Answer& answer, const std::string& what) const
{
   Interpreter::Impl::Performed p;
   p.flow = Flow::Failed;
   p.outcome = step_outcome::Failed;
   if (answer.choice.empty())
      p.message = fmt::format("{}: nobody answered within {}", what,
                              Value(step_.options.timeout_ms.value_or(0), ast::Unit::Duration).display());
   else
      p.message = fmt::format("{} ({} answered {})", what, answer.who, answer.choice);
   run_.failure_routes_.blame(decision_.otherwise);
   return p;
}

}  // namespace runbook
