#include "metrics_exposition.hpp"

#include <fmt/format.h>

namespace sandbox {
namespace {

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help)
{
   out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string env_label(Environment environment)
{
   return fmt::format("environment=\"{}\"", environment_name(environment));
}

}  // namespace

std::string render_prometheus(const SyntheticFlow& flow, const SystemView& view)
{
   std::string out;

   header(out, "http_requests_total", "counter", "Requests served through the load balancer, by environment and status code.");
   for (const auto environment : all_environments) {
      auto by_code = flow.counters(environment).requests_by_code;
      // Always expose the success and error series, so that an error ratio
      // is 0 rather than "no data" before the first error.
      for (const int code : {200, 500, 503}) by_code.try_emplace(code, 0);
      for (const auto& [code, count] : by_code)
         out += fmt::format("http_requests_total{{{},code=\"{}\"}} {}\n", env_label(environment), code, count);
   }

   header(out, "http_request_duration_seconds", "histogram", "Response times through the load balancer, by environment.");
   for (const auto environment : all_environments) {
      const FlowCounters& counters = flow.counters(environment);
      for (std::size_t b = 0; b < duration_buckets.size(); ++b)
         out += fmt::format("http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n", env_label(environment), duration_buckets[b], counters.buckets[b]);
      out += fmt::format("http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n", env_label(environment), counters.count);
      out += fmt::format("http_request_duration_seconds_sum{{{}}} {}\n", env_label(environment), counters.duration_sum_seconds);
      out += fmt::format("http_request_duration_seconds_count{{{}}} {}\n", env_label(environment), counters.count);
   }

   header(out, "database_connection_errors_total", "counter", "Requests that could not reach the database, by environment.");
   for (const auto environment : all_environments)
      out += fmt::format("database_connection_errors_total{{{}}} {}\n", env_label(environment), flow.counters(environment).database_errors);

   const auto gauge = [&](std::string_view name, std::string_view help, auto value_of) {
      header(out, name, "gauge", help);
      for (const auto environment : all_environments)
         out += fmt::format("{}{{{}}} {}\n", name, env_label(environment), value_of(environment));
   };
   gauge("traffic_weight_percent", "Percentage of the traffic the load balancer sends to the environment.",
         [&](Environment e) { return view.split.percentage(e); });
   gauge("cpu_usage_percent", "CPU usage of the environment.", [&](Environment e) { return view.of(e).cpu_percent; });
   gauge("memory_usage_percent", "Memory usage of the environment.", [&](Environment e) { return view.of(e).memory_percent; });
   gauge("memory_usage_bytes", "Memory used by the environment.", [&](Environment e) { return view.of(e).memory_mb() * 1024 * 1024; });

   header(out, "component_up", "gauge", "1 when the environment reaches the component (database, redis), 0 when not.");
   for (const auto environment : all_environments) {
      out += fmt::format("component_up{{{},component=\"database\"}} {}\n", env_label(environment), view.of(environment).database_up ? 1 : 0);
      out += fmt::format("component_up{{{},component=\"redis\"}} {}\n", env_label(environment), view.of(environment).redis_up ? 1 : 0);
   }

   header(out, "sandbox_synthetic_requests_per_second", "gauge", "Rate of the synthetic request flow behind these metrics.");
   out += fmt::format("sandbox_synthetic_requests_per_second {}\n", flow.requests_per_second());
   return out;
}

}  // namespace sandbox
