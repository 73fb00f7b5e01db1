// Breaking things on purpose (see faults.hpp for the format):
//   curl -X POST $SANDBOX/sandbox/faults -d '{"green": {"error_rate": 2.0, "latency_ms": 600}, "database": "down"}'
//   curl -X DELETE $SANDBOX/sandbox/faults
#include "http_util.hpp"
#include "json_util.hpp"
#include "routes.hpp"

namespace sandbox {
namespace {

nlohmann::json effective_json(const EnvironmentProfile& p)
{
   return {{"serving", p.serving},
           {"database", p.database_up ? "up" : "down"},
           {"redis", p.redis_up ? "up" : "down"},
           {"error_rate", number_json(p.error_rate_percent)},
           {"latency_ms", number_json(p.latency_ms)},
           {"cpu", number_json(p.cpu_percent)},
           {"memory", number_json(p.memory_percent)},
           {"memory_growth_mb_per_min", number_json(p.memory_growth_mb_per_min)}};
}

/// {"faults": what is injected, "effective": how each environment behaves now}.
nlohmann::json faults_report(const Faults& faults, const TrafficSplit& split)
{
   const SystemView view = system_view(faults, split, unix_now_ms());
   nlohmann::json effective;
   for (const auto environment : all_environments) effective[std::string(environment_name(environment))] = effective_json(view.of(environment));
   return {{"faults", faults_to_json(faults)}, {"effective", effective}};
}

}  // namespace

void add_fault_routes(httplib::Server& server, Sandbox& sandbox)
{
   server.Get("/sandbox/faults", [&](const httplib::Request&, httplib::Response& response) {
      send_json(response, 200, sandbox.read([](const SandboxState& state, const SystemView&) { return faults_report(state.faults, state.split); }));
   });

   post_route(server, "/sandbox/faults", [&](const httplib::Request& request, httplib::Response& response) {
      sandbox.mutate(request, response, [&](SandboxState& draft, httplib::Response& answer) {
         const auto body = parse_json_body(request, answer);
         if (!body) return Outcome::applied;
         try {
            merge_faults(draft.faults, *body, unix_now_ms());
         }
         catch (const FaultFormatError& e) {
            send_error(answer, 400, e.what());
            return Outcome::applied;
         }
         send_json(answer, 200, faults_report(draft.faults, draft.split));
         return Outcome::applied;
      });
   });

   delete_route(server, "/sandbox/faults", [&](const httplib::Request& request, httplib::Response& response) {
      sandbox.mutate(request, response, [&](SandboxState& draft, httplib::Response& answer) {
         draft.faults = Faults{};
         send_json(answer, 200, faults_report(draft.faults, draft.split));
         return Outcome::applied;
      });
   });
}

}  // namespace sandbox
