// What the seed's health checks and traffic verification call:
//   curl -s $API/health | jq '.environment'           (which environment answered)
//   curl -H "X-Environment: green" $API/health         (ask one environment directly)
//   curl -f $API/health/detailed                       (.status, .components.database.status, .components.redis.status)
//   curl -f $TRACK/pixel/test.png                      (the tracking pixel)
#include <array>

#include <fmt/format.h>

#include "http_util.hpp"
#include "json_util.hpp"
#include "routes.hpp"

namespace sandbox {
namespace {

/// A transparent 1x1 RGBA PNG (checked: valid signature and chunk CRCs).
constexpr std::array<unsigned char, 70> pixel_png = {
   0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
   0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
   0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80,
   0xeb, 0x47, 0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};

/// The version each environment runs: blue is production, green the release being rolled out.
std::string_view version_of(Environment environment)
{
   return environment == Environment::blue ? "2.9.4" : "3.0.0";
}

/// The environment that answers: the one named by X-Environment, or the
/// load balancer's choice. nullopt after answering 400 for an unknown name.
std::optional<Environment> answering_environment(const httplib::Request& request, httplib::Response& response, Sandbox& sandbox)
{
   if (!request.has_header("X-Environment")) return sandbox.next_routed_environment();
   const std::string name = request.get_header_value("X-Environment");
   if (auto environment = parse_environment(name)) return environment;
   send_error(response, 400, fmt::format("unknown X-Environment \"{}\"; expected \"blue\" or \"green\"", name));
   return std::nullopt;
}

EnvironmentProfile profile_of(Sandbox& sandbox, Environment environment)
{
   return sandbox.read([&](const SandboxState&, const SystemView& view) { return view.of(environment); });
}

nlohmann::json component_json(bool up, double latency_ms)
{
   if (!up) return {{"status", "unhealthy"}, {"error", "connection refused"}};
   return {{"status", "healthy"}, {"latency_ms", number_json(latency_ms)}};
}

}  // namespace

void add_health_routes(httplib::Server& server, Sandbox& sandbox)
{
   server.Get("/health", [&](const httplib::Request& request, httplib::Response& response) {
      const auto environment = answering_environment(request, response, sandbox);
      if (!environment) return;
      const bool serving = profile_of(sandbox, *environment).serving;
      send_json(response, serving ? 200 : 503,
                {{"status", serving ? "healthy" : "unhealthy"}, {"environment", environment_name(*environment)}, {"version", version_of(*environment)}});
   });

   server.Get("/health/detailed", [&](const httplib::Request& request, httplib::Response& response) {
      const auto environment = answering_environment(request, response, sandbox);
      if (!environment) return;
      const EnvironmentProfile profile = profile_of(sandbox, *environment);
      const bool healthy = profile.healthy();
      nlohmann::json body = {
         {"status", healthy ? "healthy" : "unhealthy"},
         {"environment", environment_name(*environment)},
         {"version", version_of(*environment)},
         {"components",
          {{"api", {{"status", profile.serving ? "healthy" : "unhealthy"}}},
           {"database", component_json(profile.database_up, 3)},
           {"redis", component_json(profile.redis_up, 1)}}},
         {"metrics",
          {{"error_rate_percent", number_json(profile.error_rate_percent)},
           {"latency_ms", number_json(profile.latency_ms)},
           {"cpu_percent", number_json(profile.cpu_percent)},
           {"memory_percent", number_json(profile.memory_percent)}}},
      };
      // `curl -f` then fails, like a real health endpoint behind a load balancer.
      send_json(response, healthy ? 200 : 503, body);
   });

   server.Get("/pixel/test.png", [&](const httplib::Request& request, httplib::Response& response) {
      const auto environment = answering_environment(request, response, sandbox);
      if (!environment) return;
      if (!profile_of(sandbox, *environment).serving) {
         send_error(response, 503, fmt::format("the {} environment is down", environment_name(*environment)));
         return;
      }
      response.set_header("Cache-Control", "no-store");
      response.set_content(std::string(pixel_png.begin(), pixel_png.end()), "image/png");
   });
}

}  // namespace sandbox
