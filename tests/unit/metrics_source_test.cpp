// Metric sources against a loopback server: HTTP + JSON path, Prometheus
// instant queries with canned answers, and shell commands.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "metrics/metric_source.hpp"
#include "metrics/numbers.hpp"
#include "metrics/prometheus.hpp"
#include "support/test_server.hpp"

using runbook::MetricSampler;
using runbook::ResolvedMetric;
using runbook::Sample;
using runbook::test::TestServer;
using Kind = runbook::ast::MetricSource::Kind;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

ResolvedMetric http_metric(const std::string& url, const std::string& path)
{
   ResolvedMetric metric;
   metric.name = "error_rate";
   metric.kind = Kind::Http;
   metric.target = url;
   metric.display_target = url;
   metric.json_path = path;
   metric.timeout_ms = 2000;
   return metric;
}

ResolvedMetric prometheus_metric(const std::string& base, const std::string& query)
{
   ResolvedMetric metric;
   metric.name = "api_p99";
   metric.kind = Kind::Prometheus;
   metric.target = base;
   metric.display_target = base;
   metric.query = query;
   metric.timeout_ms = 2000;
   return metric;
}

ResolvedMetric shell_metric(const std::string& command)
{
   ResolvedMetric metric;
   metric.name = "db_errors";
   metric.kind = Kind::Shell;
   metric.target = command;
   metric.display_target = "'" + command + "'";
   metric.timeout_ms = 5000;
   return metric;
}

void reply_json(httplib::Response& res, const std::string& body, int status = 200)
{
   res.status = status;
   res.set_content(body, "application/json");
}

}  // namespace

TEST_CASE("metric source: HTTP GET and a JSON path", "[metrics][source]")
{
   TestServer server;
   auto& s = server.server();
   s.Get("/value", [](const httplib::Request&, httplib::Response& res) { reply_json(res, R"({"value": 0.25})"); });
   s.Get("/nested", [](const httplib::Request&, httplib::Response& res) { reply_json(res, R"({"data": {"cpu": [10, 72.5]}})"); });
   s.Get("/string", [](const httplib::Request&, httplib::Response& res) { reply_json(res, R"({"value": "0.25"})"); });
   s.Get("/null", [](const httplib::Request&, httplib::Response& res) { reply_json(res, R"({"value": null})"); });
   s.Get("/huge", [](const httplib::Request&, httplib::Response& res) { reply_json(res, R"({"value": 1e400})"); });
   s.Get("/html", [](const httplib::Request&, httplib::Response& res) { res.set_content("<html>Bad Gateway</html>", "text/html"); });
   s.Get("/down", [](const httplib::Request&, httplib::Response& res) { reply_json(res, R"({"value": 0})", 503); });
   s.Get("/auth", [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("Authorization") != "Bearer s3cret") return reply_json(res, R"({"error": "unauthorized"})", 401);
      reply_json(res, R"({"value": 7})");
   });
   s.Get("/port", [](const httplib::Request& req, httplib::Response& res) { reply_json(res, "{\"value\": " + std::to_string(req.remote_port) + "}"); });
   server.start();
   MetricSampler sampler;

   SECTION("a number at the path, stamped with the sample time")
   {
      const Sample sample = sampler.sample(http_metric(server.url("/value"), ".value"), 1234);
      REQUIRE(sample.ok);
      CHECK(sample.value == 0.25);
      CHECK(sample.at == 1234);
   }
   SECTION("the raw value is multiplied by the scale")
   {
      auto metric = http_metric(server.url("/value"), ".value");
      metric.scale = 100;   // `unit ratio`: 0.25 is 25%.
      const Sample sample = sampler.sample(metric, 0);
      REQUIRE(sample.ok);
      CHECK(sample.value == 25);
   }
   SECTION("nested paths and indexes")
   {
      const Sample sample = sampler.sample(http_metric(server.url("/nested"), ".data.cpu[-1]"), 0);
      REQUIRE(sample.ok);
      CHECK(sample.value == 72.5);
   }
   SECTION("auth headers are sent")
   {
      auto metric = http_metric(server.url("/auth"), ".value");
      CHECK(sampler.sample(metric, 0).error == "HTTP 401 from " + server.url("/auth"));
      metric.headers.emplace_back("Authorization", "Bearer s3cret");
      const Sample sample = sampler.sample(metric, 0);
      REQUIRE(sample.ok);
      CHECK(sample.value == 7);
   }
   SECTION("every way to fail is an error sample with a reason")
   {
      const auto error_of = [&](const std::string& path, const std::string& json_path) {
         const Sample sample = sampler.sample(http_metric(server.url(path), json_path), 99);
         CHECK_FALSE(sample.ok);
         CHECK(sample.at == 99);
         return sample.error;
      };
      CHECK(error_of("/down", ".value") == "HTTP 503 from " + server.url("/down"));
      CHECK(error_of("/value", ".missing") == "in the response from " + server.url("/value") + ": no key 'missing' at .");
      CHECK(error_of("/nested", ".data.cpu[5]") == "in the response from " + server.url("/nested") + ": no index 5 at .data.cpu (the array has 2 elements)");
      CHECK(error_of("/string", ".value") == "the value at .value in the response from " + server.url("/string") + " is \"0.25\", not a number");
      CHECK(error_of("/null", ".value") == "the value at .value in the response from " + server.url("/null") + " is null, not a number");
      CHECK(error_of("/huge", ".value") == "the response from " + server.url("/huge") + " is not JSON: number overflow parsing '1e400'");
      CHECK_THAT(error_of("/html", ".value"), StartsWith("the response from " + server.url("/html") + " is not JSON (parse error"));
      CHECK_THAT(error_of("/value", "value"), Contains("malformed JSON path 'value'"));
   }
   SECTION("an unreachable source names the redacted target, never the secret one")
   {
      const int port = runbook::test::unused_loopback_port();
      auto metric = http_metric("http://127.0.0.1:" + std::to_string(port) + "/m?token=hunter2", ".value");
      metric.display_target = "http://127.0.0.1:" + std::to_string(port) + "/m?token=***";
      const Sample sample = sampler.sample(metric, 0);
      CHECK_FALSE(sample.ok);
      CHECK(sample.error == "could not connect to " + metric.display_target + ": connection refused");

      metric.display_target.clear();
      metric.display.clear();
      CHECK_THAT(sampler.sample(metric, 0).error, !Contains("hunter2"));
      CHECK_THAT(sampler.sample(metric, 0).error, Contains("metric error_rate"));
   }
   SECTION("a sampler reuses its connection from one sample to the next")
   {
      const auto metric = http_metric(server.url("/port"), ".value");
      const Sample first = sampler.sample(metric, 0);
      const Sample second = sampler.sample(metric, 30000);
      REQUIRE(first.ok);
      REQUIRE(second.ok);
      CHECK(first.value == second.value);
   }
}

TEST_CASE("metric source: a timeout is an error sample", "[metrics][source][hostile]")
{
   TestServer server;
   server.server().Get("/slow", [&server](const httplib::Request&, httplib::Response& res) {
      server.sleep_unless_stopping(3000);
      reply_json(res, R"({"value": 1})");
   });
   server.start();
   auto metric = http_metric(server.url("/slow"), ".value");
   metric.timeout_ms = 200;
   const Sample sample = MetricSampler().sample(metric, 0);
   CHECK_FALSE(sample.ok);
   CHECK(sample.error == "timed out after 200ms waiting for " + server.url("/slow"));
}

TEST_CASE("metric source: Prometheus instant queries", "[metrics][source][prometheus]")
{
   TestServer server;
   std::string received_query;
   server.server().Get("/api/v1/query", [&](const httplib::Request& req, httplib::Response& res) {
      const std::string q = req.get_param_value("query");
      received_query = q;
      if (q == "scalar") return reply_json(res, R"({"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"0.42"]}})");
      if (q == "one") return reply_json(res, R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"env":"green"},"value":[1700000000,"1.5"]}]}})");
      if (q == "empty") return reply_json(res, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
      if (q == "three") {
         return reply_json(res, R"({"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"env":"blue"},"value":[1,"1"]},{"metric":{"env":"green"},"value":[1,"2"]},{"metric":{},"value":[1,"3"]}]}})");
      }
      if (q == "nan") return reply_json(res, R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}})");
      if (q == "inf") return reply_json(res, R"({"status":"success","data":{"resultType":"scalar","result":[1,"+Inf"]}})");
      if (q == "matrix") return reply_json(res, R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
      if (q == "garbage") return reply_json(res, R"({"status":"success","data":{"resultType":"scalar","result":[1,"fast"]}})");
      if (q == "unavailable") return reply_json(res, "service unavailable", 503);
      if (q == "timeout") return reply_json(res, R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})", 503);
      reply_json(res, R"({"status":"error","errorType":"bad_data","error":"1:6: parse error: unexpected <op:*>"})", 400);
   });
   server.start();
   MetricSampler sampler;
   const auto sample = [&](const std::string& query) { return sampler.sample(prometheus_metric(server.url("/"), query), 5); };

   SECTION("a scalar")
   {
      const Sample s = sample("scalar");
      REQUIRE(s.ok);
      CHECK(s.value == 0.42);
   }
   SECTION("a vector with exactly one series, scaled")
   {
      auto metric = prometheus_metric(server.url(), "one");
      metric.scale = 1000;   // `unit s`: seconds to the ms base.
      const Sample s = sampler.sample(metric, 5);
      REQUIRE(s.ok);
      CHECK(s.value == 1500);
   }
   SECTION("the query is URL-encoded and arrives intact")
   {
      const std::string promql = R"(histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{env="green", code=~"5.."}[5m]))) / 2 + 1 & #x)";
      sample(promql);
      CHECK(received_query == promql);
   }
   SECTION("everything but one number is an error sample that says what came back")
   {
      CHECK(sample("empty").error == "no data: the query returned an empty vector");
      CHECK(sample("three").error == "ambiguous: the query returned 3 series ({env=\"blue\"}, {env=\"green\"}, {}); aggregate it to one, e.g. with sum() or max()");
      CHECK(sample("nan").error == "the query returned NaN");
      CHECK(sample("inf").error == "the query returned +Inf");
      CHECK(sample("matrix").error == "the query returned a range vector (matrix); an instant query must return a scalar or one series");
      CHECK(sample("garbage").error == "malformed answer: the value \"fast\" is not a number");
      CHECK(sample("2 ** 3").error == "Prometheus error (bad_data) from " + server.url("/") + ": 1:6: parse error: unexpected <op:*>");
      CHECK(sample("timeout").error == "Prometheus error (timeout) from " + server.url("/") + ": query timed out in expression evaluation");
      CHECK(sample("unavailable").error == "HTTP 503 from " + server.url("/"));
      CHECK_FALSE(sample("empty").ok);
   }
   SECTION("Prometheus stopped: the sample says it could not connect")
   {
      const int port = runbook::test::unused_loopback_port();
      const std::string base = "http://127.0.0.1:" + std::to_string(port);
      const Sample s = sampler.sample(prometheus_metric(base, "up"), 0);
      CHECK_FALSE(s.ok);
      CHECK(s.error == "could not connect to " + base + ": connection refused");
   }
}

TEST_CASE("prometheus: query URLs and malformed answers", "[metrics][prometheus]")
{
   CHECK(runbook::prometheus_query_url("http://p:9090", "up") == "http://p:9090/api/v1/query?query=up");
   CHECK(runbook::prometheus_query_url("http://p:9090//", "rate(x[5m])") == "http://p:9090/api/v1/query?query=rate%28x%5B5m%5D%29");
   CHECK(runbook::prometheus_query_url("http://p", "a b+c") == "http://p/api/v1/query?query=a%20b%2Bc");

   const auto read = [](std::string_view body) { return runbook::read_prometheus_answer(200, body, "prom", 0).error; };
   CHECK_THAT(read("not json"), StartsWith("the answer from prom is not JSON"));
   CHECK_THAT(read(R"([1, 2])"), StartsWith("malformed answer from prom: expected"));
   CHECK_THAT(read(R"({"status": 7})"), StartsWith("malformed answer from prom: expected"));
   CHECK(read(R"({"status": "success", "data": {}})") == "malformed answer from prom: no data.result");
   CHECK(read(R"({"status": "success", "data": {"resultType": "string", "result": [1, "x"]}})") == "the query returned a string, not a number");
   CHECK(read(R"({"status": "success", "data": {"resultType": "vector", "result": [{"metric": {}}]}})") == "malformed answer: a vector element without a value: {\"metric\":{}}");
   CHECK(read(R"({"status": "success", "data": {"resultType": "scalar", "result": [1, 2]}})") == "malformed answer: expected [time, \"value\"], got [1,2]");
   CHECK(read(R"({"status": "error"})") == "Prometheus error from prom: no error text");
}

TEST_CASE("metric source: a shell command printing one number", "[metrics][source][shell]")
{
   MetricSampler sampler;
   const auto sample = [&](const std::string& command) { return sampler.sample(shell_metric(command), 7); };

   const Sample plain = sample("echo 42");
   REQUIRE(plain.ok);
   CHECK(plain.value == 42);
   CHECK(plain.at == 7);
   CHECK(sample("printf ' -3.5 \\n'").value == -3.5);
   CHECK(sample("echo 1e3").value == 1000);

   CHECK(sample("echo 12ms").error == "the command 'echo 12ms' printed \"12ms\", not one number");
   CHECK(sample("echo 1; echo 2").error == "the command 'echo 1; echo 2' printed \"1\\n2\", not one number");
   CHECK(sample("true").error == "the command 'true' printed nothing; it must print one number");
   CHECK(sample("echo nan").error == "the value is NaN (not a number)");
   CHECK(sample("echo -inf").error == "the value is -Inf");
   CHECK(sample("echo 'connection refused' >&2; exit 2").error == "the command 'echo 'connection refused' >&2; exit 2' exited with status 2: connection refused");

   auto slow = shell_metric("sleep 5");
   slow.timeout_ms = 200;
   CHECK(sampler.sample(slow, 0).error == "the command 'sleep 5' timed out after 200ms; the process group was killed");

   auto scaled = shell_metric("echo 2");
   scaled.scale = 1024;   // `unit KB`.
   CHECK(sampler.sample(scaled, 0).value == 2048);
}

TEST_CASE("numbers: strict parsing", "[metrics]")
{
   CHECK(runbook::parse_number_text("42") == 42);
   CHECK(runbook::parse_number_text(" +2\n") == 2);
   CHECK(runbook::parse_number_text("-0.5") == -0.5);
   CHECK_FALSE(runbook::parse_number_text(""));
   CHECK_FALSE(runbook::parse_number_text("+-2"));
   CHECK_FALSE(runbook::parse_number_text("1 2"));
   CHECK_FALSE(runbook::parse_number_text("0x10"));
   CHECK_FALSE(runbook::parse_number_text("5%"));
   CHECK(runbook::finite_sample(1, 2).ok);
   CHECK_FALSE(runbook::finite_sample(std::nan(""), 2).ok);
}

TEST_CASE("prometheus: arbitrary answers never crash and never pass silently", "[metrics][prometheus][hostile]")
{
   // Every JSON shape in every slot of an answer: each reading is either a
   // finite number or an error with text.
   const std::vector<std::string> values = {"null", "1", "\"1\"", "\"NaN\"", "[]", "{}", "[1]", "[1, \"2\"]", "[1, 2, 3]",
                                            "[{\"value\": [1, \"5\"]}]", "[{\"metric\": 1, \"value\": [1, \"5\"]}]",
                                            "[{\"metric\": {\"a\": [1]}, \"value\": 7}]", "\"scalar\"", "true"};
   const std::vector<std::string> types = {"\"scalar\"", "\"vector\"", "\"matrix\"", "\"string\"", "null", "3"};
   int numbers = 0;
   for (const auto& type : types) {
      for (const auto& result : values) {
         for (const std::string status : {"\"success\"", "\"error\"", "1"}) {
            const std::string body = "{\"status\": " + status + ", \"data\": {\"resultType\": " + type + ", \"result\": " + result + "}}";
            const Sample s = runbook::read_prometheus_answer(200, body, "prom", 0);
            INFO(body);
            if (s.ok) {
               CHECK(std::isfinite(s.value));
               ++numbers;
            } else {
               CHECK_FALSE(s.error.empty());
            }
         }
      }
   }
   // Only a scalar [t, "2"] and a one-series vector with a value pair (whatever its labels) read as numbers.
   CHECK(numbers == 3);
}
