// The two environments of a blue-green deployment and the traffic split between them.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace sandbox {

enum class Environment { blue, green };

inline constexpr std::array<Environment, 2> all_environments = {Environment::blue, Environment::green};

std::string_view environment_name(Environment environment);
std::optional<Environment> parse_environment(std::string_view name);
Environment other_environment(Environment environment);

/// What the load balancer does with incoming requests: percentages that add up to 100.
class TrafficSplit {
public:
   /// Sends `percentage` (0..100) of the traffic to `environment` and the rest to the other one,
   /// which is what the load balancer admin API's POST /api/traffic means.
   void route(Environment environment, double percentage);
   double percentage(Environment environment) const;
   /// The fraction (0..1) of requests that go to `environment`.
   double share(Environment environment) const { return percentage(environment) / 100.0; }

   bool operator==(const TrafficSplit&) const = default;

private:
   double green_percentage_ = 0;   // Blue is the rest; a fresh system serves everything from blue.
};

/// Deterministic weighted round-robin: over any run of requests the share of
/// green is as close to its weight as whole requests allow, spread evenly
/// (at green 25 exactly every 4th request goes to green). Restarted whenever
/// the split changes so the pattern is predictable right after a change.
class WeightedRoundRobin {
public:
   Environment next(const TrafficSplit& split);
   void restart() { served_ = 0; }

private:
   unsigned long long served_ = 0;
};

}  // namespace sandbox
