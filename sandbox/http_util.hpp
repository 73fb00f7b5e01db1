// Helpers every route uses: JSON answers, error answers, Authorization headers.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace sandbox {

void send_json(httplib::Response& response, int status, const nlohmann::json& body);
/// {"error": message}: every 4xx/5xx of the sandbox's own APIs looks like this.
void send_error(httplib::Response& response, int status, const std::string& message);

/// The body as JSON, or nullopt after answering 400 with the parser's complaint.
std::optional<nlohmann::json> parse_json_body(const httplib::Request& request, httplib::Response& response);

/// The scheme of the Authorization header ("Bearer", "OAuth", "Token"), never its secret.
std::optional<std::string> auth_scheme(const httplib::Request& request);
/// The credential after `scheme ` in the Authorization header, if it uses that scheme.
std::optional<std::string> auth_credential(const httplib::Request& request, std::string_view scheme);
/// Compares secrets in time independent of where they differ.
bool same_secret(std::string_view a, std::string_view b);

/// The path as it may appear in the sandbox's own stderr: Slack webhook paths
/// carry their secret in the URL, so everything after /hooks/slack/ is hidden.
std::string loggable_path(const std::string& path);

long long unix_now_ms();

/// A route handler that sees the whole body in request.body.
using BodyHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

/// Server::Post / Server::Delete, except that a request without a body and
/// without Content-Length (what `curl -X POST URL` and `curl -X DELETE URL`
/// send) is answered at once: cpp-httplib 0.11 would otherwise wait for the
/// client to close the connection before routing it.
void post_route(httplib::Server& server, const std::string& pattern, BodyHandler handler);
void delete_route(httplib::Server& server, const std::string& pattern, BodyHandler handler);

}  // namespace sandbox
