#include "serve/routes.hpp"

#include "serve/route_context.hpp"

#include <atomic>
#include <chrono>
#include <thread>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "serve/assets.hpp"
#include "serve/html.hpp"
#include "view/journal_view.hpp"

namespace runbook::serve {

void send_html(httplib::Response& res, int status, const std::string& html)
{
   res.status = status;
   res.set_header("Cache-Control", "no-store");
   res.set_header("X-Content-Type-Options", "nosniff");
   // same-origin, not no-referrer: under no-referrer a browser posts a form
   // with "Origin: null", and the POST side refuses a foreign Origin.
   res.set_header("Referrer-Policy", "same-origin");
   res.set_header("X-Frame-Options", "DENY");
   // Only this server's own assets; inline SVG styles are dot's attributes, not CSS.
   res.set_header("Content-Security-Policy",
                  "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; "
                  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
   res.set_content(html, "text/html; charset=utf-8");
}

void send_problem(httplib::Response& res, int status, const std::string& title, const std::string& text,
                  const Viewer& viewer)
{
   send_html(res, status, page(title, "<h1>" + escape(title) + "</h1><p>" + escape(text) + "</p><p><a href=\"/\">All runs</a></p>", viewer));
}

std::string cookie_value(const httplib::Request& req, const std::string& name)
{
   const std::string cookies = req.get_header_value("Cookie");
   std::size_t at = 0;
   while (at < cookies.size()) {
      const auto end = std::min(cookies.find(';', at), cookies.size());
      std::string pair = cookies.substr(at, end - at);
      pair.erase(0, pair.find_first_not_of(' '));
      if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
      at = end + 1;
   }
   return "";
}

Viewer viewer_of(Context& context, const httplib::Request& req)
{
   const auto session = context.sessions.find(cookie_value(req, session_cookie));
   return session ? Viewer{session->name, session->csrf} : Viewer{};
}

namespace {

std::atomic<bool> streams_ending{false};

/// A run id as the journal makes them (r20261204-123000-ab12): anything else
/// is no run, whatever it holds (../, quotes, markup).
bool plausible_run_id(const std::string& id)
{
   return !id.empty() && id.size() <= 64 &&
          id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == std::string::npos;
}

RunPlan plan_of(Context& context, const RunInfo& run)
{
   const std::string key = run.id + "@" + run.source_hash;
   {
      const std::lock_guard lock(context.plan_mutex);
      if (const auto it = context.plans.find(key); it != context.plans.end()) return it->second;
   }
   RunPlan plan = context.options.plan_of ? context.options.plan_of(context.journal, run) : RunPlan{};
   const std::lock_guard lock(context.plan_mutex);
   return context.plans.emplace(key, std::move(plan)).first->second;
}

}  // namespace

bool split_run_path(const std::string& path, std::string& run_id, std::string& what)
{
   if (path.rfind("/runs/", 0) != 0) return false;
   const std::string rest = path.substr(6);
   const auto slash = rest.find('/');
   run_id = rest.substr(0, slash);
   what = slash == std::string::npos ? "" : rest.substr(slash + 1);
   return true;
}

std::optional<RunInfo> find_run(Context& context, const std::string& run_id)
{
   if (!plausible_run_id(run_id)) return std::nullopt;
   return context.journal.run(run_id);
}

namespace {

/// The fixed sentence for ?sent=ACTION after an action (never the query's text).
std::string sent_notice(const std::string& sent)
{
   if (sent == "approve") return "Your answer was sent; the run takes it within a second or two.";
   if (sent == "abort") return "The abort was sent to the run.";
   if (sent == "fire") return "The trigger was fired; the run acts on it within a second or two.";
   if (sent == "signal") return "The signal was sent to the run.";
   return "";
}

std::string event_line_json(const JournalEvent& e, bool two_clocks)
{
   return nlohmann::json{{"seq", e.seq}, {"line", event_text(e, two_clocks)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool run_has_ended(Context& context, const std::string& run_id)
{
   const auto run = context.journal.run(run_id);
   return !run || run->status != run_status::Running;
}

/// The stream's text for the run's events after `after` (which moves on).
std::string events_after(Context& context, const std::string& run_id, std::int64_t& after, bool two_clocks)
{
   std::string stream;
   for (const auto& e : context.journal.events(run_id, after)) {
      stream += fmt::format("id: {}\nevent: journal\ndata: {}\n\n", e.seq, event_line_json(e, two_clocks));
      after = e.seq;
   }
   return stream;
}

/// Server-Sent Events: the run's events after `after`, as they are
/// journaled, polled twice a second, for up to a minute; the browser's
/// EventSource then reconnects with Last-Event-ID and goes on from there.
/// Once the run has ended and all is sent, an `end` event says so.
void stream_events(Context& context, const RunInfo& run, std::int64_t after, httplib::Response& res)
{
   res.set_header("Cache-Control", "no-store");
   const std::string run_id = run.id;
   const bool two_clocks = has_two_clocks(run);
   res.set_chunked_content_provider("text/event-stream", [&context, run_id, two_clocks, after](std::size_t, httplib::DataSink& sink) mutable {
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      std::string stream = "retry: 1000\n\n";
      while (std::chrono::steady_clock::now() < until && !streams_ending) {
         try {
            const bool ended = run_has_ended(context, run_id);   // Before the events: none is missed.
            stream += events_after(context, run_id, after, two_clocks);
            if (ended) stream += "event: end\ndata: {}\n\n";
            if (stream.empty()) stream = ": waiting\n\n";   // Finds a closed connection.
            if (!sink.write(stream.data(), stream.size())) return false;
            if (ended) break;
         } catch (const JournalError&) {
            break;
         }
         stream.clear();
         std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
      sink.done();
      return true;
   });
}

std::int64_t after_seq(const httplib::Request& req)
{
   std::string text = req.get_header_value("Last-Event-ID");
   if (text.empty()) text = req.get_param_value("after");
   if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return 0;
   return std::stoll(text);
}

void get_run(Context& context, const httplib::Request& req, httplib::Response& res, const Viewer& viewer)
{
   std::string run_id, what;
   split_run_path(req.path, run_id, what);
   const auto run = find_run(context, run_id);
   if (!run || !(what.empty() || what == "state" || what == "events"))
      return send_problem(res, 404, "Not found", "There is no such run or page.", viewer);
   const RunPlan plan = plan_of(context, *run);
   if (what == "state") return send_html(res, 200, run_state(context.journal, *run, context.journal.events(run->id), plan, viewer));
   if (what == "events") return stream_events(context, *run, after_seq(req), res);
   send_html(res, 200, run_page(context.journal, *run, plan, viewer, sent_notice(req.get_param_value("sent"))));
}

}  // namespace

std::string login_form(const std::string& problem)
{
   return fmt::format(R"(<h1>Sign in</h1>{}<form method="post" action="/login">
<p><label>Name <input name="name" autocomplete="username" required maxlength="200"></label></p>
<p><label>Token <input name="token" type="password" autocomplete="current-password" required maxlength="200"></label></p>
<p><button>Sign in</button></p></form>)",
                      problem.empty() ? "" : "<p class=\"notice\" role=\"alert\">" + escape(problem) + "</p>");
}

namespace {

void answer_get(Context& context, const httplib::Request& req, httplib::Response& res)
{
   const Viewer viewer = viewer_of(context, req);
   if (const auto asset = find_asset(req.path)) {
      res.set_header("X-Content-Type-Options", "nosniff");
      return res.set_content(std::string(asset->body), asset->content_type);
   }
   if (req.path == "/") {
      RunsFilter filter{req.get_param_value("status"), req.get_param_value("runbook"),
                        req.get_param_value("operator")};
      if (filter.status.size() > longest_field || filter.runbook.size() > longest_field ||
          filter.operator_name.size() > longest_field)
         return send_problem(res, 400, "Bad request", "A filter is too long.", viewer);
      const std::string page_number = req.get_param_value("page");
      if (page_number.size() > 6 || page_number.find_first_not_of("0123456789") != std::string::npos)
         return send_problem(res, 400, "Bad request", "The page is not a number.", viewer);
      if (!page_number.empty()) filter.page = std::stoul(page_number);
      return send_html(res, 200, runs_page(context.journal, filter, viewer));
   }
   if (req.path == "/login") {
      if (!context.options.operators)
         return send_problem(res, 404, "Not found", "Nobody can sign in: runbook serve was started without --operators.", viewer);
      return send_html(res, 200, page("Sign in", login_form(""), viewer));
   }
   if (req.path.rfind("/runs/", 0) == 0) return get_run(context, req, res, viewer);
   send_problem(res, 404, "Not found", "There is no such page.", viewer);
}

}  // namespace

void end_event_streams() { streams_ending = true; }

void add_routes(httplib::Server& server, Journal& journal, const ServeOptions& options, Sessions& sessions)
{
   auto context = std::make_shared<Context>(journal, options, sessions);
   const auto guarded = [context](auto handler) {
      return [context, handler](const httplib::Request& req, httplib::Response& res) {
         try {
            handler(*context, req, res);
         } catch (const std::exception& e) {
            send_problem(res, 500, "The journal could not be read", e.what(), Viewer{});
         }
      };
   };
   server.Get(".*", guarded(answer_get));
   server.Post(".*", guarded(post));
}

}  // namespace runbook::serve
