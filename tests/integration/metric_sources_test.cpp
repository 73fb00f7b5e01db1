// runbook's own metric sources (metrics/metric_source.hpp, libcurl) against
// the sandbox's monitoring API and a real Prometheus scraping the sandbox:
// the numbers a `watch` will see, and what it sees when Prometheus goes away.
#include <chrono>

#include <catch2/catch.hpp>

#include "io/http_client.hpp"
#include "metrics/metric_source.hpp"
#include "support/prometheus_process.hpp"
#include "support/sandbox_process.hpp"

using runbook::testing::PrometheusProcess;
using runbook::testing::SandboxProcess;

namespace {

runbook::ResolvedMetric http_metric(const SandboxProcess& sandbox, const std::string& path)
{
   runbook::ResolvedMetric metric;
   metric.name = "error_rate";
   metric.kind = runbook::ast::MetricSource::Kind::Http;
   metric.target = sandbox.url() + path;
   metric.json_path = ".value";
   metric.timeout_ms = 2000;
   return metric;
}

runbook::ResolvedMetric prometheus_metric(const PrometheusProcess& prometheus, const std::string& query)
{
   runbook::ResolvedMetric metric;
   metric.name = "green_error_ratio";
   metric.kind = runbook::ast::MetricSource::Kind::Prometheus;
   metric.target = prometheus.url();
   metric.query = query;
   metric.timeout_ms = 2000;
   return metric;
}

}  // namespace

TEST_CASE("runbook's metric sources read the sandbox and a real Prometheus, and fail closed when it stops", "[prometheus]")
{
   runbook::http_global_init();
   SandboxProcess sandbox;
   PrometheusProcess prometheus({sandbox.port()});
   REQUIRE(prometheus.wait_until_scraped());
   runbook::MetricSampler sampler;

   // The seed's monitoring endpoint through an HTTP + JSON path source.
   const auto error_rate = http_metric(sandbox, "/api/metrics/error-rate");
   auto sample = sampler.sample(error_rate, 0);
   REQUIRE(sample.ok);
   CHECK(sample.value == Approx(0.02));
   REQUIRE(sandbox.set_traffic("green", 25) == 200);
   sandbox.inject_faults({{"green", {{"error_rate", 20.0}}}});
   sample = sampler.sample(error_rate, 1);
   REQUIRE(sample.ok);
   CHECK(sample.value == Approx(0.25 * 20 + 0.75 * 0.02));
   CHECK_FALSE(sampler.sample(http_metric(sandbox, "/api/metrics/no-such-metric"), 2).ok);   // HTTP 404

   // The same fault through PromQL.
   const auto ratio = prometheus_metric(prometheus,
      R"(sum(rate(http_requests_total{environment="green",code=~"5.."}[3s])) / sum(rate(http_requests_total{environment="green"}[3s])))");
   const bool seen = PrometheusProcess::wait_for([&] {
      const auto s = sampler.sample(ratio, 3);
      return s.ok && s.value > 0.1;
   }, std::chrono::seconds(8));
   CHECK(seen);

   // Several series is not one number: an error sample, never a guess.
   const auto ambiguous = sampler.sample(prometheus_metric(prometheus, "http_requests_total"), 4);
   CHECK_FALSE(ambiguous.ok);
   CHECK_FALSE(ambiguous.error.empty());

   // Prometheus goes away mid-watch: every sample is an error, which never passes a check.
   prometheus.stop();
   const auto lost = sampler.sample(ratio, 5);
   CHECK_FALSE(lost.ok);
   INFO("error: " << lost.error);
   CHECK_FALSE(lost.error.empty());
}
