// Injected faults: what POST /sandbox/faults can break, and its JSON format.
//
//   {"green": {"error_rate": 2.0, "latency_ms": 600}, "database": "down"}
//
// A POST merges into the faults already injected (a field set to null goes
// back to normal); DELETE /sandbox/faults clears them all.
#pragma once

#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "environments.hpp"

namespace sandbox {

/// What can go wrong with one environment. Unset means "behaves normally".
struct EnvironmentFaults {
   std::optional<double> error_rate;                 ///< Percent of requests answered with 500.
   std::optional<double> latency_ms;                 ///< Mean response time.
   std::optional<double> cpu;                        ///< CPU usage, percent.
   std::optional<double> memory;                     ///< Memory usage, percent (before growth).
   std::optional<double> memory_growth_mb_per_min;   ///< A leak: memory grows this fast.
   long long memory_growth_since_ms = 0;             ///< When the leak started (Unix ms).
   bool down = false;                                ///< Every request fails with 503.
   bool database_down = false;                       ///< This environment cannot reach the database.
   bool redis_down = false;                          ///< This environment cannot reach Redis.

   bool operator==(const EnvironmentFaults&) const = default;
};

struct Faults {
   EnvironmentFaults blue;
   EnvironmentFaults green;
   bool database_down = false;   ///< The shared database is down: both environments fail.
   bool redis_down = false;      ///< The shared Redis is down.

   EnvironmentFaults& of(Environment environment) { return environment == Environment::blue ? blue : green; }
   const EnvironmentFaults& of(Environment environment) const { return environment == Environment::blue ? blue : green; }
   bool operator==(const Faults&) const = default;
};

/// A fault description that cannot be applied; the message says which field and why.
class FaultFormatError : public std::invalid_argument {
public:
   using std::invalid_argument::invalid_argument;
};

/// Merges a POST /sandbox/faults body into `faults`. Validates everything
/// before changing anything: on error `faults` is untouched.
void merge_faults(Faults& faults, const nlohmann::json& body, long long now_ms);

/// The faults in the format POST accepts (only what is injected), plus the
/// start time of a memory leak so a restarted sandbox keeps its growth.
nlohmann::json faults_to_json(const Faults& faults);
Faults faults_from_json(const nlohmann::json& json);

}  // namespace sandbox
