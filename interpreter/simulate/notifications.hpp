// The notifications a simulated run sent: what people were told, and when.
//
// A scenario test of a failure path asserts who heard about it ("the
// emergency rollback told Slack even though verification failed", "Level 4
// went out by one hour"). Two kinds of step tell people: `notify "text"`
// (the operator's terminal and the live view) and an HTTP POST/PUT/PATCH with
// a body that succeeded (a Slack webhook, a status-page incident, a PagerDuty
// acknowledgement). Both are read back from the finished simulation.
#pragma once

#include <string>
#include <vector>

#include "simulate/simulation_result.hpp"

namespace runbook::sim {

struct Notification {
   double at = 0;             ///< Virtual time it went out (ms since the epoch, like SideEffect::at).
   std::string text;          ///< The message: a notify step's text, or every string of the request body, one per line.
   std::string to;            ///< "operator" for `notify`, else the (redacted) URL.
   std::string step_id;
};

/// Every notification of the run, in the order it went out. An HTTP request
/// counts once it got a status below 400 (a webhook that was unreachable told
/// nobody); a retried request that succeeded counts once per success.
std::vector<Notification> notifications_of(const SimulationResult& result);

}  // namespace runbook::sim
