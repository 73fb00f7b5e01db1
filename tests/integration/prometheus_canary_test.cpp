// Canary runbooks whose metric is a PromQL query against a real Prometheus
// scraping runbook-sandbox every second (tests/integration/runbooks/): a
// passing canary; a green fault that trips a P0 and rolls back to blue 100
// within one sample interval + 100 ms of detection; a P1 that clears inside
// its grace period; Prometheus stopped mid-watch, which fails closed.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/prometheus_process.hpp"
#include "support/runbook_run.hpp"
#include "support/sandbox_process.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using runbook::testing::PrometheusProcess;
using runbook::testing::RunbookRun;
using runbook::testing::SandboxProcess;
using runbook::testing::TempDir;

namespace {

constexpr double sample_interval_ms = 1000;   // `every 1s` in the canary runbooks

/// tests/integration/runbooks/canary.rb with its trigger's severity clause
/// replaced (`severity P0` -> e.g. `severity P1 grace 8s`), written into `dir`.
std::string canary_runbook(const TempDir& dir, const std::string& severity_clause)
{
   std::ifstream in(std::string(RUNBOOK_TESTS_DIR) + "/integration/runbooks/canary.rb");
   std::stringstream text;
   text << in.rdbuf();
   std::string runbook = text.str();
   const auto at = runbook.find("severity P0");
   REQUIRE(at != std::string::npos);
   REQUIRE(runbook.find("severity P0", at + 1) == std::string::npos);   // The trigger's, and only it.
   runbook.replace(at, std::string("severity P0").size(), severity_clause);
   const auto file = dir / "canary.rb";
   std::ofstream(file) << runbook;
   return file.string();
}

/// The sandbox, a Prometheus scraping it every second, and a canary run against both.
struct CanaryRig {
   explicit CanaryRig(const std::string& severity_clause = "severity P0", const std::vector<std::string>& params = {})
      : prometheus({sandbox.port()})
   {
      REQUIRE(prometheus.wait_until_scraped());
      ::setenv("LB_ADMIN_TOKEN", sandbox.token().c_str(), 1);
      std::vector<std::string> flags{"-p", "lb=" + sandbox.url(), "-p", "prom=" + prometheus.url()};
      flags.insert(flags.end(), params.begin(), params.end());
      run = std::make_unique<RunbookRun>(dir, canary_runbook(dir, severity_clause), flags, std::vector<std::string>{});
   }

   /// Waits (bounded) until the canary phase has begun: green at 25%.
   bool wait_for_green_share(double share)
   {
      return PrometheusProcess::wait_for([&] { return sandbox.traffic().at("green").get<double>() == share; }, 15s);
   }
   bool output_says(const std::string& text) { return run->output().find(text) != std::string::npos; }

   SandboxProcess sandbox;
   PrometheusProcess prometheus;
   TempDir dir{"runbook-prom-canary"};
   std::unique_ptr<RunbookRun> run;
};

/// The journaled trigger events with `event` ("fired", "cleared", "monitoring_lost").
std::vector<runbook::JournalEvent> trigger_events(const RunbookRun& run, const std::string& event)
{
   std::vector<runbook::JournalEvent> found;
   for (const auto& e : run.events())
      if (e.kind == "trigger" && nlohmann::json::parse(e.data_json).value("event", "") == event) found.push_back(e);
   return found;
}

/// The sandbox log's POSTs to /api/traffic sending `environment` to `percentage`.
std::vector<nlohmann::json> traffic_posts(const SandboxProcess& sandbox, const std::string& environment, double percentage)
{
   std::vector<nlohmann::json> found;
   for (const auto& request : sandbox.requests("/api/traffic")) {
      const auto& body = request.at("body");
      if (body.is_object() && body.value("environment", "") == environment && body.value("percentage", -1.0) == percentage)
         found.push_back(request);
   }
   return found;
}

}  // namespace

TEST_CASE("a healthy canary watched through Prometheus passes and ends at green 100", "[prometheus][canary]")
{
   CanaryRig rig;
   const int exit_code = rig.run->wait(60s);
   INFO("runbook output:\n" << rig.run->output());
   CHECK(exit_code == 0);
   CHECK(rig.sandbox.traffic().at("green") == 100);
   CHECK(trigger_events(*rig.run, "fired").empty());
}

TEST_CASE("a green fault seen through Prometheus trips the P0 and the rollback reaches blue 100 within one sample interval", "[prometheus][canary]")
{
   CanaryRig rig;
   REQUIRE(rig.wait_for_green_share(25));
   rig.sandbox.inject_faults({{"green", {{"error_rate", 30.0}}}});
   const int exit_code = rig.run->wait(60s);
   INFO("runbook output:\n" << rig.run->output());
   CHECK(exit_code == 3);
   CHECK(rig.sandbox.traffic().at("blue") == 100);
   CHECK(traffic_posts(rig.sandbox, "green", 100).empty());

   // Detection to rollback: the journaled P0 firing to the first rollback POST the sandbox received.
   const auto fired = trigger_events(*rig.run, "fired");
   REQUIRE(fired.size() == 1);
   const auto rollbacks = traffic_posts(rig.sandbox, "blue", 100);
   REQUIRE(!rollbacks.empty());
   const double latency_ms = rollbacks.front().at("time_ms").get<double>() - fired.front().wall_at;
   WARN("detection to rollback: " << latency_ms << " ms");
   CHECK(latency_ms >= 0);
   CHECK(latency_ms <= sample_interval_ms + 100);
}

TEST_CASE("a P1 that clears inside its grace period does not roll back", "[prometheus][canary]")
{
   // The operator is told; the rollback runs only if the ratio has not cleared within 8 seconds.
   CanaryRig rig("severity P1 grace 8s", {"-p", "canary_window=14s"});
   REQUIRE(rig.wait_for_green_share(25));
   rig.sandbox.inject_faults({{"green", {{"error_rate", 30.0}}}});
   const bool fired = PrometheusProcess::wait_for([&] { return rig.output_says("P1 green_errors"); }, 10s);
   rig.sandbox.clear_faults();
   const int exit_code = rig.run->wait(60s);
   INFO("runbook output:\n" << rig.run->output());
   REQUIRE(fired);
   CHECK(exit_code == 0);
   CHECK(rig.sandbox.traffic().at("green") == 100);
   CHECK(traffic_posts(rig.sandbox, "blue", 100).empty());
   CHECK(trigger_events(*rig.run, "fired").size() == 1);
   CHECK(trigger_events(*rig.run, "cleared").size() == 1);
   CHECK(trigger_events(*rig.run, "grace_expired").empty());
}

TEST_CASE("Prometheus stopped mid-watch: monitoring is lost and the canary fails closed", "[prometheus][canary]")
{
   CanaryRig rig;
   REQUIRE(rig.wait_for_green_share(25));
   // Let the trigger see a few good samples, then take monitoring away.
   REQUIRE(PrometheusProcess::wait_for([&] { return rig.output_says("trigger green_errors: holding"); }, 10s));
   rig.prometheus.stop();
   const int exit_code = rig.run->wait(60s);
   INFO("runbook output:\n" << rig.run->output());
   // Exactly "failed" (1): nobody was there to decide, so the run stopped
   // without completing or rolling back. A crash or sanitizer abort is not it.
   CHECK(exit_code == 1);
   CHECK(rig.sandbox.traffic().at("green") == 25);   // never promoted
   CHECK(traffic_posts(rig.sandbox, "green", 100).empty());
   CHECK(trigger_events(*rig.run, "monitoring_lost").size() == 1);
}
