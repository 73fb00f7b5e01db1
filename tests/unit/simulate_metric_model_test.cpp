#include <catch2/catch.hpp>

#include "support/scenario_support.hpp"
#include "simulate/metric_model.hpp"
#include "simulate/scenario_parser.hpp"

using namespace runbook;
using namespace runbook::sim;
using runbook::test::scenario_of;

namespace {

constexpr double minute = 60 * 1000.0;

}  // namespace

TEST_CASE("constants, steps and ramps as functions of virtual time", "[simulate]")
{
   const Scenario s = scenario_of(R"(
metric error_rate = 0.05%
metric error_rate = 2% from T+1h until T+2h
metric api_p99 = ramp 80ms to 480ms over 40m from T+30m
)");
   RunFacts facts(s.start_ms);
   MetricModel model(s.metrics, facts);
   const double t0 = s.start_ms;

   CHECK(model.sample("error_rate", t0).value == Approx(0.05));
   CHECK(model.sample("error_rate", t0 + 59 * minute).value == Approx(0.05));
   CHECK(model.sample("error_rate", t0 + 60 * minute).value == Approx(2));
   CHECK(model.sample("error_rate", t0 + 119 * minute).value == Approx(2));
   CHECK(model.sample("error_rate", t0 + 120 * minute).value == Approx(0.05));

   CHECK(model.sample("api_p99", t0 + 29 * minute).value == 0);          // No rule open yet: 0.
   CHECK(model.sample("api_p99", t0 + 30 * minute).value == Approx(80));
   CHECK(model.sample("api_p99", t0 + 50 * minute).value == Approx(280));  // Halfway up the ramp.
   CHECK(model.sample("api_p99", t0 + 70 * minute).value == Approx(480));
   CHECK(model.sample("api_p99", t0 + 300 * minute).value == Approx(480));

   CHECK(model.sample("unknown", t0).ok);
   CHECK_FALSE(model.describes("unknown"));
}

TEST_CASE("anchors follow the run: traffic, steps, rollback", "[simulate]")
{
   const Scenario s = scenario_of(R"(
metric error_rate = 0.02%
metric error_rate = 3% from 10m after traffic green reaches 25% until rollback starts
metric cpu = unreachable "connection refused" from step "canary/*" starts for 5m
)");
   RunFacts facts(s.start_ms);
   MetricModel model(s.metrics, facts);
   const double t0 = s.start_ms;

   facts.traffic_changed("green", 10, t0 + 60 * minute);
   CHECK(model.sample("error_rate", t0 + 100 * minute).value == Approx(0.02));
   facts.traffic_changed("green", 25, t0 + 120 * minute);
   CHECK(model.sample("error_rate", t0 + 129 * minute).value == Approx(0.02));
   CHECK(model.sample("error_rate", t0 + 130 * minute).value == Approx(3));
   facts.rollback_started("emergency", t0 + 136 * minute);
   CHECK(model.sample("error_rate", t0 + 136 * minute).value == Approx(0.02));

   CHECK(model.sample("cpu", t0).ok);
   facts.step_started("canary/1[pct=1]/2", t0 + 10 * minute);
   const Sample lost = model.sample("cpu", t0 + 12 * minute);
   CHECK_FALSE(lost.ok);
   CHECK(lost.error == "connection refused");
   CHECK(model.sample("cpu", t0 + 15 * minute).ok);
}

TEST_CASE("seeded noise is reproducible, bounded and never negative", "[simulate]")
{
   const Scenario s = scenario_of("metric error_rate = 0.05% noise 0.1% seed 42\nmetric cpu = 50% noise 5% seed 42\n");
   RunFacts facts(s.start_ms);
   MetricModel model(s.metrics, facts);
   bool varied = false;
   double previous = -1;
   for (int i = 0; i < 500; ++i) {
      const double at = s.start_ms + i * 30000.0;
      const double v = model.sample("cpu", at).value;
      CHECK(v >= 45);
      CHECK(v <= 55);
      CHECK(model.sample("cpu", at).value == v);   // The same time, the same value.
      CHECK(model.sample("error_rate", at).value >= 0);
      varied = varied || (previous >= 0 && v != previous);
      previous = v;
   }
   CHECK(varied);
   CHECK(seeded_noise(1, "cpu", 1000, 5) != seeded_noise(2, "cpu", 1000, 5));
   CHECK(seeded_noise(1, "cpu", 1000, 5) == seeded_noise(1, "cpu", 1000, 5));
}

TEST_CASE("glob matching", "[simulate]")
{
   CHECK(glob_match("*", ""));
   CHECK(glob_match("canary/*", "canary/1[pct=25]/2"));
   CHECK(glob_match("*/api/traffic", "https://lb/api/traffic"));
   CHECK_FALSE(glob_match("*/api/traffic", "https://lb/api/traffic?x"));
   CHECK(glob_match("a?c", "abc"));
   CHECK_FALSE(glob_match("a?c", "ac"));
   CHECK(glob_match("*a*b*c*", "xxaxxbxxcxx"));
   CHECK_FALSE(glob_match(std::string(50, '*') + "b", std::string(10000, 'a')));   // Linear, not exponential.
   CHECK(question_matches("Execute load*", "Staging [3/7]: Execute load testing"));
   CHECK(format_offset(5 * 3600 * 1000.0 + 30 * 60 * 1000.0 + 10 * 1000.0) == "T+05:30:10");
}
