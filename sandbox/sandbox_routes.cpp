// The sandbox's own controls, for tests and the demo:
//   curl -s $SANDBOX/sandbox/requests                    every mutating request, in order
//   curl -s '$SANDBOX/sandbox/requests?path=/api/traffic&since=10'
//   curl -X POST $SANDBOX/sandbox/reset                   back to blue 100, no faults, empty log
#include <charconv>

#include "http_util.hpp"
#include "routes.hpp"

namespace sandbox {

void add_sandbox_routes(httplib::Server& server, Sandbox& sandbox)
{
   server.Get("/sandbox/requests", [&](const httplib::Request& request, httplib::Response& response) {
      const std::string prefix = request.get_param_value("path");
      std::uint64_t since = 0;
      if (request.has_param("since")) {
         const std::string text = request.get_param_value("since");
         const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), since);
         if (error != std::errc{} || end != text.data() + text.size()) {
            send_error(response, 400, "since must be a sequence number (the requests after it are listed)");
            return;
         }
      }
      send_json(response, 200, sandbox.read([&](const SandboxState& state, const SystemView&) {
         nlohmann::json requests = nlohmann::json::array();
         for (const auto& logged : state.requests)
            if (logged.seq > since && logged.path.compare(0, prefix.size(), prefix) == 0) requests.push_back(logged_request_to_json(logged));
         return nlohmann::json{{"requests", requests}};
      }));
   });

   post_route(server, "/sandbox/reset", [&](const httplib::Request&, httplib::Response& response) {
      try {
         sandbox.reset();
      }
      catch (const std::exception& e) {
         send_error(response, 500, std::string("the sandbox could not save its state: ") + e.what());
         return;
      }
      send_json(response, 200, {{"status", "reset"}});
   });

   server.Get("/", [](const httplib::Request&, httplib::Response& response) {
      send_json(response, 200,
                {{"service", "runbook-sandbox"},
                 {"docs", "docs/sandbox.md"},
                 {"endpoints",
                  {"GET /api/traffic", "POST /api/traffic", "GET /health", "GET /health/detailed", "GET /pixel/test.png",
                   "GET /api/metrics/{error-rate,latency-avg,latency-p99,db-connection-errors,cpu,memory,memory-growth,throughput}",
                   "GET /metrics", "GET|POST|DELETE /sandbox/faults", "POST /hooks/slack/...",
                   "POST /statuspage/v1/pages/{page}/incidents", "POST /pagerduty/incidents/{id}/acknowledge",
                   "GET /sandbox/requests", "POST /sandbox/reset"}}});
   });
}

}  // namespace sandbox
