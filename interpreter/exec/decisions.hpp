// What an operator's answer, or its absence, does to approve and checklist
// steps (docs/language.md, "Decisions"):
//
//   timeout D              nobody answering within D ends the question
//   default no|yes         ... with this answer (journaled: who "nobody",
//                          "default after timeout"); without it the step fails
//   else ROUTE             where a "no" goes (a default "no" too); without it a
//                          "no" is a failure routed as any other (`on fail`)
#pragma once

#include "exec/interpreter_impl.hpp"

namespace runbook {

class DecisionRules {
public:
   DecisionRules(Interpreter::Impl& run, const ast::Step& step, const ast::Decision& decision)
      : run_(run), step_(step), decision_(decision)
   {
   }

   /// When a question first asked at `asked_at` stops waiting: the step's
   /// timeout from then, or nothing. Journaled with the step's start, so a
   /// resumed question keeps it (the time the process was dead counts).
   static std::optional<TimeMs> first_deadline(const ast::Step& step, TimeMs asked_at);
   /// When the step's question stops waiting: its journaled deadline, or never.
   TimeMs deadline(const Interpreter::Impl::Resolved& settled) const;
   /// A checklist's next item is asked when the one before was answered:
   /// its deadline runs from the step's last journaled answer, if any.
   TimeMs item_deadline(const Interpreter::Impl::Resolved& settled, const std::string& id) const;
   /// A timed-out answer becomes the default, when there is one.
   Answer settle(Answer answer) const;
   /// The journal's record of an answer (with how it came about).
   json record(const Answer& answer) const;
   /// A "no", or nobody in time without a default: the step fails, and its
   /// `else` (when written) routes the failure before the step's own `on fail`.
   Interpreter::Impl::Performed declined(const Answer& answer, const std::string& what) const;

private:
   Interpreter::Impl& run_;
   const ast::Step& step_;
   const ast::Decision& decision_;
};

}  // namespace runbook
