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

   /// When a question asked now stops waiting: the step's timeout from now, or never.
   TimeMs deadline() const;
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
