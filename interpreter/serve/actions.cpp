// The POST side of `runbook serve`: signing in and out, and the actions on a
// run. Every action needs a signed-in operator and the session's CSRF token
// in the form; the request is then posted as the CLI posts it.
#include <chrono>
#include <thread>

#include <fmt/core.h>

#include "serve/route_context.hpp"

namespace runbook::serve {

namespace {

std::string session_cookie_header(const Context& context, const std::string& value, bool clear)
{
   return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict{}{}", session_cookie, value,
                      context.options.tls_cert.empty() ? "" : "; Secure", clear ? "; Max-Age=0" : "");
}

void redirect(httplib::Response& res, const std::string& to)
{
   res.status = 303;
   res.set_header("Location", to);
   res.set_header("Cache-Control", "no-store");
}

/// A field of at most longest_field characters with no control characters; nullopt otherwise.
std::optional<std::string> field(const httplib::Request& req, const char* name)
{
   const std::string value = req.get_param_value(name);
   if (value.size() > longest_field) return std::nullopt;
   for (const unsigned char c : value)
      if (c < 0x20 || c == 0x7f) return std::nullopt;
   return value;
}

void sign_in(Context& context, const httplib::Request& req, httplib::Response& res)
{
   if (!context.options.operators)
      return send_problem(res, 404, "Not found", "Nobody can sign in: runbook serve was started without --operators.", {});
   const auto name = field(req, "name");
   const auto token = field(req, "token");
   if (!name || !token || name->empty() || !context.options.operators->check(*name, *token)) {
      // One answer for every wrong part, a little late: guessing is slow.
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return send_html(res, 403, page("Sign in", login_form("Sign-in refused."), {}));
   }
   res.set_header("Set-Cookie", session_cookie_header(context, context.sessions.open(*name), false));
   redirect(res, "/");
}

/// The signed-in operator whose form carries the session's CSRF token, or
/// nullopt (the refusal sent).
std::optional<Viewer> authorised(Context& context, const httplib::Request& req, httplib::Response& res)
{
   const Viewer viewer = viewer_of(context, req);
   if (!viewer.signed_in()) {
      send_problem(res, 401, "Sign in first", "Only a signed-in operator can act on a run.", viewer);
      return std::nullopt;
   }
   if (!equal_in_constant_time(req.get_param_value("csrf"), viewer.csrf)) {
      send_problem(res, 403, "Refused", "The form is stale or did not come from this console: reload the page.", viewer);
      return std::nullopt;
   }
   return viewer;
}

std::optional<ActionRequest> action_request(const std::string& action, const httplib::Request& req)
{
   ActionRequest request{action, "", "", "", "", ""};
   for (auto [name, into] : {std::pair{"step", &request.step}, std::pair{"answer", &request.answer},
                             std::pair{"rollback", &request.rollback}, std::pair{"trigger", &request.trigger},
                             std::pair{"signal", &request.signal}}) {
      const auto value = field(req, name);
      if (!value) return std::nullopt;
      *into = *value;
   }
   if (action == "fire" && request.trigger.empty()) return std::nullopt;
   if (action == "signal" && request.signal.empty()) return std::nullopt;
   return request;
}

void act(Context& context, const httplib::Request& req, httplib::Response& res)
{
   std::string run_id, action;
   split_run_path(req.path, run_id, action);
   const bool known = action == "approve" || action == "abort" || action == "fire" || action == "signal";
   const auto viewer = authorised(context, req, res);
   if (!viewer) return;
   const auto run = find_run(context, run_id);
   if (!run || !known) return send_problem(res, 404, "Not found", "There is no such run or action.", *viewer);
   const auto request = action_request(action, req);
   if (!request) return send_problem(res, 400, "Bad request", "A field is missing, too long or holds control characters.", *viewer);
   const std::string refused = context.options.post(context.journal, run->id, *request, viewer->name);
   if (!refused.empty()) return send_problem(res, 409, "Not sent", refused, *viewer);
   redirect(res, "/runs/" + run->id + "?sent=" + action);
}

/// Whether a browser says the form came from another site: its Origin is
/// not this server. Covers the sign-in form too, which has no session (and
/// so no CSRF token) yet. A client that sends no Origin is not a browser
/// posting across sites.
bool from_another_site(const Context& context, const httplib::Request& req)
{
   const std::string origin = req.get_header_value("Origin");
   if (origin.empty()) return false;
   const std::string scheme = context.options.tls_cert.empty() ? "http://" : "https://";
   return origin != scheme + req.get_header_value("Host");
}

}  // namespace

void post(Context& context, const httplib::Request& req, httplib::Response& res)
{
   if (from_another_site(context, req))
      return send_problem(res, 403, "Refused", "The form did not come from this console.", viewer_of(context, req));
   if (req.path == "/login") return sign_in(context, req, res);
   if (req.path == "/logout") {
      if (!authorised(context, req, res)) return;
      context.sessions.close(cookie_value(req, session_cookie));
      res.set_header("Set-Cookie", session_cookie_header(context, "", true));
      return redirect(res, "/");
   }
   if (req.path.rfind("/runs/", 0) == 0) return act(context, req, res);
   send_problem(res, 404, "Not found", "There is no such page.", viewer_of(context, req));
}

}  // namespace runbook::serve
