#include "simulate/simulation_result.hpp"

#include <fmt/core.h>

#include "journal/journal.hpp"

namespace runbook::sim {

const SideEffect* SimulationResult::first_rollback_effect() const
{
   for (const auto& effect : side_effects)
      if (effect.in_rollback) return &effect;
   return nullptr;
}

std::string describe_outcome(const SimulationResult& result)
{
   std::string words;
   if (result.status == run_status::RolledBack) {
      words = result.rollback_name.empty() ? "rolled back" : "rolled back via " + result.rollback_name;
   } else if (result.status == run_status::RollbackFailed) {
      words = result.rollback_name.empty() ? "rollback failed" : "rollback " + result.rollback_name + " failed";
   } else if (result.status.empty()) {
      words = "unknown";
   } else {
      words = result.status;
   }
   return fmt::format("{} (exit {})", words, result.exit_code);
}

}  // namespace runbook::sim
