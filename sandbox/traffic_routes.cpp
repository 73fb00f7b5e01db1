// The load balancer admin API of the seed's traffic scripts:
//   curl -X POST $LB/api/traffic -H "Authorization: Bearer $LB_ADMIN_TOKEN"
//        -d '{"environment": "blue", "percentage": 100}'
#include <fmt/format.h>

#include "http_util.hpp"
#include "json_util.hpp"
#include "routes.hpp"

namespace sandbox {
namespace {

nlohmann::json split_json(const TrafficSplit& split)
{
   return {{"blue", number_json(split.percentage(Environment::blue))}, {"green", number_json(split.percentage(Environment::green))}};
}

/// Validates {"environment": "blue"|"green", "percentage": 0..100}; answers 400 when it is not.
bool apply_route_request(const httplib::Request& request, httplib::Response& response, TrafficSplit& split)
{
   const auto body = parse_json_body(request, response);
   if (!body) return false;
   if (!body->is_object()) {
      send_error(response, 400, "expected a JSON object like {\"environment\": \"green\", \"percentage\": 25}");
      return false;
   }
   const auto environment_field = body->find("environment");
   if (environment_field == body->end() || !environment_field->is_string()) {
      send_error(response, 400, "\"environment\" is missing or not a string; expected \"blue\" or \"green\"");
      return false;
   }
   const auto environment = parse_environment(environment_field->get<std::string>());
   if (!environment) {
      send_error(response, 400, fmt::format("unknown environment \"{}\"; expected \"blue\" or \"green\"", environment_field->get<std::string>()));
      return false;
   }
   const auto percentage_field = body->find("percentage");
   if (percentage_field == body->end() || !percentage_field->is_number()) {
      send_error(response, 400, "\"percentage\" is missing or not a number; expected 0 to 100");
      return false;
   }
   const double percentage = percentage_field->get<double>();
   if (!(percentage >= 0 && percentage <= 100)) {
      send_error(response, 400, fmt::format("\"percentage\" must be between 0 and 100, got {}", percentage));
      return false;
   }
   split.route(*environment, percentage);
   send_json(response, 200, split_json(split));
   return true;
}

}  // namespace

void add_traffic_routes(httplib::Server& server, Sandbox& sandbox)
{
   server.Get("/api/traffic", [&](const httplib::Request&, httplib::Response& response) {
      send_json(response, 200, sandbox.read([](const SandboxState& state, const SystemView&) { return split_json(state.split); }));
   });

   post_route(server, "/api/traffic", [&](const httplib::Request& request, httplib::Response& response) {
      sandbox.mutate(request, response, [&](SandboxState& draft, httplib::Response& answer) {
         // Authentication comes first: a replay must not leak an answer to a stranger.
         if (const auto& token = sandbox.options().token) {
            const auto credential = auth_credential(request, "Bearer");
            if (!credential || !same_secret(*credential, *token)) {
               answer.set_header("WWW-Authenticate", "Bearer");
               send_error(answer, 401, credential ? "wrong bearer token" : "missing \"Authorization: Bearer <token>\" header");
               return Outcome::applied;
            }
         }
         const std::string key = request.get_header_value("Idempotency-Key");
         if (!key.empty()) {
            if (const auto seen = draft.idempotency.find(key); seen != draft.idempotency.end()) {
               const IdempotentAnswer& first = seen->second;
               if (first.method != request.method || first.path != request.path || first.request_body != request.body) {
                  send_error(answer, 422, "this Idempotency-Key was already used with a different request");
                  return Outcome::applied;
               }
               answer.status = first.status;
               answer.set_content(first.response_body, "application/json");
               answer.set_header("Idempotent-Replayed", "true");
               return Outcome::replayed;
            }
         }
         apply_route_request(request, answer, draft.split);
         if (!key.empty()) draft.idempotency[key] = {request.method, request.path, request.body, answer.status, answer.body};
         return Outcome::applied;
      });
   });
}

}  // namespace sandbox
