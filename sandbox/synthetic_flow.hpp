// A steady synthetic request flow through the load balancer, so that the
// Prometheus counters move like a real system's: R requests per second of
// wall time since start, split by the traffic weights, each one failing or
// slow according to its environment's profile. Counters only ever grow (a
// restart of the sandbox resets them, like any process restart), so PromQL's
// rate() and histogram_quantile() work on them.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>

#include "environments.hpp"
#include "system_model.hpp"

namespace sandbox {

/// Histogram bucket bounds in seconds (the +Inf bucket is the count).
inline constexpr std::array<double, 12> duration_buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10};

struct FlowCounters {
   std::map<int, std::uint64_t> requests_by_code;               ///< Status code -> requests.
   std::array<std::uint64_t, duration_buckets.size()> buckets{};   ///< Cumulative, like Prometheus.
   std::uint64_t count = 0;
   double duration_sum_seconds = 0;
   std::uint64_t database_errors = 0;
};

class SyntheticFlow {
public:
   using Clock = std::chrono::steady_clock;

   SyntheticFlow(double requests_per_second, std::uint64_t seed, Clock::time_point start);

   /// Serves every request due between the previous call and `now`, under `view`.
   /// Call it before anything changes the view, so that each request is
   /// counted under the configuration it was served with.
   void advance(Clock::time_point now, const SystemView& view);
   /// The split changed: start the round-robin pattern afresh.
   void restart_round_robin() { round_robin_.restart(); }

   const FlowCounters& counters(Environment environment) const { return counters_[static_cast<int>(environment)]; }
   double requests_per_second() const { return requests_per_second_; }

private:
   void serve_one(const SystemView& view);

   double requests_per_second_;
   Clock::time_point start_;
   std::uint64_t served_ = 0;
   WeightedRoundRobin round_robin_;
   std::array<FlowCounters, 2> counters_;
   std::array<double, 2> error_credit_{};           // Accumulated error fraction; an error each time it reaches 1.
   std::array<std::uint64_t, 2> latency_position_{};   // Walks the latency shape in a scattered order.
};

}  // namespace sandbox
