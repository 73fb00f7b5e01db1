// The watch coverage warnings (check/watch_coverage.hpp): `short-soak` and
// `watch-preempts-trigger`, where they must fire and where they must not.
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include "check/checker.hpp"
#include "syntax/loader.hpp"

using namespace runbook;

namespace {

/// The runbook around `triggers` and `phase` (a phase body), checked;
/// its watch coverage warnings as "LINE: code: message" (other warnings, such
/// as a rollback no trigger leads to, are not this file's business).
std::vector<std::string> coverage_warnings(const std::string& triggers, const std::string& phase)
{
   InMemorySources sources;
   sources.files["main.rb"] = "runbook \"Coverage\"\n"
                              "param api = \"http://127.0.0.1:1\"\n"
                              "param soak: duration = 10m\n"
                              "param open: duration\n"
                              "param limit: percent\n"
                              "metric error_rate = http get \"${api}/err\" json \".value\" unit %\n"
                              "metric api_p99 = http get \"${api}/p99\" json \".value\" unit ms\n" +
                              triggers + "\nphase \"Canary\" arms all {\n" + phase +
                              "\n}\nrollback emergency {\n  log \"back\"\n}\non fail stop\n";
   Diagnostics diags;
   Program program = load_program("main.rb", sources, LoadOptions{}, diags);
   REQUIRE_FALSE(diags.has_errors());   // a runbook that does not parse proves nothing
   check_program(program, diags);
   REQUIRE_FALSE(diags.has_errors());
   std::vector<std::string> out;
   for (const auto& d : diags.all())
      if (d.code == "short-soak" || d.code == "watch-preempts-trigger")
         out.push_back(fmt::format("{}: {}: {}", d.loc.line, d.code, d.message));
   return out;
}

const std::string p0_for_5m = "trigger high_errors when error_rate > 1% for 5m -> rollback emergency";

}  // namespace

TEST_CASE("watch coverage: a soak at least as long as every armed window does not warn")
{
   CHECK(coverage_warnings(p0_for_5m, "  wait 5m\n  wait soak\n  watch 10m every 30s { api_p99 < 300ms }").empty());
}

TEST_CASE("watch coverage: a watch looser than the rollback trigger does not warn")
{
   // Fails only above 2%, where the trigger (above 1%) has fired long before.
   CHECK(coverage_warnings(p0_for_5m, "  watch 10m every 30s { error_rate < 2% }").empty());
   // Same threshold, but the watch allows it and the trigger fires at it: the trigger's window decides.
   CHECK(coverage_warnings("trigger high_errors when error_rate >= 1% -> rollback emergency",
                           "  watch 10m every 30s { error_rate <= 1% }")
             .empty());
}

TEST_CASE("watch coverage: a soak shorter than an armed trigger's window warns")
{
   CHECK(coverage_warnings(p0_for_5m, "  wait 1m") ==
         std::vector<std::string>{"10: short-soak: this wait of 1m is shorter than the window of the trigger armed "
                                  "during it: 'high_errors' (for 5m)"});
   CHECK(coverage_warnings(p0_for_5m, "  watch soak / 5 every 30s { api_p99 < 300ms }") ==
         std::vector<std::string>{"10: short-soak: this watch of 2m is shorter than the window of the trigger armed "
                                  "during it: 'high_errors' (for 5m)"});
}

TEST_CASE("watch coverage: a soak not known before the run is not judged")
{
   CHECK(coverage_warnings(p0_for_5m, "  wait open").empty());
   CHECK(coverage_warnings(p0_for_5m, "  for d in [1m, 2m] {\n    wait d\n  }").empty());
}

TEST_CASE("watch coverage: a watch stricter than a rollback trigger warns, naming both")
{
   const auto warnings = coverage_warnings("trigger high_errors when error_rate > 1% severity P0 -> rollback emergency",
                                           "  watch 10m every 30s {\n    error_rate < 0.5%\n  }");
   CHECK(warnings == std::vector<std::string>{"11: watch-preempts-trigger: watch condition `error_rate < 0.5%` fails "
                                              "the step before trigger 'high_errors' (`error_rate > 1%`) can roll back"});
}

TEST_CASE("watch coverage: a stricter watch is not reported when the trigger cannot be preempted")
{
   // Its failure goes to the trigger's own rollback: the same outcome.
   CHECK(coverage_warnings("trigger high_errors when error_rate > 1% -> rollback emergency",
                           "  watch 10m every 30s { error_rate < 0.5% on fail rollback emergency }")
             .empty());
   // The watch tolerates 10m of failure; the trigger's 5m window ends first.
   CHECK(coverage_warnings(p0_for_5m, "  watch 20m every 30s { error_rate < 0.5% for 10m }").empty());
   // A trigger that only records does not roll back.
   CHECK(coverage_warnings("trigger high_errors when error_rate > 1% severity P3 -> record",
                           "  watch 10m every 30s { error_rate < 0.5% }")
             .empty());
   // Another metric.
   CHECK(coverage_warnings("trigger slow when api_p99 > 500ms -> rollback emergency",
                           "  watch 10m every 30s { error_rate < 0.5% }")
             .empty());
   // A threshold only known at run time.
   CHECK(coverage_warnings("trigger high_errors when error_rate > 1% -> rollback emergency",
                           "  watch 10m every 30s { error_rate < limit }")
             .empty());
}

TEST_CASE("watch coverage: a P1 trigger rolls back only after its grace")
{
   // The watch fails after 10m; the P1 rolls back after 5m + 15m of grace.
   CHECK(coverage_warnings("trigger sla when error_rate > 1% for 5m severity P1 -> rollback emergency",
                           "  watch 30m every 30s { error_rate < 0.5% for 10m }") ==
         std::vector<std::string>{"10: watch-preempts-trigger: watch condition `error_rate < 0.5%` fails the step "
                                  "before trigger 'sla' (`error_rate > 1%`) can roll back"});
   // With a grace of 1m the P1's rollback (after 6m) comes first.
   CHECK(coverage_warnings("trigger sla when error_rate > 1% for 5m severity P1 grace 1m -> rollback emergency",
                           "  watch 30m every 30s { error_rate < 0.5% for 10m }")
             .empty());
}
