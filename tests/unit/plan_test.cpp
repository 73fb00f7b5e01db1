// The static plan: loops expanded, interpolation done, secrets hidden,
// durations summed, nothing executed.
#include <catch2/catch.hpp>

#include "check/checker.hpp"
#include "check/params.hpp"
#include "plan/graph.hpp"
#include "plan/plan.hpp"
#include "plan/render.hpp"
#include "syntax/loader.hpp"

using namespace runbook;

namespace {

struct Planned {
   Program program;
   Diagnostics diags;
   plan::Plan plan;
};

std::unique_ptr<Planned> plan_of(const std::string& text, const std::vector<std::string>& flags = {})
{
   auto p = std::make_unique<Planned>();
   InMemorySources sources;
   sources.files["main.rb"] = text;
   p->program = load_program("main.rb", sources, LoadOptions{}, p->diags);
   std::string error;
   std::set<std::string> given;
   REQUIRE(apply_param_flags(p->program, flags, error, &given));
   check_program(p->program, p->diags);
   INFO(render_text(p->diags));
   REQUIRE_FALSE(p->diags.has_errors());
   p->plan = plan::build_plan(p->program, given);
   return p;
}

const std::string rollout = R"(runbook "Rollout"
param lb = "http://lb"
param soak: duration = 10m
param steps: list = [1, 50]
secret token = env("TOKEN")
metric error_rate = http get "${lb}/err" json ".value" unit %
trigger high_errors "High errors" when error_rate > 1% for 5m severity P0 -> rollback emergency
fn route(target, pct) {
  http post "${lb}/traffic" header "Authorization" = "Bearer ${token}" body {"environment": target, "percentage": pct} expect status 200 timeout 10s
}
phase "Canary" arms all {
  for pct in steps {
    route("green", pct)
    if pct >= 25 {
      approve "Hold ${pct}%?"
    }
    watch (pct >= 25 ? 1h : soak) every 30s {
      error_rate < 0.1%
    }
  }
}
rollback emergency {
  route("blue", 100)
}
)";

}  // namespace

TEST_CASE("loops over params are expanded with the iteration in the step id", "[plan]")
{
   const auto p = plan_of(rollout);
   REQUIRE(p->plan.phases.size() == 1);
   const auto& loop = p->plan.phases[0].steps.at(0);
   CHECK(loop.text == "for pct in [1, 50]");
   REQUIRE(loop.children.size() == 2);
   CHECK(loop.children[0].id == "canary/1[pct=1]");
   const auto& call = loop.children[0].children.at(0);
   CHECK(call.id == "canary/1[pct=1]/1");
   CHECK(call.text == "route(\"green\", 1)");
   REQUIRE(call.children.size() == 1);
   const auto& http = call.children[0];
   CHECK(http.id == "canary/1[pct=1]/1/fn:route/1");
   CHECK(http.text == "http POST http://lb/traffic");
   CHECK(http.side_effect);
   CHECK(http.details.at(0) == "header Authorization: Bearer ${token}");
   CHECK(http.details.at(1) == "body {\"environment\": \"green\", \"percentage\": 1}");
}

TEST_CASE("conditions known at plan time pick their branch", "[plan]")
{
   const auto p = plan_of(rollout);
   const auto& loop = p->plan.phases[0].steps.at(0);
   const auto& small = loop.children[0].children.at(1);
   CHECK(small.text == "if pct >= 25  (false here)");
   CHECK(small.children.empty());
   const auto& large = loop.children[1].children.at(1);
   CHECK(large.text == "if pct >= 25  (true here)");
   REQUIRE(large.children.size() == 1);
   CHECK(large.children[0].text == "approve \"Hold 50%?\"");
   CHECK(loop.children[0].children.at(2).text == "watch 10m every 30s");
   CHECK(loop.children[1].children.at(2).text == "watch 1h every 30s");
}

TEST_CASE("the plan sums the happy path and the worst case", "[plan]")
{
   const auto p = plan_of(rollout);
   const auto& timing = p->plan.timing;
   // 10m + 1h of watching; two route calls of at most 10s each.
   CHECK(timing.happy_ms == 70 * 60'000);
   CHECK(timing.worst_ms == 70 * 60'000 + 2 * 10'000);
   CHECK(timing.operator_steps == 1);
   CHECK(timing.unbounded == 0);
   CHECK(plan::human_duration(timing.worst_ms) == "1h 10m 20s");
}

TEST_CASE("triggers show what arms them and where they lead", "[plan]")
{
   const auto p = plan_of(rollout);
   REQUIRE(p->plan.triggers.size() == 1);
   const auto& t = p->plan.triggers[0];
   CHECK(t.severity == "P0");
   CHECK(t.condition == "error_rate > 1%");
   CHECK(t.window == "5m");
   CHECK(t.rollback == "emergency");
   CHECK(t.armed_in == std::vector<std::string>{"canary"});
   REQUIRE(p->plan.rollbacks.size() == 1);
   CHECK(p->plan.rollbacks[0].reached_by == std::vector<std::string>{"trigger high_errors"});
}

TEST_CASE("param flags (-p) replace defaults in the plan", "[plan]")
{
   const auto p = plan_of(rollout, {"soak=1m", "steps=[5]"});
   const auto& loop = p->plan.phases[0].steps.at(0);
   REQUIRE(loop.children.size() == 1);
   CHECK(loop.children[0].children.at(2).text == "watch 1m every 30s");
   CHECK(p->plan.params[1].source == "-p");
   CHECK(p->plan.params[1].value == "1m");
}

TEST_CASE("secrets never appear in any rendering", "[plan]")
{
   const auto p = plan_of(rollout);
   for (const auto& text : {plan::render_text(p->plan), plan::render_markdown(p->plan), plan::render_json(p->plan),
                            plan::render_mermaid(p->plan), plan::render_dot(p->plan)}) {
      CHECK(text.find("env(") == std::string::npos);
   }
   // A secret is shown by name where it is used: the reviewer sees which one.
   CHECK(plan::render_text(p->plan).find("Bearer ${token}") != std::string::npos);
}

TEST_CASE("a sh command is shown as it will run: values quoted for their context, secrets by name", "[plan]")
{
   const auto p = plan_of(R"(runbook "Upgrade"
param pub = "upgrade_pub"
param odd = "it's \"odd\""
secret db_password = env("DB_PASSWORD")
phase "Db" {
  sh "psql -c \"create publication ${pub} for all tables\""
  sh "echo ${odd} \"${odd}\" '${odd}'"
  let sql = "alter role app password '${db_password}'"
  sh "psql -c \"${sql}\" --set pw=${db_password}"
}
)");
   const auto& steps = p->plan.phases.at(0).steps;
   CHECK(steps.at(0).text == R"(sh "psql -c \"create publication upgrade_pub for all tables\"")");
   CHECK(steps.at(1).text == R"(sh "echo 'it'\\''s \"odd\"' \"it's \\\"odd\\\"\" 'it'\\''s \"odd\"'")");
   // The whole statement stays visible; only the secret is a placeholder.
   const std::string shown = steps.back().text;
   CHECK(shown.find("alter role app password") != std::string::npos);
   CHECK(shown.find("${db_password}") != std::string::npos);
   CHECK(shown.find("***") == std::string::npos);
}

TEST_CASE("markdown has headings, tables and checkboxes", "[plan]")
{
   const auto p = plan_of(R"(runbook "Review me"
phase "Prepare" {
  checklist "Before" {
    - "Dashboards open"
  }
}
)");
   const std::string md = plan::render_markdown(p->plan);
   CHECK(md.find("## Plan: Review me") != std::string::npos);
   CHECK(md.find("### Phase 1: Prepare") != std::string::npos);
   CHECK(md.find("  - [ ] Dashboards open\n") != std::string::npos);
}

TEST_CASE("the graph has clusters and dashed rollback edges", "[plan][graph]")
{
   const auto p = plan_of(rollout);
   const std::string mermaid = plan::render_mermaid(p->plan);
   CHECK(mermaid.rfind("flowchart TD\n", 0) == 0);
   CHECK(mermaid.find("subgraph phase_1[\"Phase 1: Canary\"]") != std::string::npos);
   CHECK(mermaid.find("trigger_high_errors -.->|P0| rollback_emergency") != std::string::npos);
   const std::string dot = plan::render_dot(p->plan);
   CHECK(dot.find("subgraph cluster_rollback_emergency") != std::string::npos);
   CHECK(dot.find("lhead=cluster_rollback_emergency, style=dashed") != std::string::npos);
}

TEST_CASE("the graph shows gates inside loops, undo edges and armed triggers, and leaves let out (issue 13)",
          "[plan][graph]")
{
   const auto p = plan_of(R"(runbook "Gates"
metric error_rate = http get "http://lb/err" json ".value" unit %
trigger high_errors "High errors" when error_rate > 1% for 5m severity P0 -> rollback emergency
phase "Canary" arms all {
  let note = "canary"
  sh "deploy green" undo { sh "deploy blue" }
  for pct in [5, 50] {
    approve "Hold at ${pct}%?"
  }
}
rollback emergency {
  undo all
}
)");
   const std::string mermaid = plan::render_mermaid(p->plan);
   INFO(mermaid);
   CHECK(mermaid.find("let note") == std::string::npos);
   CHECK(mermaid.find("-.->|arms| trigger_high_errors") != std::string::npos);
   CHECK(mermaid.find("-.->|undo|") != std::string::npos);
   CHECK(mermaid.find("sh #quot;deploy blue#quot;") != std::string::npos);
   CHECK(mermaid.find("gate canary/3[pct=50]/1") != std::string::npos);
   CHECK(mermaid.find("-.->|waits for|") != std::string::npos);
}

TEST_CASE("a loop over range() known before the run is expanded like a loop over a list", "[plan][range]")
{
   const std::string source = R"(runbook "Probe"
param requests = 3
phase "Probe" {
  for i in range(1, requests) {
    log "probe ${i}"
  }
  http get "http://svc/count" as r
  for j in range(1, r.json.count) {
    log "probe ${j}"
  }
}
)";
   const auto p = plan_of(source);
   const auto& known = p->plan.phases.at(0).steps.at(0);
   CHECK(known.text == "for i in [1, 2, 3]");
   REQUIRE(known.children.size() == 3);
   CHECK(known.children[2].id == "probe/1[i=3]");
   CHECK(known.children[2].children.at(0).text == "log \"probe 3\"");
   const auto& later = p->plan.phases.at(0).steps.at(2);
   CHECK(later.text == "for j in range(1, r.json.count)  (expanded at run time)");

   const auto two = plan_of(source, {"requests=2"});
   CHECK(two->plan.phases.at(0).steps.at(0).children.size() == 2);
}
