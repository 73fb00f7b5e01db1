// The `http` step: the request built and resolved (redacted for the
// journal), sent beside the supervisor with an idempotency key, and its
// answer judged against `expect status` and `expect json`; a request sent
// with no answer back leaves the step in doubt. Also the `http get ... json`
// probes that expressions read.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include "exec/interpreter_impl.hpp"
#include "io/json_path.hpp"

namespace runbook {

namespace {

bool is_read_only(const std::string& method) { return method == "GET" || method == "HEAD"; }

std::optional<json> parse_body(const std::string& body)
{
   std::string error;
   return parse_json_text(body, error);
}

/// The answers `expect status` accepts: codes and classes (`2xx`); none
/// given means any status below 400.
struct AcceptedStatuses {
   std::vector<long> codes;
   std::vector<int> classes;

   bool accept(long status) const
   {
      if (codes.empty() && classes.empty()) return status < 400;
      return std::find(codes.begin(), codes.end(), status) != codes.end() ||
             std::find(classes.begin(), classes.end(), status / 100) != classes.end();
   }

   std::string describe() const
   {
      if (codes.empty() && classes.empty()) return "a status below 400";
      std::vector<std::string> each;
      for (const long code : codes) each.push_back(std::to_string(code));
      for (const int c : classes) each.push_back(std::to_string(c) + "xx");
      return fmt::format("{}", fmt::join(each, " or "));
   }
};

/// The request as it will be sent, and its headers and body as they are
/// shown and journaled (redacted).
struct HttpCall {
   HttpRequest request;
   json shown_headers = json::object();
   json shown_body;
};

HttpCall build_http_request(const ast::HttpStep& http, const std::optional<double>& timeout_ms, Evaluator& ev,
                            const Redactor& redactor)
{
   HttpCall call;
   HttpRequest& request = call.request;
   request.method = http.method;
   request.url = ev.text(*http.url);
   request.display_url = redactor.redact(request.url);
   bool has_content_type = false;
   for (const auto& [name, value] : http.headers) {
      request.headers.emplace_back(name, ev.text(*value));
      call.shown_headers[name] = redactor.redact(request.headers.back().second);
      std::string lower = name;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      has_content_type = has_content_type || lower == "content-type";
   }
   if (http.body) {
      const Value body = ev.eval(*http.body);
      if (body.is_string()) {
         request.body = body.as_string();
         call.shown_body = redactor.redact(request.body);
      } else {
         // A value that is not text is sent as JSON, and said to be.
         request.body = body.to_json().dump();
         call.shown_body = redactor.redact_json(body.to_json());
         if (!has_content_type) request.headers.emplace_back("Content-Type", "application/json");
      }
   }
   if (timeout_ms) request.total_timeout_ms = static_cast<long>(*timeout_ms);
   return call;
}

/// What the answer must be. Resolved before the step runs, so that the
/// values compared against are part of its journaled definition.
struct HttpExpectations {
   struct JsonExpect {
      std::string path, op;
      Value value;
   };
   AcceptedStatuses statuses;
   std::vector<JsonExpect> json_expects;
   json shown = json::array();
};

HttpExpectations resolve_http_expectations(const ast::HttpStep& http, Evaluator& ev)
{
   HttpExpectations out;
   for (const auto& expect : http.expects) {
      if (expect.kind == ast::Expectation::Kind::Status && expect.status_class) {
         out.statuses.classes.push_back(expect.status_class);
         out.shown.push_back("status " + expect.status_class_word());
      } else if (expect.kind == ast::Expectation::Kind::Status && expect.value) {
         const Value v = ev.eval(*expect.value);
         if (v.is_list())
            for (const auto& item : v.as_list()) out.statuses.codes.push_back(static_cast<long>(item.as_double()));
         else
            out.statuses.codes.push_back(static_cast<long>(v.as_double()));
         out.shown.push_back("status " + v.display());
      } else if (expect.kind == ast::Expectation::Kind::Json && expect.value) {
         out.json_expects.push_back({expect.json_path, expect.op, ev.eval(*expect.value)});
         out.shown.push_back("json " + expect.json_path + " " + expect.op + " " +
                             out.json_expects.back().value.display());
      }
   }
   return out;
}

/// Why an answer does not do, and whether another try might do better.
struct HttpFailure {
   std::string message;
   bool retryable = false;
};

std::optional<HttpFailure> judge_json_expectations(const HttpExpectations& expected, const HttpResponse& res,
                                                   const std::optional<json>& body)
{
   for (const auto& expect : expected.json_expects) {
      if (!body)
         return HttpFailure{
             fmt::format("expected JSON to check {} but the body is not JSON: {}", expect.path, text_tail(res.body, 200)),
             false};
      const JsonLookup found = lookup_json_path(*body, expect.path);
      if (!found.ok()) return HttpFailure{fmt::format("json {}: {}", expect.path, found.error), false};
      const Value actual = Value::from_json(*found.value);
      bool holds = false;
      try {
         holds = truthy(apply_binary(expect.op, actual, expect.value));
      } catch (const ValueError& e) {
         return HttpFailure{fmt::format("json {}: {}", expect.path, e.what()), false};
      }
      // A value not yet as expected may become so: a retry may see it.
      if (!holds)
         return HttpFailure{fmt::format("json {} is {} (expected {} {})", expect.path, json_excerpt(*found.value),
                                        expect.op, expect.value.display()),
                            true};
   }
   return std::nullopt;
}

/// An answer that came back (or a request that failed without possibly
/// reaching the server), judged against what the step expects.
std::optional<HttpFailure> judge_http_response(const HttpRequest& request, const HttpResponse& res,
                                               const std::optional<json>& body, const HttpExpectations& expected)
{
   if (!res.ok) return HttpFailure{fmt::format("{} {}: {}", request.method, request.display_url, res.error), true};
   if (!expected.statuses.accept(res.status))
      // Server trouble, throttling and timeouts may pass; other statuses are answers.
      return HttpFailure{fmt::format("{} {} answered HTTP {} (expected {}): {}", request.method, request.display_url,
                                     res.status, expected.statuses.describe(), text_tail(res.body, 300)),
                         res.status >= 500 || res.status == 429 || res.status == 408};
   return judge_json_expectations(expected, res, body);
}

/// What `capture` keeps of an answer.
json http_capture(const HttpResponse& res, const std::optional<json>& body)
{
   // `elapsed` is the request's own time on the wall clock (a scenario's
   // `takes D` in simulate), never scaled by --time-scale: it says how
   // fast the server answered, not how much runbook time went by.
   ValueMap capture{{"status", Value(static_cast<double>(res.status))},
                    {"body", Value(res.body)},
                    {"json", body ? Value::from_json(*body) : Value()},
                    {"elapsed", Value(res.elapsed_ms, ast::Unit::Duration)}};
   return Value(capture).to_typed_json();
}

}  // namespace

Flow Interpreter::Impl::run_http(const ast::Step& step, const ast::HttpStep& http, Frame& frame,
                                 const std::string& id)
{
   Evaluator ev = evaluator(frame);
   const HttpCall call = build_http_request(http, step.options.timeout_ms, ev, redactor_);
   const HttpExpectations expected = resolve_http_expectations(http, ev);

   const std::string summary = http.method + " " + call.request.display_url;
   Resolved r{StepKind::Http,
              {{"summary", summary},
               {"method", http.method},
               {"url", call.request.display_url},
               {"headers", call.shown_headers}},
              is_read_only(http.method),
              {}};
   if (http.body) r.inputs["body"] = call.shown_body;
   if (!expected.shown.empty()) r.inputs["expect"] = expected.shown;

   return journaled(step, frame, id, r, [&, request = call.request](const Resolved&) mutable {
      if (!is_read_only(request.method)) {
         // The same key on every attempt and after a resume: a server that
         // honours it makes a redo harmless.
         request.headers.emplace_back("Idempotency-Key", run_id_ + "/" + id);
      }
      HttpResponse res;
      const Stop stop = send_http(id, request, res);
      json result{{"status", res.status}, {"elapsed_ms", res.elapsed_ms}, {"body", text_tail(res.body)}};
      if (res.cancelled) result["cancelled"] = true;
      if (stop) return stop_to_performed(stop, result);
      if (res.cancelled && interrupted())
         return stop_to_performed(Stop{Stop::Kind::Interrupted, "", "interrupted (Ctrl-C)", ""}, result);

      Performed p;
      p.result = result;
      if (!res.ok && res.maybe_received && !is_read_only(request.method) && !step.options.idempotent)
         return http_in_doubt(request, res, std::move(p));
      const std::optional<json> body = parse_body(res.body);
      if (const auto failure = judge_http_response(request, res, body, expected)) {
         p.flow = Flow::Failed;
         p.outcome = step_outcome::Failed;
         p.retryable = failure->retryable;
         p.message = failure->message;
         return p;
      }
      if (!step.options.capture.empty()) p.result["capture"] = http_capture(res, body);
      return p;
   });
}

Stop Interpreter::Impl::send_http(const std::string& id, const HttpRequest& request, HttpResponse& res)
{
   const TimeMs started = world_.clock().now();
   Stop stop = blocking([&](const std::atomic<bool>* cancel) {
      // Ctrl-C or a P0 trigger abandons the request in flight instead of
      // waiting out its timeout; the step is then in doubt, like any
      // interrupted step (the server may or may not have acted on it).
      HttpRequest in_flight = request;
      in_flight.cancel = cancel;
      res = world_.http(id, in_flight, request.display_url);
   });
   if (!stop && virtual_time()) stop = pass_time(started, res.elapsed_ms);
   return stop;
}

Interpreter::Impl::Performed Interpreter::Impl::http_in_doubt(const HttpRequest& request, const HttpResponse& res,
                                                              Performed p)
{
   // The request went out and no answer came back (a timeout, a
   // reset): the server may have applied it. Unknown is not failed:
   // the step is in doubt, and only the in-doubt policy may send it again.
   p.flow = Flow::Failed;
   p.outcome = step_outcome::Interrupted;
   p.result["in_doubt"] = true;
   p.message = fmt::format("{} {}: {}; the request was sent and may have taken effect: the step is in doubt; "
                           "resume with --in-doubt redo or --in-doubt skip once you know whether it did",
                           request.method, request.display_url, res.error);
   keep_resumable_ = true;
   return p;
}

// ---------------------------------------------------------------- probes

Value Interpreter::Impl::http_probe(const std::string& url,
                                    const std::vector<std::pair<std::string, std::string>>& headers,
                                    const std::string& json_path, const Location&)
{
   HttpRequest request;
   request.url = url;
   request.display_url = redact(url);
   request.headers = headers;
   request.total_timeout_ms = 10000;
   request.cancel = settings_.interrupt;
   const std::string what = "http get " + request.display_url;
   const HttpResponse res = world_.http(current_step_, request, request.display_url);
   if (!res.ok) throw SampleFailed(what, redact(res.error));
   if (res.status >= 400) throw SampleFailed(what, fmt::format("HTTP {}", res.status));
   const std::optional<json> body = parse_body(res.body);
   if (!body) throw SampleFailed(what, "the response is not JSON: " + redact(text_tail(res.body, 120)));
   const JsonLookup found = lookup_json_path(*body, json_path);
   if (!found.ok()) throw SampleFailed(what, found.error);
   return Value::from_json(*found.value);
}

}  // namespace runbook
