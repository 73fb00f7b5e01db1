#include "http_util.hpp"

#include <chrono>

#include "json_util.hpp"

namespace sandbox {

void send_json(httplib::Response& response, int status, const nlohmann::json& body)
{
   response.status = status;
   response.set_content(dump_json(body), "application/json");
}

void send_error(httplib::Response& response, int status, const std::string& message)
{
   send_json(response, status, {{"error", message}});
}

std::optional<nlohmann::json> parse_json_body(const httplib::Request& request, httplib::Response& response)
{
   if (request.body.empty()) {
      send_error(response, 400, "the request body is empty; expected a JSON object");
      return std::nullopt;
   }
   try {
      return nlohmann::json::parse(request.body);
   }
   catch (const nlohmann::json::parse_error& e) {
      send_error(response, 400, std::string("the request body is not valid JSON: ") + e.what());
      return std::nullopt;
   }
}

std::optional<std::string> auth_scheme(const httplib::Request& request)
{
   if (!request.has_header("Authorization")) return std::nullopt;
   const std::string value = request.get_header_value("Authorization");
   const auto space = value.find(' ');
   return value.substr(0, space);
}

std::optional<std::string> auth_credential(const httplib::Request& request, std::string_view scheme)
{
   if (!request.has_header("Authorization")) return std::nullopt;
   const std::string value = request.get_header_value("Authorization");
   if (value.size() <= scheme.size() + 1 || value.compare(0, scheme.size(), scheme) != 0 || value[scheme.size()] != ' ') return std::nullopt;
   return value.substr(scheme.size() + 1);
}

bool same_secret(std::string_view a, std::string_view b)
{
   unsigned char difference = a.size() == b.size() ? 0 : 1;
   for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
   return difference == 0;
}

std::string loggable_path(const std::string& path)
{
   // Everything after /hooks/slack/services/ (Slack's T.../B.../secret) is the secret.
   static const std::string services = "/hooks/slack/services/";
   static const std::string slack = "/hooks/slack/";
   if (path.compare(0, services.size(), services) == 0) return services + "***";
   if (path.compare(0, slack.size(), slack) == 0) return slack + "***";
   return path;
}

namespace {

httplib::Server::HandlerWithContentReader reading_body(BodyHandler handler)
{
   return [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response, const httplib::ContentReader& read) {
      // A copy with the body filled in; its `matches` still point into the
      // original's path, which outlives this call.
      httplib::Request complete = request;
      if (request.has_header("Content-Length") || request.has_header("Transfer-Encoding")) {
         const bool whole = read([&](const char* data, std::size_t length) {
            complete.body.append(data, length);
            return true;
         });
         if (!whole) {
            send_error(response, 413, "the request body is too large (at most 1 MiB) or was cut short");
            return;
         }
      }
      handler(complete, response);
   };
}

}  // namespace

void post_route(httplib::Server& server, const std::string& pattern, BodyHandler handler)
{
   server.Post(pattern, reading_body(std::move(handler)));
}

void delete_route(httplib::Server& server, const std::string& pattern, BodyHandler handler)
{
   server.Delete(pattern, reading_body(std::move(handler)));
}

long long unix_now_ms()
{
   using namespace std::chrono;
   return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace sandbox
