// A real Prometheus scraping runbook-sandbox: the harness the watch and
// rollout integration tests build on.
#include <chrono>

#include <catch2/catch.hpp>

#include "support/prometheus_process.hpp"
#include "support/sandbox_process.hpp"

using runbook::testing::PrometheusProcess;
using runbook::testing::SandboxProcess;

TEST_CASE("Prometheus scrapes the sandbox and an injected green fault shows in PromQL within seconds", "[prometheus]")
{
   SandboxProcess sandbox;
   PrometheusProcess prometheus({sandbox.port()});
   REQUIRE(prometheus.wait_until_scraped());
   INFO("prometheus output:\n" << prometheus.output());

   REQUIRE(sandbox.set_traffic("green", 25) == 200);
   const std::string green_error_ratio =
      R"(sum(rate(http_requests_total{environment="green",code=~"5.."}[3s])) / sum(rate(http_requests_total{environment="green"}[3s])))";
   const std::string green_mean_latency =
      R"(sum(rate(http_request_duration_seconds_sum{environment="green"}[3s])) / sum(rate(http_request_duration_seconds_count{environment="green"}[3s])))";

   // Healthy green: once its traffic is in the window the ratio is far below the seed's 1%.
   REQUIRE(PrometheusProcess::wait_for([&] { return prometheus.query(green_error_ratio).value.has_value(); }, std::chrono::seconds(5)));
   CHECK(*prometheus.query(green_error_ratio).value < 0.01);
   CHECK(*prometheus.query(green_mean_latency).value < 0.1);

   const auto injected = std::chrono::steady_clock::now();
   sandbox.inject_faults({{"green", {{"error_rate", 20.0}, {"latency_ms", 600}}}});
   const bool seen = PrometheusProcess::wait_for([&] {
      const auto ratio = prometheus.query(green_error_ratio).value;
      return ratio && *ratio > 0.05;
   }, std::chrono::seconds(8));
   const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - injected).count();
   INFO("detected after " << seconds << " s");
   REQUIRE(seen);
   CHECK(seconds < 5);
   CHECK(PrometheusProcess::wait_for([&] {
      const auto latency = prometheus.query(green_mean_latency).value;
      return latency && *latency > 0.5;
   }, std::chrono::seconds(5)));

   // Blue, untouched, stays clean; the instant-query rules the runbook's
   // metric sources follow give "no value" for an empty vector.
   CHECK(*prometheus.query(R"(sum(rate(http_requests_total{environment="blue",code=~"5.."}[3s])))").value < 1);
   const auto empty = prometheus.query(R"(http_requests_total{environment="purple"})");
   CHECK_FALSE(empty.value);
   CHECK_THAT(empty.problem, Catch::Contains("no single value"));

   // Clearing the fault clears the ratio once the window has passed.
   sandbox.clear_faults();
   CHECK(PrometheusProcess::wait_for([&] {
      const auto ratio = prometheus.query(green_error_ratio).value;
      return ratio && *ratio < 0.01;
   }, std::chrono::seconds(10)));
}
