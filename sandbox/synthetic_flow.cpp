#include "synthetic_flow.hpp"

#include <cmath>

namespace sandbox {

SyntheticFlow::SyntheticFlow(double requests_per_second, std::uint64_t seed, Clock::time_point start)
   : requests_per_second_(requests_per_second), start_(start)
{
   // The seed only shifts where in their patterns errors and slow requests
   // fall; the proportions are exact whatever the seed.
   for (int i = 0; i < 2; ++i) {
      error_credit_[i] = static_cast<double>((seed * 7919 + i * 104729) % 1000) / 1000.0;
      latency_position_[i] = (seed * 31 + i * 17) % 100;
   }
}

void SyntheticFlow::advance(Clock::time_point now, const SystemView& view)
{
   const double elapsed = std::chrono::duration<double>(now - start_).count();
   const auto due = static_cast<std::uint64_t>(std::max(0.0, std::floor(elapsed * requests_per_second_)));
   while (served_ < due) serve_one(view);
}

void SyntheticFlow::serve_one(const SystemView& view)
{
   ++served_;
   const Environment environment = round_robin_.next(view.split);
   const int index = static_cast<int>(environment);
   const EnvironmentProfile& profile = view.of(environment);
   FlowCounters& counters = counters_[index];

   error_credit_[index] += profile.error_rate_percent / 100.0;
   const bool failed = error_credit_[index] >= 1.0 - 1e-12;
   if (failed) error_credit_[index] -= 1.0;
   ++counters.requests_by_code[failed ? profile.error_code : 200];
   if (profile.serving && !profile.database_up) ++counters.database_errors;

   // 37 is coprime with 100, so positions 0..99 visit every slot of the
   // shape once per hundred requests, scattered rather than in runs.
   const auto slot = static_cast<int>((latency_position_[index]++ * 37) % 100);
   double multiplier = latency_shape.back().multiplier;
   int boundary = 0;
   for (const auto& point : latency_shape) {
      boundary += point.per_hundred;
      if (slot < boundary) {
         multiplier = point.multiplier;
         break;
      }
   }
   const double seconds = profile.latency_ms * multiplier / 1000.0;
   for (std::size_t b = 0; b < duration_buckets.size(); ++b)
      if (seconds <= duration_buckets[b]) ++counters.buckets[b];
   ++counters.count;
   counters.duration_sum_seconds += seconds;
}

}  // namespace sandbox
