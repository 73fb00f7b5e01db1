// What the interpreter remembers about failure routes (`on fail ...`,
// docs/language.md "Failure routes") between a failure and its routing.
//
// A step fails deep inside (a watch condition, a step in a function); the
// route that applies is the innermost one written. The condition that failed
// is known only where it was sampled, so watch_step.cpp "blames" its route
// here and the step's caller (exec/failure_router.hpp) takes it.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "syntax/ast.hpp"

namespace runbook {

class FailureRoutes {
public:
   /// A watch condition failed: its route (if it has one) wins over the step's.
   void blame(const ast::FailRoute& route) { blamed_ = route ? &route : nullptr; }
   /// The route for `step`, which has just ended: its failed condition's,
   /// else its own; null when it has neither. Always clears the blame.
   const ast::FailRoute* take(const ast::Step& step)
   {
      const ast::FailRoute* route = blamed_ != nullptr ? blamed_ : &step.options.on_fail;
      blamed_ = nullptr;
      return *route ? route : nullptr;
   }

   /// Resume: the journal says this step's failure was handed to its
   /// `on fail { steps }` before the interruption; it is not run again.
   void remember_routed_to_steps(const std::string& id) { routed_to_steps_.insert(id); }
   bool was_routed_to_steps(const std::string& id) const { return routed_to_steps_.count(id) > 0; }

   /// Every failure of a step seen so far, in order: what a `finally` is told
   /// (`failures`). A failure repeated by the steps around it is noted once.
   void note(const std::string& failure) { failures_.push_back(failure); }
   std::size_t mark() const { return failures_.size(); }
   std::vector<std::string> since(std::size_t mark) const
   {
      return {failures_.begin() + static_cast<std::ptrdiff_t>(std::min(mark, failures_.size())), failures_.end()};
   }

private:
   const ast::FailRoute* blamed_ = nullptr;
   std::set<std::string> routed_to_steps_;
   std::vector<std::string> failures_;
};

/// "rollback emergency", "stop", "steps": how routes are named in the journal.
std::string route_words(const ast::FailRoute& route);

}  // namespace runbook
