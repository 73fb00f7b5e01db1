#include "exec/decisions.hpp"

#include <fmt/core.h>

namespace runbook {

TimeMs DecisionRules::deadline() const
{
   if (!step_.options.timeout_ms) return forever;
   return run_.world_.clock().now() + *step_.options.timeout_ms;
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
