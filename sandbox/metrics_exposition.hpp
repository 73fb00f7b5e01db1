// GET /metrics: the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <string>

#include "synthetic_flow.hpp"
#include "system_model.hpp"

namespace sandbox {

/// Counters from the synthetic flow, gauges from the current view:
///   http_requests_total{environment,code}                     counter
///   http_request_duration_seconds{environment} _bucket/_sum/_count   histogram
///   database_connection_errors_total{environment}             counter
///   cpu_usage_percent, memory_usage_percent, memory_usage_bytes,
///   traffic_weight_percent, component_up{component}           gauges by environment
std::string render_prometheus(const SyntheticFlow& flow, const SystemView& view);

}  // namespace sandbox
