// How long `retry N every D` waits: one rule for the run (exec/step_journal.cpp)
// and for the plan's worst-case timing (plan/build.cpp).
#pragma once

#include <algorithm>
#include <cmath>

namespace runbook {

/// The delay before try `attempt` (2, 3, ...) of a step retried every
/// `every_ms`: doubling from `every_ms`, capped at 8 times it.
inline double retry_backoff_ms(double every_ms, int attempt)
{
   return every_ms * std::min(std::pow(2.0, std::max(0, attempt - 2)), 8.0);
}

/// All the waiting `retry retries every every_ms` can add when every try fails.
inline double retry_backoff_total_ms(int retries, double every_ms)
{
   double total = 0;
   for (int attempt = 2; attempt <= retries + 1; ++attempt) total += retry_backoff_ms(every_ms, attempt);
   return total;
}

}  // namespace runbook
