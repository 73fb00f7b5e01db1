// How the mailsender system behaves given the traffic split and the injected
// faults: error rates, latencies, resource usage, component health. Both the
// JSON monitoring API and the Prometheus metrics read from here, so they
// always agree.
#pragma once

#include <array>

#include "environments.hpp"
#include "faults.hpp"

namespace sandbox {

/// What a healthy environment looks like: inside every threshold of the seed
/// (error rate < 0.1%, API p99 < 100 ms, CPU < 70%, memory < 80%).
struct Baseline {
   static constexpr double error_rate_percent = 0.02;
   static constexpr double blue_latency_ms = 45;
   static constexpr double green_latency_ms = 40;
   static constexpr double idle_cpu_percent = 20;
   static constexpr double full_traffic_cpu_percent = 40;   ///< Added at 100% of the traffic.
   static constexpr double memory_percent = 45;
   static constexpr double memory_total_mb = 4096;
};

/// Response times follow this fixed shape around the mean (multipliers of the
/// mean and the fraction of requests at each): the mean is exactly the
/// configured latency and the 99th percentile is 1.5 times it.
struct LatencyPoint {
   double multiplier;
   int per_hundred;
};
inline constexpr std::array<LatencyPoint, 4> latency_shape = {{{0.8, 50}, {1.1, 40}, {1.5, 9}, {2.5, 1}}};
inline constexpr double p99_multiplier = 1.5;

struct EnvironmentProfile {
   bool serving = true;              ///< false when the environment is down (503 for everything).
   bool database_up = true;
   bool redis_up = true;
   double error_rate_percent = 0;    ///< Requests that fail, all causes.
   int error_code = 500;             ///< The status failing requests get (503 when down).
   double latency_ms = 0;            ///< Mean response time.
   double cpu_percent = 0;
   double memory_percent = 0;
   double memory_growth_mb_per_min = 0;
   bool healthy() const { return serving && database_up && redis_up; }
   double memory_mb() const { return memory_percent / 100.0 * Baseline::memory_total_mb; }
};

EnvironmentProfile environment_profile(Environment environment, const Faults& faults, const TrafficSplit& split, long long now_ms);

/// The system as its users see it: both environments weighted by their traffic.
struct SystemView {
   std::array<EnvironmentProfile, 2> environments;
   TrafficSplit split;

   const EnvironmentProfile& of(Environment environment) const { return environments[static_cast<int>(environment)]; }
   double error_rate_percent() const;      ///< Traffic-weighted.
   double latency_avg_ms() const;          ///< Traffic-weighted mean.
   double latency_p99_ms() const;          ///< 99th percentile of the mixed distribution.
   double cpu_percent() const;             ///< Traffic-weighted.
   double memory_percent() const;          ///< Traffic-weighted.
   double memory_growth_mb_per_min() const;///< The worst of the environments that get traffic.
   double database_errors_per_second(double requests_per_second) const;
};

SystemView system_view(const Faults& faults, const TrafficSplit& split, long long now_ms);

}  // namespace sandbox
