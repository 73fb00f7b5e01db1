#include "simulate/sandbox_model.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

namespace runbook::sim {

namespace {

HttpResponse respond(long status, const nlohmann::json& body)
{
   HttpResponse r;
   r.ok = true;
   r.status = status;
   r.body = body.dump();
   return r;
}

bool ends_with(const std::string& s, std::string_view suffix)
{
   return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string url_path(const std::string& url)
{
   std::size_t start = 0;
   const auto scheme = url.find("://");
   if (scheme != std::string::npos) {
      start = url.find('/', scheme + 3);
      if (start == std::string::npos) return "/";
   }
   const auto end = url.find_first_of("?#", start);
   std::string path = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
   return path.empty() ? "/" : path;
}

SandboxModel::SandboxModel() : split_{{"blue", 100.0}, {"green", 0.0}} {}

double SandboxModel::share(const std::string& environment) const
{
   const auto it = split_.find(environment);
   return it == split_.end() ? 0 : it->second;
}

std::string SandboxModel::next_environment()
{
   // Smooth weighted round-robin (as nginx does it): every pick adds each
   // weight to its credit and takes the largest; over 100 requests the
   // answers follow the split exactly, in a fixed order.
   std::string best;
   double best_credit = 0;
   double total = 0;
   for (const auto& [environment, weight] : split_) {
      round_robin_credit_[environment] += weight;
      total += weight;
      if (best.empty() || round_robin_credit_[environment] > best_credit) {
         best = environment;
         best_credit = round_robin_credit_[environment];
      }
   }
   round_robin_credit_[best] -= total;
   return best;
}

HttpResponse SandboxModel::route(const HttpRequest& request)
{
   const auto body = nlohmann::json::parse(request.body, nullptr, false);
   if (body.is_discarded() || !body.is_object() || !body.contains("environment") || !body.contains("percentage") ||
       !body["environment"].is_string() || !body["percentage"].is_number())
      return respond(400, {{"error", "expected {\"environment\": \"blue\"|\"green\", \"percentage\": 0..100}"}});
   const std::string environment = body["environment"].get<std::string>();
   const double percent = body["percentage"].get<double>();
   if ((environment != "blue" && environment != "green") || !(percent >= 0 && percent <= 100))
      return respond(400, {{"error", "environment must be blue or green and percentage 0..100"}});
   const std::string other = environment == "blue" ? "green" : "blue";
   split_[environment] = percent;
   split_[other] = 100 - percent;
   round_robin_credit_.clear();
   if (on_route) on_route(environment, percent);
   return respond(200, {{"blue", split_["blue"]}, {"green", split_["green"]}});
}

HttpResponse SandboxModel::answer(const HttpRequest& request)
{
   const std::string path = url_path(request.url);
   const bool get = request.method == "GET" || request.method == "HEAD";

   if (!get) {
      // A repeated request with a known Idempotency-Key changes nothing and gets the first answer.
      for (const auto& [name, value] : request.headers) {
         if (name == "Idempotency-Key" || name == "idempotency-key") {
            const auto seen = idempotent_answers_.find(value);
            if (seen != idempotent_answers_.end()) return seen->second;
            HttpResponse first = ends_with(path, "/api/traffic") ? route(request)
                                 : ends_with(path, "/incidents")  ? respond(201, {{"id", "simulated-incident"}, {"status", "investigating"}})
                                                                  : respond(200, {{"ok", true}});
            idempotent_answers_.emplace(value, first);
            return first;
         }
      }
      if (ends_with(path, "/api/traffic")) return route(request);
      // A status page creates an incident: 201 Created, as the Statuspage API answers.
      if (ends_with(path, "/incidents")) return respond(201, {{"id", "simulated-incident"}, {"status", "investigating"}});
      return respond(200, {{"ok", true}});
   }

   if (ends_with(path, "/api/traffic")) return respond(200, {{"blue", share("blue")}, {"green", share("green")}});
   // Asked directly with X-Environment, an environment answers as itself (the seed's "Test traffic routing").
   std::string asked;
   for (const auto& [name, value] : request.headers)
      if (name == "X-Environment" || name == "x-environment") asked = value;
   const std::string environment = asked.empty() ? next_environment() : asked;
   if (ends_with(path, "/health/detailed"))
      return respond(200, {{"status", "healthy"},
                           {"environment", environment},
                           {"components", {{"database", {{"status", "healthy"}}}, {"redis", {{"status", "healthy"}}}}}});
   if (ends_with(path, "/health")) return respond(200, {{"status", "healthy"}, {"environment", environment}});
   if (ends_with(path, ".png")) {
      HttpResponse r;
      r.ok = true;
      r.status = 200;
      // Text, not PNG bytes: bodies travel through JSON (results, journal), which must be UTF-8.
      r.body = "PNG 1x1";
      return r;
   }
   if (path.find("/api/metrics/") != std::string::npos) return respond(200, {{"value", 0}});
   return respond(200, {{"status", "ok"}});
}

}  // namespace runbook::sim
