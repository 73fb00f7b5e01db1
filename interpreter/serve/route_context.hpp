// What the GET side (serve/routes.cpp) and the POST side (serve/actions.cpp)
// of `runbook serve` share.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <httplib.h>

#include "serve/html.hpp"
#include "serve/server.hpp"
#include "serve/sessions.hpp"

namespace runbook::serve {

inline constexpr const char* session_cookie = "runbook_session";
/// The longest text a form field or filter may hold; longer is refused (400).
inline constexpr std::size_t longest_field = 200;

struct Context {
   Context(Journal& journal, const ServeOptions& options, Sessions& sessions)
      : journal(journal), options(options), sessions(sessions) {}
   Journal& journal;
   const ServeOptions& options;
   Sessions& sessions;
   std::mutex plan_mutex;
   std::map<std::string, RunPlan> plans;   ///< By run id and source hash: a journaled source does not change.
};

/// A page, with the headers every page gets (no caching, no framing, a
/// Content-Security-Policy that allows this server's own assets only).
void send_html(httplib::Response& res, int status, const std::string& html);
/// A short page saying what went wrong (`text` is escaped).
void send_problem(httplib::Response& res, int status, const std::string& title, const std::string& text,
                  const Viewer& viewer);
std::string cookie_value(const httplib::Request& req, const std::string& name);
/// The signed-in operator of the request's session cookie, or nobody.
Viewer viewer_of(Context& context, const httplib::Request& req);
/// "/runs/ID" and "/runs/ID/WHAT": the run id and what (empty for the page).
bool split_run_path(const std::string& path, std::string& run_id, std::string& what);
/// The run, when `run_id` looks like a run id and the journal has it.
std::optional<RunInfo> find_run(Context& context, const std::string& run_id);
/// The sign-in form, with `problem` said above it.
std::string login_form(const std::string& problem);

/// Handles every POST: sign in, sign out, the actions on a run.
void post(Context& context, const httplib::Request& req, httplib::Response& res);

}  // namespace runbook::serve
