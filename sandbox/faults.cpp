#include "faults.hpp"

#include <fmt/format.h>

#include "json_util.hpp"

namespace sandbox {
namespace {

using nlohmann::json;

/// A number field within [min, max]; null clears it.
void merge_number(std::optional<double>& field, const json& value, const std::string& where, double min, double max)
{
   if (value.is_null()) {
      field.reset();
      return;
   }
   if (!value.is_number()) throw FaultFormatError(fmt::format("{} must be a number", where));
   const double number = value.get<double>();
   if (!(number >= min && number <= max)) throw FaultFormatError(fmt::format("{} must be between {} and {}, got {}", where, min, max, number));
   field = number;
}

/// "up" or "down" (null means up).
bool parse_up_down(const json& value, const std::string& where)
{
   if (value.is_null() || value == "up") return false;
   if (value == "down") return true;
   throw FaultFormatError(fmt::format("{} must be \"up\" or \"down\"", where));
}

bool parse_flag(const json& value, const std::string& where)
{
   if (value.is_null()) return false;
   if (!value.is_boolean()) throw FaultFormatError(fmt::format("{} must be true or false", where));
   return value.get<bool>();
}

void merge_environment(EnvironmentFaults& faults, const json& body, const std::string& env, long long now_ms)
{
   if (body.is_null()) {
      faults = EnvironmentFaults{};
      return;
   }
   if (!body.is_object()) throw FaultFormatError(fmt::format("{} must be an object of faults", env));
   for (const auto& [key, value] : body.items()) {
      const std::string where = env + "." + key;
      if (key == "error_rate") merge_number(faults.error_rate, value, where, 0, 100);
      else if (key == "latency_ms") merge_number(faults.latency_ms, value, where, 0, 600000);
      else if (key == "cpu") merge_number(faults.cpu, value, where, 0, 100);
      else if (key == "memory") merge_number(faults.memory, value, where, 0, 100);
      else if (key == "memory_growth_mb_per_min") {
         const bool was_leaking = faults.memory_growth_mb_per_min.has_value();
         merge_number(faults.memory_growth_mb_per_min, value, where, 0, 1e6);
         if (!faults.memory_growth_mb_per_min) faults.memory_growth_since_ms = 0;
         else if (!was_leaking) faults.memory_growth_since_ms = now_ms;
      }
      else if (key == "memory_growth_since_ms") {
         if (!value.is_number_integer()) throw FaultFormatError(where + " must be an integer (Unix milliseconds)");
         faults.memory_growth_since_ms = value.get<long long>();
      }
      else if (key == "down") faults.down = parse_flag(value, where);
      else if (key == "database") faults.database_down = parse_up_down(value, where);
      else if (key == "redis") faults.redis_down = parse_up_down(value, where);
      else throw FaultFormatError(fmt::format("unknown fault {} (known: error_rate, latency_ms, cpu, memory, memory_growth_mb_per_min, down, database, redis)", where));
   }
}

void put_environment(json& out, const EnvironmentFaults& faults)
{
   out = json::object();
   if (faults.error_rate) out["error_rate"] = number_json(*faults.error_rate);
   if (faults.latency_ms) out["latency_ms"] = number_json(*faults.latency_ms);
   if (faults.cpu) out["cpu"] = number_json(*faults.cpu);
   if (faults.memory) out["memory"] = number_json(*faults.memory);
   if (faults.memory_growth_mb_per_min) {
      out["memory_growth_mb_per_min"] = number_json(*faults.memory_growth_mb_per_min);
      out["memory_growth_since_ms"] = faults.memory_growth_since_ms;
   }
   if (faults.down) out["down"] = true;
   if (faults.database_down) out["database"] = "down";
   if (faults.redis_down) out["redis"] = "down";
}

}  // namespace

void merge_faults(Faults& faults, const json& body, long long now_ms)
{
   if (!body.is_object()) throw FaultFormatError("the faults must be a JSON object, e.g. {\"green\": {\"error_rate\": 2.0}}");
   Faults merged = faults;
   for (const auto& [key, value] : body.items()) {
      if (const auto environment = parse_environment(key)) merge_environment(merged.of(*environment), value, key, now_ms);
      else if (key == "database") merged.database_down = parse_up_down(value, key);
      else if (key == "redis") merged.redis_down = parse_up_down(value, key);
      else throw FaultFormatError(fmt::format("unknown fault target {} (known: blue, green, database, redis)", key));
   }
   faults = merged;
}

json faults_to_json(const Faults& faults)
{
   json out = json::object();
   for (const auto environment : all_environments) {
      const auto& env = faults.of(environment);
      if (env != EnvironmentFaults{}) put_environment(out[std::string(environment_name(environment))], env);
   }
   if (faults.database_down) out["database"] = "down";
   if (faults.redis_down) out["redis"] = "down";
   return out;
}

Faults faults_from_json(const json& json)
{
   Faults faults;
   merge_faults(faults, json, 0);
   return faults;
}

}  // namespace sandbox
