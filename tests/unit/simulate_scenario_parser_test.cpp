#include <catch2/catch.hpp>
#include <fmt/core.h>

#include "simulate/scenario_parser.hpp"

using namespace runbook;
using namespace runbook::sim;

namespace {

/// Parses and returns the rendered diagnostics ("" when the text is valid).
std::string errors_of(const std::string& text)
{
   Diagnostics diags;
   const Scenario scenario = parse_scenario("t.scenario", text, diags);
   return render_text(diags);
}

}  // namespace

TEST_CASE("a complete scenario parses into its rules", "[simulate]")
{
   Diagnostics diags;
   const Scenario s = parse_scenario("runbooks/tests/spike.scenario", R"(# an error spike at 25%
scenario "error spike at 25% rolls back"
runbook "../rollout.rb"
param canary_window = 5m
param version = "v3.0.1"
start "2026-01-06T14:00:00Z"
limit 12h

metric error_rate = 0.02% noise 0.01% seed 7
metric error_rate = 2% from 10m after traffic green reaches 25%
metric api_p99 = ramp 80ms to 600ms over 20m from T+2h until T+3h
metric cpu = unreachable "connection refused" from step "canary-deployment/*" starts for 15m

sh "npm run verify:database:*" fails with exit 2 prints "ECONNREFUSED"
http POST "*/api/traffic" fails on call 3 with status 503
http get "*/health/detailed" returns status 200 body '{"status": "degraded"}' from call 2
sh * takes 5m

answer checklist "Perform security testing*" no
answer approve * yes after 10m
answer approve "Route 100%*" never
answer decision * "rollback"

interrupt at 10m after traffic green reaches 10% resume after 5m

expect outcome rolled back via emergency
expect exit 3
expect trigger high_error_rate fired
expect trigger slow_response not fired
expect rollback within 6m of fault
expect rollback within 7m of 10m after traffic green reaches 25%
expect step "full-production-rollout/*" never ran
expect step "canary-deployment/*" ran
expect variable pct == 25
expect variable name != "x"
expect traffic blue 100%
expect question "Route 100%*" never asked
expect http POST "*/api/traffic" called 6 times
expect sh "npm *" never called
)",
                                         diags);
   INFO(render_text(diags));
   REQUIRE_FALSE(diags.has_errors());

   CHECK(s.title == "error spike at 25% rolls back");
   CHECK(s.runbook == "../rollout.rb");
   CHECK(s.runbook_path() == "runbooks/rollout.rb");
   REQUIRE(s.params.size() == 2);
   CHECK(s.params[0] == std::pair<std::string, std::string>{"canary_window", "5m"});
   CHECK(s.params[1].second == "v3.0.1");
   CHECK(s.start_ms == 1767708000000.0);   // 2026-01-06T14:00:00Z
   CHECK(s.limit_ms == 12 * 3600 * 1000.0);

   REQUIRE(s.metrics.size() == 4);
   CHECK(s.metrics[0].value.value == Approx(0.02));
   CHECK(s.metrics[0].value.unit == ast::Unit::Percent);
   REQUIRE(s.metrics[0].noise);
   CHECK(s.metrics[0].noise->value == Approx(0.01));
   CHECK(s.metrics[0].seed == 7);
   CHECK(s.metrics[0].window.always());
   REQUIRE(s.metrics[1].window.from);
   CHECK(s.metrics[1].window.from->kind == Anchor::Kind::TrafficReaches);
   CHECK(s.metrics[1].window.from->environment == "green");
   CHECK(s.metrics[1].window.from->percent == 25);
   CHECK(s.metrics[1].window.from->offset_ms == 600000);
   CHECK(s.metrics[2].shape == MetricRule::Shape::Ramp);
   CHECK(s.metrics[2].value.value == 80);
   CHECK(s.metrics[2].to.value == 600);
   CHECK(s.metrics[2].over_ms == 1200000);
   CHECK(s.metrics[2].window.from->kind == Anchor::Kind::Start);
   CHECK(s.metrics[2].window.from->offset_ms == 7200000);
   CHECK(s.metrics[2].window.until->offset_ms == 10800000);
   CHECK(s.metrics[3].shape == MetricRule::Shape::Unreachable);
   CHECK(s.metrics[3].error == "connection refused");
   CHECK(s.metrics[3].window.from->kind == Anchor::Kind::StepStarts);
   CHECK(s.metrics[3].window.from->pattern == "canary-deployment/*");
   CHECK(*s.metrics[3].window.for_ms == 900000);

   REQUIRE(s.effects.size() == 4);
   CHECK(s.effects[0].target == EffectRule::Target::Shell);
   CHECK(s.effects[0].fails);
   CHECK(*s.effects[0].exit_code == 2);
   CHECK(*s.effects[0].output == "ECONNREFUSED");
   CHECK(s.effects[1].method == "POST");
   CHECK(s.effects[1].on_call == 3);
   CHECK(*s.effects[1].status == 503);
   CHECK(s.effects[2].method == "GET");
   CHECK(*s.effects[2].body == R"({"status": "degraded"})");
   CHECK(s.effects[2].from_call == 2);
   CHECK(s.effects[3].pattern == "*");
   CHECK(*s.effects[3].takes_ms == 300000);

   REQUIRE(s.answers.size() == 4);
   CHECK(s.answers[0].kind == "checklist");
   CHECK(s.answers[0].choice == "no");
   CHECK(s.answers[1].after_ms == 600000);
   CHECK(s.answers[2].never);
   CHECK(s.answers[3].choice == "rollback");

   REQUIRE(s.interrupts.size() == 1);
   CHECK(s.interrupts[0].at.offset_ms == 600000);
   CHECK(s.interrupts[0].resume_after_ms == 300000);

   REQUIRE(s.expectations.size() == 14);
   CHECK(s.expectations[0].outcome == "rolled_back");
   CHECK(s.expectations[0].name == "emergency");
   CHECK(s.expectations[1].number == 3);
   CHECK(s.expectations[3].negated);
   CHECK(s.expectations[4].kind == ExpectRule::Kind::RollbackWithin);
   CHECK_FALSE(s.expectations[4].of);
   CHECK(s.expectations[5].of->kind == Anchor::Kind::TrafficReaches);
   CHECK(s.expectations[6].negated);
   CHECK(s.expectations[8].value->value == 25);
   CHECK(s.expectations[9].value_is_string);
   CHECK(s.expectations[9].op == "!=");
   CHECK(s.expectations[10].kind == ExpectRule::Kind::Traffic);
   CHECK(s.expectations[11].negated);
   CHECK(s.expectations[12].number == 6);
   CHECK(s.expectations[13].shell);
   CHECK(s.expectations[13].number == 0);
}

TEST_CASE("scenario syntax errors point at the column with the exact message", "[simulate]")
{
   CHECK(errors_of("runbook \"a.rb\"\nmetric error_rate 2%\n") ==
         "t.scenario:2:19: error: expected '=' after the metric's name\n"
         "metric error_rate 2%\n"
         "                  ^\n");
   CHECK(errors_of("runbook \"a.rb\"\nmetric error_rate = 2% form T+1h\n") ==
         "t.scenario:2:24: error: expected 'noise', 'seed', 'from', 'until', 'for' or the end of the line\n"
         "metric error_rate = 2% form T+1h\n"
         "                       ^\n");
   CHECK(errors_of("runbook \"a.rb\"\nmetric x = 5parsecs\n") ==
         "t.scenario:2:12: error: unknown unit 'parsecs' in '5parsecs': expected %, ms, s, m, h, d, B, KB, MB, GB or a size per "
         "time such as MB/min\n"
         "metric x = 5parsecs\n"
         "           ^\n");
   CHECK(errors_of("runbook \"a.rb\"\nsh \"deploy\" fails with status 503\n") ==
         "t.scenario:2:31: error: 'status' answers an http request; a sh command is answered with 'exit N'\n"
         "sh \"deploy\" fails with status 503\n"
         "                              ^\n");
   CHECK(errors_of("runbook \"a.rb\n") ==
         "t.scenario:1:14: error: unterminated string: expected '\"' before the end of the line\n"
         "runbook \"a.rb\n"
         "             ^\n");
   CHECK(errors_of("runbook \"a.rb\"\nexpect outcome rolled over\n") ==
         "t.scenario:2:23: error: expected 'back' in 'rolled back'\n"
         "expect outcome rolled over\n"
         "                      ^\n");
   CHECK(errors_of("runbook \"a.rb\"\nmetric x = 1 from traffic green reaches 120%\n") ==
         "t.scenario:2:41: error: expected a percentage between 0% and 100%, not '120%'\n"
         "metric x = 1 from traffic green reaches 120%\n"
         "                                        ^\n");
   CHECK(errors_of("runbook \"a.rb\"\nanswer question * yes\n") ==
         "t.scenario:2:8: error: unknown question kind 'question': expected checklist, approve, ask, decision, in-doubt, monitoring-lost or '*'\n"
         "answer question * yes\n"
         "       ^\n");
   CHECK(errors_of("runbook \"a.rb\"\nmetric x = ramp 1% to 5ms over 1m\n") ==
         "t.scenario:2:23: error: a ramp goes between values of one unit: '1%' and '5ms' differ\n"
         "metric x = ramp 1% to 5ms over 1m\n"
         "                      ^\n");
   CHECK(errors_of("runbook \"a.rb\"\nwait 5m\n") ==
         "t.scenario:2:1: error: expected a statement: scenario, runbook, param, start, limit, metric, sh, http, answer, interrupt, at or expect\n"
         "wait 5m\n"
         "^\n");
   CHECK(errors_of("scenario \"no runbook\"\n") ==
         "t.scenario:1:1: error: the scenario does not name its runbook: add a line such as runbook \"../rollout.rb\"\n"
         "scenario \"no runbook\"\n"
         "^\n");
}

TEST_CASE("one bad line does not hide the next", "[simulate]")
{
   Diagnostics diags;
   parse_scenario("t.scenario", "runbook \"a.rb\"\nmetric = 1\nexpect exit three\nexpect exit 3\n", diags);
   REQUIRE(diags.all().size() == 2);
   CHECK(diags.all()[0].loc.line == 2);
   CHECK(diags.all()[1].loc.line == 3);
}

TEST_CASE("quantities convert to the unit's base like the runbook language", "[simulate]")
{
   Quantity q;
   std::string error;
   REQUIRE(parse_quantity("1h30m", q, error));
   CHECK(q.value == 5400000);
   CHECK(q.unit == ast::Unit::Duration);
   REQUIRE(parse_quantity("0.5%", q, error));
   CHECK(q.value == 0.5);
   CHECK(q.unit == ast::Unit::Percent);
   REQUIRE(parse_quantity("10MB", q, error));
   CHECK(q.value == 10 * 1024 * 1024);
   REQUIRE(parse_quantity("12MB/min", q, error));   // read as in a runbook: bytes per second
   CHECK(q.value == Approx(12.0 * 1024 * 1024 / 60));
   CHECK(q.unit == ast::Unit::ByteRate);
   REQUIRE(parse_quantity("600KB/s", q, error));
   CHECK(q.value == 600 * 1024);
   CHECK_FALSE(parse_quantity("12MB/week", q, error));
   REQUIRE(parse_quantity("-3", q, error));
   CHECK(q.value == -3);
   CHECK(q.unit == ast::Unit::None);
   CHECK_FALSE(parse_quantity("2%5m", q, error));
   CHECK(error == "'2%5m' is not a quantity: only durations combine, as in 1h30m");
   CHECK_FALSE(parse_quantity("1.", q, error));
   CHECK(error == "expected digits after the decimal point in '1.'");
}

TEST_CASE("a quantity with more digits than a double holds is an error, not an exception", "[simulate]")
{
   // scenario_fuzz found `from 666...6` (400 digits): std::stod threw
   // std::out_of_range through the parser and aborted the process.
   Quantity q;
   std::string error;
   const std::string huge(400, '6');
   CHECK_FALSE(parse_quantity(huge, q, error));
   CHECK(error == fmt::format("'{}' is out of range: too many digits", huge));
   const std::string tiny = "0." + std::string(400, '0') + "1s";
   CHECK_FALSE(parse_quantity(tiny, q, error));
   CHECK(error == fmt::format("'{}' is out of range: too many digits", tiny));
   REQUIRE(parse_quantity("1.25s", q, error));   // from_chars reads the fraction
   CHECK(q.value == 1250);

   Diagnostics diags;
   const Scenario s = parse_scenario("t.scenario", "metric cpu = 75% from " + huge + "\n", diags);
   CHECK(diags.has_errors());
   CHECK(render_text(diags).find("out of range") != std::string::npos);
}

TEST_CASE("hostile scenario text gives errors, never a crash", "[simulate]")
{
   const std::string inputs[] = {
      std::string("\0\0\0", 3), "\"", "'", "metric", "metric x = ", "expect", "expect rollback within", "http",
      "interrupt at", std::string(100000, 'x'), "metric x = 99999999999999999999999999999999999999999999999999999999999999%",
      "sh \"a\" on call 99999999999", "\xff\xfe\xfd",
   };
   for (const auto& text : inputs) {
      Diagnostics diags;
      const Scenario s = parse_scenario("t.scenario", text, diags);
      CHECK(diags.has_errors());
      CHECK_FALSE(render_text(diags).empty());
   }
}

TEST_CASE("CRLF line endings are accepted", "[simulate]")
{
   Diagnostics diags;
   const Scenario s = parse_scenario("t.scenario", "runbook \"a.rb\"\r\nexpect exit 1\r\n", diags);
   CHECK_FALSE(diags.has_errors());
   CHECK(s.expectations.size() == 1);
}

TEST_CASE("notification and one-environment expectations parse, with their windows", "[simulate]")
{
   Diagnostics diags;
   const Scenario s = parse_scenario("t.scenario", R"(runbook "a.rb"
expect notification "*LEVEL 4*" sent by 1h after rollback starts
expect notification "*LEVEL 2*" sent 1 time from 15m after rollback starts until 16m after rollback starts
expect notification '*"text"*' never sent
expect traffic on one environment
)", diags);
   CHECK(render_text(diags).empty());
   REQUIRE(s.expectations.size() == 4);
   CHECK(s.expectations[0].kind == ExpectRule::Kind::Notification);
   CHECK(s.expectations[0].number == -1);
   CHECK(s.expectations[0].window.until->offset_ms == 3600000);
   CHECK_FALSE(s.expectations[0].window.from);
   CHECK(s.expectations[1].number == 1);
   CHECK(s.expectations[1].window.from->kind == Anchor::Kind::RollbackStarts);
   CHECK(s.expectations[2].negated);
   CHECK(s.expectations[2].pattern == "*\"text\"*");
   CHECK(s.expectations[3].kind == ExpectRule::Kind::OneEnvironment);
   CHECK(errors_of("runbook \"a.rb\"\nexpect notification \"x\" sent 2\n") ==
         "t.scenario:2:31: error: expected 'times' after the number of calls\n"
         "expect notification \"x\" sent 2\n"
         "                              ^\n");
   CHECK(errors_of("runbook \"a.rb\"\nexpect notification \"x\" sent by T+1h by T+2h\n") ==
         "t.scenario:2:41: error: this rule already has an 'until' or 'by'\n"
         "expect notification \"x\" sent by T+1h by T+2h\n"
         "                                        ^\n");
}

TEST_CASE("ensure expectations parse: held, broken, and a missing verdict is said", "[simulate]")
{
   Diagnostics diags;
   const Scenario s = parse_scenario("t.scenario", R"(runbook "a.rb"
expect ensure "traffic is 100% on one environment" held
expect ensure 'the release is tagged' broken
)", diags);
   CHECK(render_text(diags).empty());
   REQUIRE(s.expectations.size() == 2);
   CHECK(s.expectations[0].kind == ExpectRule::Kind::Ensure);
   CHECK(s.expectations[0].pattern == "traffic is 100% on one environment");
   CHECK_FALSE(s.expectations[0].negated);
   CHECK(s.expectations[1].pattern == "the release is tagged");
   CHECK(s.expectations[1].negated);
   CHECK(errors_of("runbook \"a.rb\"\nexpect ensure \"x\" holds\n").find("expected 'held' or 'broken'") != std::string::npos);
}
