#include "metrics/metric_source.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "io/json_path.hpp"
#include "io/shell.hpp"
#include "metrics/numbers.hpp"
#include "metrics/prometheus.hpp"

namespace runbook {

namespace {

/// How error text names the source: never the raw target, which may hold a secret.
std::string shown_source(const ResolvedMetric& metric)
{
   if (!metric.display_target.empty()) return metric.display_target;
   if (!metric.display.empty()) return metric.display;
   return "metric " + metric.name;
}

HttpRequest metric_request(const ResolvedMetric& metric, std::string url, std::string display_url)
{
   HttpRequest request;
   request.method = "GET";
   request.url = std::move(url);
   request.display_url = std::move(display_url);
   request.headers = metric.headers;
   request.headers.emplace_back("Accept", "application/json");
   const auto timeout = static_cast<long>(std::max(1.0, metric.timeout_ms));
   request.total_timeout_ms = timeout;
   request.connect_timeout_ms = std::min(timeout, 5000L);
   request.cancel = metric.cancel;
   return request;
}

Sample scaled(Sample sample, const ResolvedMetric& metric)
{
   if (!sample.ok) return sample;
   return finite_sample(sample.value * metric.scale, sample.at);
}

Sample sample_http(const ResolvedMetric& metric, HttpClient& http, double now)
{
   const std::string source = shown_source(metric);
   const HttpResponse response = http.send(metric_request(metric, metric.target, source));
   if (!response.ok) return Sample::failed(response.error, now);
   if (response.status >= 400) return Sample::failed(fmt::format("HTTP {} from {}", response.status, source), now);

   std::string error;
   const auto document = parse_json_text(response.body, error);
   if (!document) return Sample::failed(fmt::format("the response from {} is {}", source, error), now);
   const JsonLookup found = lookup_json_path(*document, metric.json_path.empty() ? "." : metric.json_path);
   if (!found.ok()) return Sample::failed(fmt::format("in the response from {}: {}", source, found.error), now);
   if (!found.value->is_number()) {
      return Sample::failed(fmt::format("the value at {} in the response from {} is {}, not a number",
                                        metric.json_path, source, json_excerpt(*found.value, 60)),
                            now);
   }
   return finite_sample(found.value->get<double>(), now);
}

Sample sample_prometheus(const ResolvedMetric& metric, HttpClient& http, double now)
{
   const std::string source = shown_source(metric);
   const HttpResponse response = http.send(metric_request(metric, prometheus_query_url(metric.target, metric.query), source));
   if (!response.ok) return Sample::failed(response.error, now);
   return read_prometheus_answer(response.status, response.body, source, now);
}

/// The last non-empty line of `text`, cut to a readable length.
std::string last_line(std::string_view text)
{
   const auto end = text.find_last_not_of(" \t\r\n");
   if (end == std::string_view::npos) return {};
   text = text.substr(0, end + 1);
   const auto start = text.find_last_of('\n');
   std::string line(start == std::string_view::npos ? text : text.substr(start + 1));
   if (line.size() > 200) line = line.substr(0, 200) + "...";
   return line;
}

Sample sample_shell(const ResolvedMetric& metric, double now)
{
   const std::string source = shown_source(metric);
   ShellOptions options;
   options.timeout_ms = std::max(1.0, metric.timeout_ms);
   options.kill_grace_ms = 1000;
   options.cancel = metric.cancel;
   const ShellResult result = run_shell(metric.target, options);
   if (!result.error.empty()) {
      const std::string said = last_line(result.output_tail);
      return Sample::failed(said.empty() ? fmt::format("the command {} {}", source, result.error)
                                         : fmt::format("the command {} {}: {}", source, result.error, said),
                            now);
   }
   const std::string printed = last_line(result.stdout_tail);
   if (printed.empty()) return Sample::failed(fmt::format("the command {} printed nothing; it must print one number", source), now);
   const auto value = parse_number_text(result.stdout_tail);
   if (!value) {
      const auto first = result.stdout_tail.find_first_not_of(" \t\r\n");
      const std::string trimmed = result.stdout_tail.substr(first, result.stdout_tail.find_last_not_of(" \t\r\n") - first + 1);
      return Sample::failed(fmt::format("the command {} printed {}, not one number", source, json_excerpt(nlohmann::json(trimmed), 60)), now);
   }
   return finite_sample(*value, now);
}

}  // namespace

Sample sample_metric(const ResolvedMetric& metric, HttpClient& http, double now)
{
   Sample raw;
   switch (metric.kind) {
      case ast::MetricSource::Kind::Http: raw = sample_http(metric, http, now); break;
      case ast::MetricSource::Kind::Prometheus: raw = sample_prometheus(metric, http, now); break;
      case ast::MetricSource::Kind::Shell: raw = sample_shell(metric, now); break;
   }
   return scaled(std::move(raw), metric);
}

MetricSampler::MetricSampler() : http_(make_curl_client()) {}

MetricSampler::MetricSampler(std::unique_ptr<HttpClient> http) : http_(std::move(http)) {}

}  // namespace runbook
