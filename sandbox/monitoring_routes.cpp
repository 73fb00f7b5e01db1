// The monitoring the seed's triggers read:
//   curl -s $MONITORING/api/metrics/error-rate            -> {"value": 0.02, "unit": "percent"}
//   curl -s '$MONITORING/api/metrics/error-rate?environment=green'
// and GET /metrics for Prometheus.
#include <functional>
#include <map>
#include <string>

#include <fmt/format.h>

#include "http_util.hpp"
#include "json_util.hpp"
#include "routes.hpp"

namespace sandbox {
namespace {

struct MonitoringMetric {
   std::string unit;
   /// The value for the whole system (traffic-weighted) ...
   std::function<double(const SystemView&, double requests_per_second)> system;
   /// ... and for one environment.
   std::function<double(const SystemView&, Environment, double requests_per_second)> environment;
};

constexpr double tracking_share_of_latency = 0.5;
constexpr double db_pool_baseline_percent = 40;

const std::map<std::string, MonitoringMetric>& monitoring_metrics()
{
   static const std::map<std::string, MonitoringMetric> metrics = {
      {"error-rate",
       {"percent", [](const SystemView& v, double) { return v.error_rate_percent(); },
        [](const SystemView& v, Environment e, double) { return v.of(e).error_rate_percent; }}},
      {"latency-avg",
       {"ms", [](const SystemView& v, double) { return v.latency_avg_ms(); },
        [](const SystemView& v, Environment e, double) { return v.of(e).latency_ms; }}},
      {"latency-p99",
       {"ms", [](const SystemView& v, double) { return v.latency_p99_ms(); },
        [](const SystemView& v, Environment e, double) { return v.of(e).latency_ms * p99_multiplier; }}},
      {"db-connection-errors",
       {"errors/s", [](const SystemView& v, double rps) { return v.database_errors_per_second(rps); },
        [](const SystemView& v, Environment e, double rps) {
           const auto& p = v.of(e);
           return p.serving && !p.database_up ? rps * v.split.share(e) : 0.0;
        }}},
      {"cpu",
       {"percent", [](const SystemView& v, double) { return v.cpu_percent(); },
        [](const SystemView& v, Environment e, double) { return v.of(e).cpu_percent; }}},
      {"memory",
       {"percent", [](const SystemView& v, double) { return v.memory_percent(); },
        [](const SystemView& v, Environment e, double) { return v.of(e).memory_percent; }}},
      {"memory-growth",
       {"MB/min", [](const SystemView& v, double) { return v.memory_growth_mb_per_min(); },
        [](const SystemView& v, Environment e, double) { return v.of(e).memory_growth_mb_per_min; }}},
      // The tracking pixel is a static response: its p99 is half the API's,
      // so it follows the API's latency faults (the shipped rollout's
      // tracking SLA trigger watches it).
      {"tracking-latency-p99",
       {"ms", [](const SystemView& v, double) { return v.latency_p99_ms() * tracking_share_of_latency; },
        [](const SystemView& v, Environment e, double) {
           return v.of(e).latency_ms * p99_multiplier * tracking_share_of_latency;
        }}},
      // Database connection pool usage: steady while the database answers,
      // exhausted when an environment that gets traffic cannot reach it.
      {"db-pool-usage",
       {"percent",
        [](const SystemView& v, double) {
           for (const Environment e : all_environments)
              if (v.split.share(e) > 0 && v.of(e).serving && !v.of(e).database_up) return 100.0;
           return db_pool_baseline_percent;
        },
        [](const SystemView& v, Environment e, double) {
           return v.of(e).database_up ? db_pool_baseline_percent : 100.0;
        }}},
      {"throughput",
       {"requests/s", [](const SystemView&, double rps) { return rps; },
        [](const SystemView& v, Environment e, double rps) { return rps * v.split.share(e); }}},
   };
   return metrics;
}

std::string known_metric_names()
{
   std::string names;
   for (const auto& [name, metric] : monitoring_metrics()) names += (names.empty() ? "" : ", ") + name;
   return names;
}

}  // namespace

void add_monitoring_routes(httplib::Server& server, Sandbox& sandbox)
{
   server.Get(R"(/api/metrics/([^/]+))", [&](const httplib::Request& request, httplib::Response& response) {
      const std::string name = request.matches[1];
      const auto found = monitoring_metrics().find(name);
      if (found == monitoring_metrics().end()) {
         send_error(response, 404, fmt::format("unknown metric \"{}\"; known: {}", name, known_metric_names()));
         return;
      }
      std::optional<Environment> environment;
      if (request.has_param("environment")) {
         environment = parse_environment(request.get_param_value("environment"));
         if (!environment) {
            send_error(response, 400, "environment must be \"blue\" or \"green\"");
            return;
         }
      }
      const double rps = sandbox.options().requests_per_second;
      const double value = sandbox.read([&](const SandboxState&, const SystemView& view) {
         return environment ? found->second.environment(view, *environment, rps) : found->second.system(view, rps);
      });
      nlohmann::json body = {{"metric", name}, {"value", number_json(value)}, {"unit", found->second.unit}};
      if (environment) body["environment"] = environment_name(*environment);
      send_json(response, 200, body);
   });

   server.Get("/metrics", [&](const httplib::Request&, httplib::Response& response) {
      response.set_content(sandbox.prometheus_text(), "text/plain; version=0.0.4; charset=utf-8");
   });
}

}  // namespace sandbox
