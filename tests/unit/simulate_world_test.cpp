#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "support/scenario_support.hpp"
#include "simulate/scenario_parser.hpp"
#include "simulate/scenario_world.hpp"

using namespace runbook;
using namespace runbook::sim;
using runbook::test::scenario_of;

namespace {

HttpRequest request(const std::string& method, const std::string& url, const std::string& body = "")
{
   HttpRequest r;
   r.method = method;
   r.url = url;
   r.body = body;
   return r;
}

Question question(Question::Kind kind, const std::string& text, std::vector<std::string> choices, const std::string& default_choice)
{
   Question q;
   q.kind = kind;
   q.step_id = "step";
   q.text = text;
   q.choices = std::move(choices);
   q.default_choice = default_choice;
   return q;
}

}  // namespace

TEST_CASE("the sandbox model tracks the traffic split and answers /health by it", "[simulate]")
{
   const Scenario s = scenario_of("");
   ScenarioWorld world(s);
   auto health = [&] { return nlohmann::json::parse(world.http("s", request("GET", "https://api/health"), "u").body)["environment"]; };
   CHECK(health() == "blue");
   auto routed = world.http("s", request("POST", "https://lb/api/traffic", R"({"environment": "green", "percentage": 25})"), "u");
   CHECK(routed.status == 200);
   CHECK(world.sandbox().share("green") == 25);
   CHECK(world.sandbox().share("blue") == 75);
   int green = 0;
   for (int i = 0; i < 100; ++i) green += health() == "green";
   CHECK(green == 25);   // Weighted round-robin follows the split exactly.
   CHECK(world.http("s", request("POST", "https://lb/api/traffic", R"({"environment": "red", "percentage": 5})"), "u").status == 400);
   const auto split = nlohmann::json::parse(world.http("s", request("GET", "https://lb/api/traffic"), "u").body);
   CHECK(split["green"] == 25);
}

TEST_CASE("scripted side effects: globs, Nth call, statuses, exits", "[simulate]")
{
   const Scenario s = scenario_of(R"(
sh "npm run verify:*" fails with exit 2 prints "ECONNREFUSED"
sh "deploy *" fails on call 2
http POST "*/api/traffic" fails on call 3 with status 503
http GET "*/health/detailed" unreachable "connection refused"
sh "slow" takes 5m
)");
   ScenarioWorld world(s);
   ShellOptions options;
   const auto verify = world.shell("s1", "npm run verify:database:green", "npm run verify:database:green", options);
   CHECK(verify.exit_code == 2);
   CHECK(verify.stdout_tail == "ECONNREFUSED\n");   // `prints` prints a line, as a real command does
   CHECK(world.shell("s2", "deploy a", "deploy a", options).exit_code == 0);
   CHECK(world.shell("s3", "deploy b", "deploy b", options).exit_code == 1);
   CHECK(world.shell("s4", "deploy c", "deploy c", options).exit_code == 0);
   CHECK(world.shell("s5", "echo hi", "echo hi", options).exit_code == 0);
   CHECK(world.shell("s6", "slow", "slow", options).elapsed_ms == 300000);
   ShellOptions short_timeout;
   short_timeout.timeout_ms = 60000;
   const auto timed_out = world.shell("s7", "slow", "slow", short_timeout);
   CHECK(timed_out.timed_out);
   CHECK(timed_out.elapsed_ms == 60000);

   const std::string body = R"({"environment": "green", "percentage": 5})";
   CHECK(world.http("h1", request("POST", "https://lb/api/traffic", body), "https://lb/api/traffic").status == 200);
   CHECK(world.http("h2", request("POST", "https://lb/api/traffic", body), "https://lb/api/traffic").status == 200);
   CHECK(world.http("h3", request("POST", "https://lb/api/traffic", body), "https://lb/api/traffic").status == 503);
   const auto down = world.http("h4", request("GET", "https://api/health/detailed"), "https://api/health/detailed");
   CHECK_FALSE(down.ok);
   CHECK(down.error == "connection refused");

   REQUIRE(world.side_effects().size() == 11);
   CHECK(world.side_effects()[0].scenario_line == 3);   // Line 1 is the runbook, line 2 blank.
   CHECK(world.side_effects()[0].failed);
   CHECK(world.side_effects()[4].scenario_line == 0);
   REQUIRE(world.fault_at());
   CHECK(*world.fault_at() == s.start_ms);
}

TEST_CASE("questions: first matching answer, defaults, delays and never", "[simulate]")
{
   const Scenario s = scenario_of(R"(
answer checklist "Execute load testing*" no
answer approve "Route*" yes after 10m
answer approve "Never*" never
answer * * yes
limit 2h
)");
   ScenarioWorld world(s);
   const Question item = question(Question::Kind::ChecklistItem, "Staging [3/7]: Execute load testing with 10x", {"yes", "no"}, "yes");
   CHECK(world.ask(item, nullptr).choice == "no");
   const Question other = question(Question::Kind::ChecklistItem, "Staging [1/7]: Deploy", {"yes", "no"}, "yes");
   CHECK(world.ask(other, nullptr).choice == "yes");
   const Question decision = question(Question::Kind::Decision, "P2 cpu: continue?", {"continue", "rollback", "abort"}, "continue");
   const Answer decided = world.ask(decision, nullptr);
   CHECK(decided.choice == "continue");   // The catch-all `yes` is not offered: the default answers.
   CHECK(decided.who == "scenario (default answer)");

   // A delay is reported, not slept: the interpreter lets it pass with the
   // triggers sampled (World's timing contract), so the clock stays put here.
   const Question route = question(Question::Kind::Approve, "Route 100% of traffic?", {"yes", "no"}, "yes");
   const double before = world.clock().now();
   const Answer later = world.ask(route, nullptr);
   CHECK(later.choice == "yes");
   CHECK(later.elapsed_ms == 600000);
   CHECK(world.clock().now() == before);
   // It counts only once the run takes it (its Answer event): a trigger may stop the wait first.
   REQUIRE(world.questions().size() == 4);
   CHECK(world.questions()[3].answer.empty());
   RunEvent taken{RunEvent::Kind::Answer, before + 600000, route.step_id, "yes", {{"choice", "yes"}, {"who", "scenario line 3"}}};
   world.observe(taken);
   CHECK(world.questions()[3].answer == "yes");

   // Nobody answers: the wait lasts until the scenario's limit (unless something stops it first).
   const Question never = question(Question::Kind::Approve, "Never answered?", {"yes", "no"}, "yes");
   const Answer nobody = world.ask(never, nullptr);
   CHECK(nobody.interrupted);
   CHECK(nobody.choice.empty());
   CHECK(world.clock().now() + nobody.elapsed_ms > s.start_ms + 2 * 3600 * 1000.0);
   REQUIRE(world.questions().size() == 5);
   CHECK(world.questions()[0].answer == "no");
}

TEST_CASE("interrupt points stop a long sleep exactly there", "[simulate]")
{
   const Scenario s = scenario_of("interrupt at 10m after traffic green reaches 10%\n");
   ScenarioWorld world(s);
   Clock& clock = world.clock();
   CHECK(clock.sleep_until(s.start_ms + 3600000, world.interrupt_flag()));
   world.http("r", request("POST", "https://lb/api/traffic", R"({"environment": "green", "percentage": 10})"), "u");
   const double routed = clock.now();
   CHECK_FALSE(clock.sleep_until(routed + 3600000, world.interrupt_flag()));
   CHECK(clock.now() == routed + 600000);
   CHECK(world.interrupt_flag()->load());
   REQUIRE(world.last_interrupt() != nullptr);
   CHECK(world.last_interrupt()->loc.line == 2);
   world.clear_interrupt();
   CHECK(clock.sleep_until(routed + 3600000, world.interrupt_flag()));   // Each point fires once.
}
