#pragma once

#include <string>

#include "syntax/ast.hpp"

namespace runbook {

/// Whether `phase` arms the trigger named `trigger` (`arm all` or by name).
/// The plan, the checker and the interpreter all ask this one question.
inline bool phase_arms(const ast::Phase& phase, const std::string& trigger)
{
   if (phase.arms_all) return true;
   for (const auto& armed : phase.arms)
      if (armed.first == trigger) return true;
   return false;
}

}  // namespace runbook
