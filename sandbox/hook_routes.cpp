// Receivers for the seed's notifications; each answers roughly what the real
// service answers, and every call lands in the request log.
//   Slack incoming webhook:  POST /hooks/slack/services/T/B/X  {"text": "..."}         -> 200 "ok"
//   Statuspage:              POST /statuspage/v1/pages/PAGE/incidents                   -> 201 incident
//                            Authorization: OAuth KEY, {"incident": {"name": ..., "status": ..., "body": ...}}
//   PagerDuty:               POST /pagerduty/incidents/ID/acknowledge                   -> 200 incident
//                            Authorization: Token token=KEY
// The receivers check that a credential is present in the right scheme, not
// its value: each service has its own key, and the sandbox only knows its own.
#include <chrono>
#include <ctime>
#include <set>

#include <fmt/format.h>

#include "http_util.hpp"
#include "routes.hpp"

namespace sandbox {
namespace {

std::string iso_time_now()
{
   const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
   std::tm utc{};
   gmtime_r(&now, &utc);
   char text[32];
   std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
   return text;
}

void answer_slack(const httplib::Request& request, httplib::Response& response)
{
   // Slack answers in plain text, and names the problem in snake_case.
   const auto body = nlohmann::json::parse(request.body, nullptr, false);
   if (body.is_discarded() || !body.is_object()) {
      response.status = 400;
      response.set_content("invalid_payload", "text/plain");
      return;
   }
   const auto text = body.find("text");
   const bool has_text = text != body.end() && text->is_string() && !text->get<std::string>().empty();
   if (!has_text && !body.contains("blocks") && !body.contains("attachments")) {
      response.status = 400;
      response.set_content("no_text", "text/plain");
      return;
   }
   response.status = 200;
   response.set_content("ok", "text/plain");
}

void answer_statuspage(const httplib::Request& request, httplib::Response& response, const std::string& page, std::uint64_t seq)
{
   const auto key = auth_credential(request, "OAuth");
   if (!key || key->empty()) {
      send_error(response, 401, "Could not authenticate");
      return;
   }
   const auto body = nlohmann::json::parse(request.body, nullptr, false);
   if (body.is_discarded() || !body.is_object() || !body.contains("incident") || !body["incident"].is_object()) {
      send_error(response, 422, "expected {\"incident\": {\"name\": ..., \"status\": ...}}");
      return;
   }
   const auto& incident = body["incident"];
   if (!incident.contains("name") || !incident["name"].is_string() || incident["name"].get<std::string>().empty()) {
      send_error(response, 422, "name can't be blank");
      return;
   }
   static const std::set<std::string> statuses = {"investigating", "identified", "monitoring", "resolved",
                                                  "scheduled", "in_progress", "verifying", "completed"};
   const std::string status = incident.value("status", "investigating");
   if (!statuses.contains(status)) {
      send_error(response, 422, fmt::format("status \"{}\" is not one of investigating, identified, monitoring, resolved", status));
      return;
   }
   const std::string id = fmt::format("sbx{:06}", seq);
   const std::string now = iso_time_now();
   nlohmann::json answer = {
      {"id", id},
      {"page_id", page},
      {"name", incident["name"]},
      {"status", status},
      {"impact", incident.value("impact_override", "none")},
      {"created_at", now},
      {"updated_at", now},
      {"shortlink", fmt::format("http://stspg.io/{}", id)},
      {"incident_updates", nlohmann::json::array({{{"id", id + "u1"}, {"status", status}, {"body", incident.value("body", "")}, {"created_at", now}}})},
   };
   send_json(response, 201, answer);
}

void answer_pagerduty(const httplib::Request& request, httplib::Response& response, const std::string& incident_id)
{
   const auto key = auth_credential(request, "Token");
   if (!key || key->rfind("token=", 0) != 0 || key->size() == 6) {
      send_json(response, 401, {{"error", {{"message", "Unauthorized"}, {"code", 2006}}}});
      return;
   }
   send_json(response, 200,
             {{"incident",
               {{"id", incident_id}, {"type", "incident"}, {"status", "acknowledged"}, {"acknowledged_at", iso_time_now()}}}});
}

}  // namespace

void add_hook_routes(httplib::Server& server, Sandbox& sandbox)
{
   post_route(server, R"(/hooks/slack/.+)", [&](const httplib::Request& request, httplib::Response& response) {
      sandbox.mutate(request, response, [&](SandboxState&, httplib::Response& answer) {
         answer_slack(request, answer);
         return Outcome::applied;
      });
   });

   post_route(server, R"(/statuspage/v1/pages/([^/]+)/incidents)", [&](const httplib::Request& request, httplib::Response& response) {
      sandbox.mutate(request, response, [&](SandboxState& draft, httplib::Response& answer) {
         answer_statuspage(request, answer, request.matches[1], draft.next_seq);
         return Outcome::applied;
      });
   });

   post_route(server, R"(/pagerduty/incidents/([^/]+)/acknowledge)", [&](const httplib::Request& request, httplib::Response& response) {
      sandbox.mutate(request, response, [&](SandboxState&, httplib::Response& answer) {
         answer_pagerduty(request, answer, request.matches[1]);
         return Outcome::applied;
      });
   });
}

}  // namespace sandbox
