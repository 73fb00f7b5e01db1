// A model of runbook-sandbox: the plausible answers a simulation gives to
// HTTP requests the scenario does not script.
//
// It plays the same system the sandbox plays (blue and green behind a load
// balancer) so that a runbook's own verification steps see a consistent
// world: POST /api/traffic moves the split, GET /api/traffic reports it, and
// GET /health answers from the environment the split sends the request to,
// chosen by deterministic weighted round-robin. Anything else succeeds with a
// small JSON body.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "io/http_client.hpp"

namespace runbook::sim {

class SandboxModel {
public:
   SandboxModel();

   /// Answers a request as runbook-sandbox would (status 200 unless the request is malformed).
   HttpResponse answer(const HttpRequest& request);

   /// The current share of an environment, in percent (0 for unknown names).
   double share(const std::string& environment) const;
   const std::map<std::string, double>& split() const { return split_; }

   /// Called after every change of the split with the environment that was routed and its new share.
   std::function<void(const std::string& environment, double percent)> on_route;

private:
   HttpResponse route(const HttpRequest& request);
   std::string next_environment();

   std::map<std::string, double> split_;                  ///< blue, green -> percent.
   std::map<std::string, double> round_robin_credit_;     ///< Smooth weighted round-robin state.
   std::map<std::string, HttpResponse> idempotent_answers_;   ///< Idempotency-Key -> first answer.
};

/// The path of a URL ("https://h:1/api/traffic?x=1" -> "/api/traffic").
std::string url_path(const std::string& url);

}  // namespace runbook::sim
