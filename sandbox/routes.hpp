// The sandbox's HTTP API, one file per area (see docs/sandbox.md).
#pragma once

#include <httplib.h>

#include "sandbox.hpp"

namespace sandbox {

void add_traffic_routes(httplib::Server& server, Sandbox& sandbox);      ///< Load balancer admin API: /api/traffic
void add_health_routes(httplib::Server& server, Sandbox& sandbox);       ///< /health, /health/detailed, /pixel/test.png
void add_monitoring_routes(httplib::Server& server, Sandbox& sandbox);   ///< /api/metrics/*, /metrics
void add_fault_routes(httplib::Server& server, Sandbox& sandbox);        ///< /sandbox/faults
void add_hook_routes(httplib::Server& server, Sandbox& sandbox);         ///< Slack, Statuspage, PagerDuty receivers
void add_sandbox_routes(httplib::Server& server, Sandbox& sandbox);      ///< /sandbox/requests, /sandbox/reset, /

}  // namespace sandbox
