// runbook-sandbox, driven over HTTP as the runbooks and the crash tests use it.
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "support/child_process.hpp"
#include "support/sandbox_process.hpp"
#include "support/temp_dir.hpp"

using runbook::testing::ChildProcess;
using runbook::testing::SandboxConfig;
using runbook::testing::SandboxProcess;
using runbook::testing::TempDir;
using nlohmann::json;

namespace {

httplib::Headers bearer(const std::string& token)
{
   return {{"Authorization", "Bearer " + token}};
}

/// The number in the Prometheus text for the series `series` (exact match of name and labels).
double prometheus_sample(const std::string& text, const std::string& series)
{
   std::istringstream lines(text);
   std::string line;
   while (std::getline(lines, line))
      if (line.compare(0, series.size() + 1, series + " ") == 0) return std::stod(line.substr(series.size() + 1));
   FAIL("no series " << series << " in:\n" << text);
   return 0;
}

std::string read_file(const std::filesystem::path& path)
{
   std::ifstream in(path, std::ios::binary);
   std::stringstream text;
   text << in.rdbuf();
   return text.str();
}

}  // namespace

TEST_CASE("sandbox announces its port when ready and stops cleanly on SIGTERM", "[sandbox]")
{
   TempDir dir("sandbox-lifecycle");
   ChildProcess process({runbook::testing::sandbox_binary(), "--port", "0"}, dir / "log");
   const std::function<std::optional<int>(const std::string&)> ready = runbook::testing::ready_port;
   const auto port = process.wait_for_output(ready, std::chrono::seconds(10));
   REQUIRE(port);
   httplib::Client client("127.0.0.1", *port);
   REQUIRE(client.Get("/health"));   // ready means accepting connections

   const auto status = process.stop();
   REQUIRE(status);
   CHECK(WIFEXITED(*status));
   CHECK(WEXITSTATUS(*status) == 0);
}

TEST_CASE("sandbox refuses a bad command line, a taken port and a corrupt state file", "[sandbox]")
{
   TempDir dir("sandbox-refusals");
   const auto exit_code = [&](std::vector<std::string> args) {
      args.insert(args.begin(), runbook::testing::sandbox_binary());
      ChildProcess process(args, dir / "log");
      const std::function<std::optional<bool>(const std::string&)> never = [](const std::string&) { return std::optional<bool>(); };
      process.wait_for_output(never, std::chrono::seconds(5));
      REQUIRE_FALSE(process.running());
      return WEXITSTATUS(*process.exit_status());
   };
   CHECK(exit_code({"--port", "banana"}) == 2);
   CHECK(exit_code({"--port", "70000"}) == 2);

   SandboxConfig open_config;
   open_config.token = "";
   open_config.persist_state = false;
   SandboxProcess running(open_config);
   CHECK(exit_code({"--port", std::to_string(running.port())}) == 1);
   CHECK(read_file(dir / "log").find("cannot listen on 127.0.0.1:" + std::to_string(running.port())) != std::string::npos);

   std::ofstream(dir / "corrupt.json") << "{\"version\": 1, \"traffic\": ";
   CHECK(exit_code({"--port", "0", "--state", (dir / "corrupt.json").string()}) == 1);
   CHECK(read_file(dir / "log").find("is not valid JSON") != std::string::npos);

   CHECK(exit_code({"--port", "0", "--state", (dir / "no-such-dir" / "state.json").string()}) == 1);
   CHECK(read_file(dir / "log").find("cannot write") != std::string::npos);
}

TEST_CASE("the traffic API sets the split, checks the token and rejects bad bodies", "[sandbox]")
{
   SandboxProcess sandbox;
   auto client = sandbox.client();
   CHECK(sandbox.traffic() == json{{"blue", 100}, {"green", 0}});

   const std::string good = R"({"environment": "green", "percentage": 25})";
   SECTION("without or with a wrong token: 401 and nothing changes")
   {
      auto none = client->Post("/api/traffic", good, "application/json");
      REQUIRE(none);
      CHECK(none->status == 401);
      CHECK(json::parse(none->body).contains("error"));
      auto wrong = client->Post("/api/traffic", bearer("not-the-token"), good, "application/json");
      REQUIRE(wrong);
      CHECK(wrong->status == 401);
      auto other_scheme = client->Post("/api/traffic", {{"Authorization", "Token " + sandbox.token()}}, good, "application/json");
      REQUIRE(other_scheme);
      CHECK(other_scheme->status == 401);
      CHECK(sandbox.traffic() == json{{"blue", 100}, {"green", 0}});
   }
   SECTION("a good request routes the percentage and gives the other environment the rest")
   {
      auto answer = client->Post("/api/traffic", bearer(sandbox.token()), good, "application/json");
      REQUIRE(answer);
      CHECK(answer->status == 200);
      CHECK(json::parse(answer->body) == json{{"blue", 75}, {"green", 25}});
      CHECK(sandbox.traffic() == json{{"blue", 75}, {"green", 25}});
      CHECK(sandbox.set_traffic("blue", 90) == 200);
      CHECK(sandbox.traffic() == json{{"blue", 90}, {"green", 10}});
      CHECK(sandbox.set_traffic("green", 2.5) == 200);
      CHECK(sandbox.traffic() == json{{"blue", 97.5}, {"green", 2.5}});
      // The seed's curl sends no Content-Type (form encoding by default): still JSON.
      auto seed_style = client->Post("/api/traffic", bearer(sandbox.token()), R"({"environment": "blue", "percentage": 100})",
                                     "application/x-www-form-urlencoded");
      REQUIRE(seed_style);
      CHECK(seed_style->status == 200);
      CHECK(sandbox.traffic() == json{{"blue", 100}, {"green", 0}});
   }
   SECTION("bad bodies: 400 with a JSON error that says what is wrong")
   {
      const std::vector<std::pair<std::string, std::string>> cases = {
         {"", "empty"},
         {"not json", "not valid JSON"},
         {"[1, 2]", "JSON object"},
         {R"({"percentage": 25})", "\"environment\" is missing"},
         {R"({"environment": "purple", "percentage": 25})", "unknown environment \"purple\""},
         {R"({"environment": "green"})", "\"percentage\" is missing"},
         {R"({"environment": "green", "percentage": "25"})", "not a number"},
         {R"({"environment": "green", "percentage": 101})", "between 0 and 100"},
         {R"({"environment": "green", "percentage": -1})", "between 0 and 100"},
      };
      for (const auto& [body, message] : cases) {
         INFO("body: " << body);
         auto answer = client->Post("/api/traffic", bearer(sandbox.token()), body, "application/json");
         REQUIRE(answer);
         CHECK(answer->status == 400);
         const auto error = json::parse(answer->body);
         REQUIRE(error.contains("error"));
         CHECK_THAT(error["error"].get<std::string>(), Catch::Contains(message));
      }
      CHECK(sandbox.traffic() == json{{"blue", 100}, {"green", 0}});
   }
}

TEST_CASE("a repeated Idempotency-Key replays the first answer and changes nothing", "[sandbox]")
{
   SandboxProcess sandbox;
   auto client = sandbox.client();
   auto headers = bearer(sandbox.token());
   headers.emplace("Idempotency-Key", "rollout-42-step-7");

   auto first = client->Post("/api/traffic", headers, R"({"environment": "green", "percentage": 10})", "application/json");
   REQUIRE(first);
   CHECK(first->status == 200);
   CHECK(sandbox.set_traffic("green", 50) == 200);   // the world moves on

   auto repeat = client->Post("/api/traffic", headers, R"({"environment": "green", "percentage": 10})", "application/json");
   REQUIRE(repeat);
   CHECK(repeat->status == 200);
   CHECK(repeat->body == first->body);
   CHECK(repeat->get_header_value("Idempotent-Replayed") == "true");
   CHECK(sandbox.traffic() == json{{"blue", 50}, {"green", 50}});

   auto reused = client->Post("/api/traffic", headers, R"({"environment": "green", "percentage": 99})", "application/json");
   REQUIRE(reused);
   CHECK(reused->status == 422);
   CHECK(sandbox.traffic() == json{{"blue", 50}, {"green", 50}});

   // A stranger gets no replay.
   auto stranger = client->Post("/api/traffic", {{"Idempotency-Key", "rollout-42-step-7"}}, R"({"environment": "green", "percentage": 10})", "application/json");
   REQUIRE(stranger);
   CHECK(stranger->status == 401);

   const auto log = sandbox.requests("/api/traffic");
   REQUIRE(log.size() == 5);
   CHECK(log[0]["idempotency_key"] == "rollout-42-step-7");
   CHECK(log[0]["replayed"] == false);
   CHECK(log[1]["idempotency_key"].is_null());
   CHECK(log[2]["replayed"] == true);
   CHECK(log[2]["status"] == 200);
   CHECK(log[3]["status"] == 422);
   CHECK(log[4]["status"] == 401);
}

TEST_CASE("health answers from the environment the weighted round-robin picks", "[sandbox]")
{
   SandboxProcess sandbox;
   auto client = sandbox.client();
   const auto environments = [&](int count) {
      std::string seen;
      for (int i = 0; i < count; ++i) {
         auto answer = client->Get("/health");
         REQUIRE(answer);
         REQUIRE(answer->status == 200);
         const auto body = json::parse(answer->body);
         CHECK(body["status"] == "healthy");
         seen += body["environment"] == "green" ? 'g' : 'b';
      }
      return seen;
   };

   CHECK(environments(10) == "bbbbbbbbbb");
   REQUIRE(sandbox.set_traffic("green", 25) == 200);
   CHECK(environments(12) == "bbbgbbbgbbbg");   // every 4th
   REQUIRE(sandbox.set_traffic("green", 50) == 200);
   CHECK(environments(6) == "bgbgbg");
   REQUIRE(sandbox.set_traffic("green", 100) == 200);
   CHECK(environments(5) == "ggggg");
   REQUIRE(sandbox.set_traffic("blue", 100) == 200);
   CHECK(environments(10) == "bbbbbbbbbb");   // the seed's "ten checks that report blue"

   // The seed's `curl -H "X-Environment: green" .../health` reaches green even without traffic.
   auto direct = client->Get("/health", {{"X-Environment", "green"}});
   REQUIRE(direct);
   CHECK(json::parse(direct->body)["environment"] == "green");
   auto unknown = client->Get("/health", {{"X-Environment", "purple"}});
   REQUIRE(unknown);
   CHECK(unknown->status == 400);
}

TEST_CASE("detailed health reports the database and Redis, and the tracking pixel is a PNG", "[sandbox]")
{
   SandboxProcess sandbox;
   auto client = sandbox.client();

   auto healthy = client->Get("/health/detailed");
   REQUIRE(healthy);
   CHECK(healthy->status == 200);
   auto body = json::parse(healthy->body);
   CHECK(body["status"] == "healthy");
   CHECK(body["components"]["database"]["status"] == "healthy");
   CHECK(body["components"]["redis"]["status"] == "healthy");

   sandbox.inject_faults({{"database", "down"}});
   auto broken = client->Get("/health/detailed");
   REQUIRE(broken);
   CHECK(broken->status == 503);   // `curl -f` fails
   body = json::parse(broken->body);
   CHECK(body["status"] == "unhealthy");
   CHECK(body["components"]["database"]["status"] == "unhealthy");
   CHECK(body["components"]["redis"]["status"] == "healthy");

   sandbox.clear_faults();
   sandbox.inject_faults({{"green", {{"redis", "down"}}}});
   auto blue = client->Get("/health/detailed", {{"X-Environment", "blue"}});
   auto green = client->Get("/health/detailed", {{"X-Environment", "green"}});
   REQUIRE((blue && green));
   CHECK(json::parse(blue->body)["status"] == "healthy");
   CHECK(json::parse(green->body)["components"]["redis"]["status"] == "unhealthy");
   CHECK(json::parse(green->body)["status"] == "unhealthy");

   auto pixel = client->Get("/pixel/test.png");
   REQUIRE(pixel);
   CHECK(pixel->status == 200);
   CHECK(pixel->get_header_value("Content-Type") == "image/png");
   REQUIRE(pixel->body.size() > 24);
   CHECK(pixel->body.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
   CHECK(pixel->body.compare(12, 4, "IHDR") == 0);
   CHECK(pixel->body.compare(16, 8, std::string("\0\0\0\1\0\0\0\1", 8)) == 0);   // 1 x 1

   sandbox.inject_faults({{"blue", {{"down", true}}}});
   auto down = client->Get("/pixel/test.png");
   REQUIRE(down);
   CHECK(down->status == 503);
   auto health_down = client->Get("/health");
   REQUIRE(health_down);
   CHECK(health_down->status == 503);
   CHECK(json::parse(health_down->body)["status"] == "unhealthy");
}

TEST_CASE("injected faults move the monitoring metrics, traffic-weighted", "[sandbox]")
{
   SandboxProcess sandbox;
   const auto metric = [&](const std::string& name) { return sandbox.get_json("/api/metrics/" + name)["value"].get<double>(); };

   CHECK(metric("error-rate") == Approx(0.02));
   CHECK(metric("latency-avg") == Approx(45));
   CHECK(metric("latency-p99") == Approx(67.5));
   CHECK(metric("db-connection-errors") == 0);
   CHECK(metric("cpu") < 70);
   CHECK(metric("memory") < 80);

   REQUIRE(sandbox.set_traffic("green", 25) == 200);
   sandbox.inject_faults({{"green", {{"error_rate", 2.0}, {"latency_ms", 600}}}});
   CHECK(metric("error-rate") == Approx(0.25 * 2.0 + 0.75 * 0.02));
   CHECK(sandbox.get_json("/api/metrics/error-rate?environment=green")["value"] == 2.0);
   CHECK(sandbox.get_json("/api/metrics/error-rate?environment=blue")["value"] == 0.02);
   CHECK(metric("latency-avg") == Approx(0.25 * 600 + 0.75 * 45));
   CHECK(metric("latency-p99") == Approx(900));   // green's slow tail is more than 1% of all requests

   sandbox.inject_faults({{"database", "down"}});
   CHECK(metric("error-rate") == 100);
   CHECK(metric("db-connection-errors") > 0);

   sandbox.inject_faults({{"database", nullptr}, {"green", {{"error_rate", nullptr}, {"cpu", 95}, {"memory_growth_mb_per_min", 20}}}});
   CHECK(metric("error-rate") == Approx(0.02));
   CHECK(sandbox.get_json("/api/metrics/cpu?environment=green")["value"] == 95);
   CHECK(metric("memory-growth") == 20);

   sandbox.clear_faults();
   CHECK(metric("latency-avg") == Approx(0.25 * 40 + 0.75 * 45));

   auto client = sandbox.client();
   auto unknown = client->Get("/api/metrics/happiness");
   REQUIRE(unknown);
   CHECK(unknown->status == 404);
   CHECK_THAT(json::parse(unknown->body)["error"].get<std::string>(), Catch::Contains("error-rate"));
}

TEST_CASE("the faults API merges, reports, validates and clears", "[sandbox]")
{
   SandboxProcess sandbox;
   auto client = sandbox.client();
   sandbox.inject_faults({{"green", {{"error_rate", 2.0}, {"latency_ms", 600}}}, {"database", "down"}});
   sandbox.inject_faults({{"green", {{"latency_ms", 300}}}});
   auto faults = sandbox.get_json("/sandbox/faults");
   CHECK(faults["faults"] == json{{"green", {{"error_rate", 2}, {"latency_ms", 300}}}, {"database", "down"}});
   CHECK(faults["effective"]["green"]["latency_ms"] == 300);
   CHECK(faults["effective"]["blue"]["database"] == "down");

   for (const std::string bad : {R"({"green": {"error_rat": 2}})", R"({"purple": {}})", R"({"green": {"error_rate": 150}})",
                                 R"({"database": "sideways"})", R"({"green": {"down": "yes"}})", R"([])", "nope"}) {
      INFO("body: " << bad);
      auto answer = client->Post("/sandbox/faults", bad, "application/json");
      REQUIRE(answer);
      CHECK(answer->status == 400);
      CHECK(json::parse(answer->body).contains("error"));
   }
   // A rejected body changed nothing.
   CHECK(sandbox.get_json("/sandbox/faults")["faults"] == faults["faults"]);

   sandbox.clear_faults();
   CHECK(sandbox.get_json("/sandbox/faults")["faults"] == json::object());
}

TEST_CASE("/metrics counters grow with time, split by weight, failing at the injected rate", "[sandbox]")
{
   SandboxConfig fast_flow;
   fast_flow.extra_args = {"--requests-per-second", "2000"};
   SandboxProcess sandbox(fast_flow);
   auto client = sandbox.client();
   const auto scrape = [&] {
      auto answer = client->Get("/metrics");
      REQUIRE(answer);
      REQUIRE(answer->status == 200);
      CHECK_THAT(answer->get_header_value("Content-Type"), Catch::StartsWith("text/plain; version=0.0.4"));
      return answer->body;
   };
   const std::string green_ok = R"(http_requests_total{environment="green",code="200"})";
   const std::string green_err = R"(http_requests_total{environment="green",code="500"})";
   const std::string blue_ok = R"(http_requests_total{environment="blue",code="200"})";
   const std::string green_count = R"(http_request_duration_seconds_count{environment="green"})";
   const std::string green_sum = R"(http_request_duration_seconds_sum{environment="green"})";
   const std::string green_fast = R"(http_request_duration_seconds_bucket{environment="green",le="0.5"})";

   const auto text = scrape();
   for (const std::string name : {"# TYPE http_requests_total counter", "# TYPE http_request_duration_seconds histogram",
                                  "# TYPE database_connection_errors_total counter", "# TYPE cpu_usage_percent gauge",
                                  "# TYPE memory_usage_percent gauge", "le=\"0.05\"", "le=\"0.1\"", "le=\"0.2\"", "le=\"0.5\"", "le=\"1\"", "le=\"+Inf\""})
      CHECK_THAT(text, Catch::Contains(name));

   REQUIRE(sandbox.set_traffic("green", 50) == 200);
   sandbox.inject_faults({{"green", {{"error_rate", 20}, {"latency_ms", 600}}}, {"blue", {{"database", "down"}}}});
   const auto before = scrape();
   std::this_thread::sleep_for(std::chrono::milliseconds(500));
   const auto after = scrape();
   const auto delta = [&](const std::string& series) { return prometheus_sample(after, series) - prometheus_sample(before, series); };

   const double green_requests = delta(green_ok) + delta(green_err);
   CHECK(green_requests > 300);   // ~500 expected: 2000/s, half of it, half a second
   CHECK(delta(green_err) / green_requests == Approx(0.2).margin(0.01));
   CHECK(delta(green_count) == green_requests);
   CHECK(delta(green_sum) / delta(green_count) == Approx(0.6).margin(0.01));   // the mean is the injected latency
   CHECK(delta(green_fast) / delta(green_count) == Approx(0.5).margin(0.03));  // 0.8 x 600 ms = 480 ms: half the requests
   CHECK(delta(blue_ok) == 0);   // blue cannot reach its database: everything fails
   CHECK(delta(R"(database_connection_errors_total{environment="blue"})") == Approx(green_requests).margin(green_requests * 0.1));
   CHECK(prometheus_sample(after, R"(component_up{environment="blue",component="database"})") == 0);
   CHECK(prometheus_sample(after, R"(traffic_weight_percent{environment="green"})") == 50);
}

TEST_CASE("the webhook receivers accept the seed's payloads and answer like the real services", "[sandbox]")
{
   SandboxProcess sandbox;
   auto client = sandbox.client();

   auto slack = client->Post("/hooks/slack/services/T000/B000/XXXX", R"({"text":"🚨 EMERGENCY ROLLBACK COMPLETED\nSystem rolled back to blue environment"})", "application/json");
   REQUIRE(slack);
   CHECK(slack->status == 200);
   CHECK(slack->body == "ok");
   auto slack_empty = client->Post("/hooks/slack/services/T000/B000/XXXX", R"({"username": "runbook"})", "application/json");
   REQUIRE(slack_empty);
   CHECK(slack_empty->status == 400);
   CHECK(slack_empty->body == "no_text");

   const std::string incident = R"({"incident": {"name": "Emergency Rollback Completed", "status": "monitoring", "body": "System has been rolled back to stable version."}})";
   auto status_page = client->Post("/statuspage/v1/pages/page123/incidents", {{"Authorization", "OAuth status-key"}}, incident, "application/json");
   REQUIRE(status_page);
   CHECK(status_page->status == 201);
   const auto created = json::parse(status_page->body);
   CHECK(created["name"] == "Emergency Rollback Completed");
   CHECK(created["status"] == "monitoring");
   CHECK(created["page_id"] == "page123");
   CHECK(created["id"].is_string());
   auto no_key = client->Post("/statuspage/v1/pages/page123/incidents", incident, "application/json");
   REQUIRE(no_key);
   CHECK(no_key->status == 401);
   auto nameless = client->Post("/statuspage/v1/pages/page123/incidents", {{"Authorization", "OAuth k"}}, R"({"incident": {"status": "investigating"}})", "application/json");
   REQUIRE(nameless);
   CHECK(nameless->status == 422);

   // The seed's acknowledge sends no body at all.
   auto ack = client->Post("/pagerduty/incidents/PD123/acknowledge", httplib::Headers{{"Authorization", "Token token=pd-key"}});
   REQUIRE(ack);
   CHECK(ack->status == 200);
   CHECK(json::parse(ack->body)["incident"]["status"] == "acknowledged");
   CHECK(json::parse(ack->body)["incident"]["id"] == "PD123");
   auto anonymous = client->Post("/pagerduty/incidents/PD123/acknowledge");
   REQUIRE(anonymous);
   CHECK(anonymous->status == 401);

   const auto log = sandbox.requests();
   REQUIRE(log.size() == 7);
   CHECK(log[0]["path"] == "/hooks/slack/services/***");   // The webhook's path is its secret.
   CHECK(log[0]["body"]["text"].get<std::string>().find("EMERGENCY ROLLBACK") != std::string::npos);
   CHECK(log[2]["auth_scheme"] == "OAuth");
   CHECK(log[5]["auth_scheme"] == "Token");
   CHECK(log[5]["body"].is_null());
   CHECK(sandbox.requests("/pagerduty").size() == 2);
}

TEST_CASE("the request log lists every mutating request in order and never the token", "[sandbox]")
{
   SandboxConfig marked;
   marked.token = "marker-secret-4f1c9";
   SandboxProcess sandbox(marked);
   auto client = sandbox.client();
   REQUIRE(sandbox.set_traffic("green", 1, "key-1") == 200);
   REQUIRE(sandbox.set_traffic("green", 5, "key-2") == 200);
   sandbox.inject_faults({{"green", {{"error_rate", 3}}}});
   REQUIRE(client->Get("/health"));   // reads are not logged
   REQUIRE(client->Post("/hooks/slack/services/A/B/C", R"({"text": "hi"})", "application/json"));

   const auto log = sandbox.requests();
   REQUIRE(log.size() == 4);
   for (std::size_t i = 0; i < log.size(); ++i) {
      CHECK(log[i]["seq"] == i + 1);
      CHECK(log[i]["method"] == "POST");
      if (i > 0) CHECK(log[i]["time_ms"].get<long long>() >= log[i - 1]["time_ms"].get<long long>());
   }
   CHECK(log[0]["path"] == "/api/traffic");
   CHECK(log[0]["body"] == json{{"environment", "green"}, {"percentage", 1}});
   CHECK(log[0]["idempotency_key"] == "key-1");
   CHECK(log[0]["status"] == 200);
   CHECK(log[0]["auth_scheme"] == "Bearer");
   CHECK(log[1]["idempotency_key"] == "key-2");
   CHECK(log[2]["path"] == "/sandbox/faults");
   CHECK(log[3]["path"] == "/hooks/slack/services/***");   // The webhook's secret is masked.
   CHECK(sandbox.get_json("/sandbox/requests").dump().find("A/B/C") == std::string::npos);
   CHECK(sandbox.requests("/api/traffic").size() == 2);
   CHECK(sandbox.get_json("/sandbox/requests?since=3")["requests"].size() == 1);

   const auto since_answer = client->Get("/sandbox/requests?since=x");
   REQUIRE(since_answer);
   CHECK(since_answer->status == 400);

   CHECK(log.dump().find("marker-secret-4f1c9") == std::string::npos);
   CHECK(read_file(sandbox.state_file()).find("marker-secret-4f1c9") == std::string::npos);
   sandbox.stop();
   CHECK(sandbox.output().find("marker-secret-4f1c9") == std::string::npos);
}

TEST_CASE("the split, faults, idempotency keys and request log survive a restart and a crash", "[sandbox]")
{
   SandboxProcess sandbox;
   REQUIRE(sandbox.set_traffic("green", 25, "step-3") == 200);
   sandbox.inject_faults({{"green", {{"latency_ms", 250}}}});
   const auto log_before = sandbox.requests();
   REQUIRE(log_before.size() == 2);

   sandbox.restart();   // SIGTERM, same port, same state file
   CHECK(sandbox.traffic() == json{{"blue", 75}, {"green", 25}});
   CHECK(sandbox.get_json("/sandbox/faults")["faults"]["green"]["latency_ms"] == 250);
   CHECK(sandbox.requests() == log_before);

   REQUIRE(sandbox.set_traffic("green", 50) == 200);
   sandbox.crash_and_restart();   // SIGKILL: nothing gets to run at exit
   CHECK(sandbox.traffic() == json{{"blue", 50}, {"green", 50}});
   REQUIRE(sandbox.set_traffic("green", 25, "step-3") == 200);   // a resumed runbook repeating step 3
   CHECK(sandbox.traffic() == json{{"blue", 50}, {"green", 50}});   // replayed: nothing changed
   const auto log = sandbox.requests();
   REQUIRE(log.size() == 4);
   CHECK(log[3]["replayed"] == true);
   CHECK(log[3]["seq"] == 4);

   // The health pattern starts afresh after a restart; the weights still hold.
   sandbox.restart();
   int green = 0;
   auto client = sandbox.client();
   for (int i = 0; i < 8; ++i) green += json::parse(client->Get("/health")->body)["environment"] == "green";
   CHECK(green == 4);
}

TEST_CASE("reset puts the sandbox back to blue 100 with no faults and an empty log", "[sandbox]")
{
   SandboxProcess sandbox;
   REQUIRE(sandbox.set_traffic("green", 100, "k") == 200);
   sandbox.inject_faults({{"database", "down"}});
   sandbox.reset();
   CHECK(sandbox.traffic() == json{{"blue", 100}, {"green", 0}});
   CHECK(sandbox.get_json("/sandbox/faults")["faults"] == json::object());
   CHECK(sandbox.requests().empty());
   REQUIRE(sandbox.set_traffic("green", 10, "k") == 200);   // the key is forgotten too
   CHECK(sandbox.traffic() == json{{"blue", 90}, {"green", 10}});
   sandbox.restart();
   CHECK(sandbox.requests().size() == 1);
}
