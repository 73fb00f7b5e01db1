// Sampling a metric source: HTTP + JSON path, Prometheus, or a shell command.
//
// A sample is a value or an error, never a silent default (docs/metrics.md):
// an unreachable source, a timeout, HTTP status >= 400, a missing JSON path,
// a non-number, NaN or Inf, an empty or multi-series Prometheus vector, a
// failing command are all error samples with a reason an operator can act on.
// Values are raw numbers multiplied by the metric's `scale`.
#pragma once

#include <memory>

#include "io/http_client.hpp"
#include "metrics/resolved_metric.hpp"
#include "metrics/sample.hpp"

namespace runbook {

/// Takes one sample of `metric` now (runbook time `now`, stamped on the sample).
/// HTTP and Prometheus sources go through `http`, so its connection is reused.
Sample sample_metric(const ResolvedMetric& metric, HttpClient& http, double now);

/// A sampler owns its HTTP client: one per sampling thread, reusing its
/// connections from one sample to the next.
class MetricSampler {
public:
   MetricSampler();
   explicit MetricSampler(std::unique_ptr<HttpClient> http);
   Sample sample(const ResolvedMetric& metric, double now) { return sample_metric(metric, *http_, now); }

private:
   std::unique_ptr<HttpClient> http_;
};

}  // namespace runbook
