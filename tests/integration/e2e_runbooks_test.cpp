// The shipped rollout.rb, end to end against runbook-sandbox with the shipped
// sandbox profile, on a fast clock: the happy path ends at green 100; a fault
// injected into green mid-canary trips a P0 trigger and the emergency rollback
// ends at blue 100 with Slack, the status page and PagerDuty notified.
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "support/runbook_run.hpp"
#include "support/sandbox_process.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using runbook::testing::RunbookRun;
using runbook::testing::SandboxProcess;
using runbook::testing::TempDir;

namespace {

/// The secrets rollout.rb reads, set for the child processes of this test.
void set_secrets(const SandboxProcess& sandbox)
{
   ::setenv("LB_ADMIN_TOKEN", sandbox.token().c_str(), 1);
   ::setenv("SLACK_WEBHOOK", "T000/B000/e2e", 1);
   ::setenv("STATUS_TOKEN", "e2e-status-token", 1);
   ::setenv("PD_TOKEN", "e2e-pd-token", 1);
}

/// The sandbox profile with windows short enough that, at --time-scale 120,
/// the whole rollout takes seconds of wall time.
std::vector<std::string> fast_rollout_params(const TempDir& dir, const SandboxProcess& sandbox)
{
   const std::string rollout = runbook::testing::source_path("runbooks/rollout.rb");
   auto flags = runbook::testing::profile_flags(dir, sandbox.url(), rollout);
   runbook::testing::set_param(flags, "canary_window", "1m");
   runbook::testing::set_param(flags, "canary_long_window", "1m");
   runbook::testing::set_param(flags, "full_window", "2m");
   runbook::testing::set_param(flags, "sample_every", "10s");
   runbook::testing::set_param(flags, "verify_samples", "3");
   return flags;
}

int count_requests(const nlohmann::json& log, const std::string& path_prefix)
{
   int n = 0;
   for (const auto& request : log)
      if (request.value("path", "").rfind(path_prefix, 0) == 0) ++n;
   return n;
}

}  // namespace

TEST_CASE("rollout.rb runs end to end against the sandbox and ends at green 100", "[e2e][integration]")
{
   SandboxProcess sandbox;
   set_secrets(sandbox);
   TempDir dir("runbook-e2e");
   RunbookRun run(dir, runbook::testing::source_path("runbooks/rollout.rb"), fast_rollout_params(dir, sandbox),
                  {"--time-scale", "120", "--yes"});
   const int exit_code = run.wait(120s);
   INFO("runbook output:\n" << run.output());
   CHECK(exit_code == 0);
   const auto traffic = sandbox.traffic();
   CHECK(traffic.at("green") == 100);
   CHECK(traffic.at("blue") == 0);
   // Every canary step went through the load balancer, in order, then 100.
   std::vector<double> shares;
   for (const auto& request : sandbox.requests("/api/traffic"))
      if (request.contains("body") && request.at("body").is_object() && request.at("body").value("environment", "") == "green")
         shares.push_back(request.at("body").value("percentage", -1.0));
   CHECK(shares == std::vector<double>{1, 5, 10, 25, 50, 100});
}

TEST_CASE("a fault injected mid-canary ends in the emergency rollback at blue 100 with everyone notified", "[e2e][integration]")
{
   SandboxProcess sandbox;
   set_secrets(sandbox);
   TempDir dir("runbook-e2e");
   // The P0 trigger needs 5 minutes of errors within one phase (arming a
   // phase starts its triggers afresh): 2-minute windows leave the canary 8
   // minutes after the 5% step. (With 1-minute windows this passed only while
   // every request wasted 50 wall ms, 6 s of runbook time at this scale.)
   auto params = fast_rollout_params(dir, sandbox);
   runbook::testing::set_param(params, "canary_window", "2m");
   runbook::testing::set_param(params, "canary_long_window", "2m");
   RunbookRun run(dir, runbook::testing::source_path("runbooks/rollout.rb"), params, {"--time-scale", "120", "--yes"});

   // Once green takes 5%, green fails hard: 50% errors, 2.5% of all traffic.
   bool injected = false;
   const auto start = std::chrono::steady_clock::now();
   while (!injected && run.running() && std::chrono::steady_clock::now() - start < 60s) {
      if (sandbox.traffic().at("green").get<double>() >= 5) {
         sandbox.inject_faults({{"green", {{"error_rate", 50.0}, {"latency_ms", 700}}}});
         injected = true;
      }
      std::this_thread::sleep_for(20ms);
   }
   REQUIRE(injected);
   const int exit_code = run.wait(120s);
   INFO("runbook output:\n" << run.output());
   CHECK(exit_code == 3);   // rolled back, and the rollback completed
   const auto traffic = sandbox.traffic();
   CHECK(traffic.at("blue") == 100);
   CHECK(traffic.at("green") == 0);

   const auto log = sandbox.requests();
   INFO("sandbox request log:\n" << log.dump(1));
   CHECK(count_requests(log, "/hooks/slack") >= 1);
   CHECK(count_requests(log, "/statuspage") >= 1);
   CHECK(count_requests(log, "/pagerduty") >= 1);

   bool p0_fired = false;
   for (const auto& event : run.events())
      if (event.kind == "trigger") {
         const auto data = nlohmann::json::parse(event.data_json);
         if (data.value("event", "") == "fired" && data.value("severity", "") == "P0") p0_fired = true;
      }
   CHECK(p0_fired);
}
