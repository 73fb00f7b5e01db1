// The semantic checker: one test per check, asserting the exact message.
#include <catch2/catch.hpp>

#include <fmt/core.h>

#include "check/checker.hpp"
#include "check/params.hpp"
#include "check/signature.hpp"
#include "syntax/suggest.hpp"
#include "syntax/loader.hpp"

using namespace runbook;

namespace {

/// A runbook checked from memory; diagnostics as "LINE:COL: kind: message".
struct Checked {
   Program program;
   Diagnostics diags;
   std::vector<std::string> lines;

   bool has(const std::string& line) const
   {
      return std::find(lines.begin(), lines.end(), line) != lines.end();
   }
   /// The messages only (no position), for checks whose column is the parser's business.
   std::vector<std::string> messages() const
   {
      std::vector<std::string> out;
      for (const auto& d : diags.all()) out.push_back(d.message);
      return out;
   }
   bool has_message(const std::string& message) const
   {
      const auto all = messages();
      return std::find(all.begin(), all.end(), message) != all.end();
   }
   const Diagnostic* find(const std::string& message) const
   {
      for (const auto& d : diags.all())
         if (d.message == message) return &d;
      return nullptr;
   }
};

Checked check_text(const std::string& text, std::map<std::string, std::string> extra_files = {})
{
   InMemorySources sources;
   sources.files["main.rb"] = text;
   for (auto& [path, body] : extra_files) sources.files[path] = body;
   Checked checked;
   checked.program = load_program("main.rb", sources, LoadOptions{}, checked.diags);
   if (!checked.diags.has_errors()) check_program(checked.program, checked.diags);
   for (const auto& d : checked.diags.all()) {
      const char* kind = d.severity == Severity::Error ? "error" : d.severity == Severity::Warning ? "warning" : "note";
      checked.lines.push_back(fmt::format("{}:{}: {}: {}", d.loc.line, d.loc.column, kind, d.message));
   }
   return checked;
}

std::string dump(const Checked& c)
{
   std::string out;
   for (const auto& line : c.lines) out += line + "\n";
   return out;
}

const std::string header = R"(runbook "test"
param api = "http://127.0.0.1:1"
param soak: duration = 30m
secret token = env("TOKEN")
metric error_rate = http get "${api}/err" json ".value" unit %
metric api_p99 = http get "${api}/p99" json ".value" unit ms
trigger high_errors when error_rate > 1% for 5m severity P0 -> rollback emergency
rollback emergency {
  log "rolling back"
}
)";

}  // namespace

TEST_CASE("a correct runbook has no diagnostics", "[check]")
{
   const auto c = check_text(header + R"(
phase "Canary" arms all on fail stop {
  for pct in [1, 5, 10] {
    http post "${api}/traffic" header "Authorization" = "Bearer ${token}" body {"percentage": pct} expect status 200
    watch soak every 30s {
      error_rate < 0.1% for 6m
      api_p99 < 100ms for 2m
    }
  }
}
)");
   INFO(dump(c));
   CHECK(c.lines.empty());
}

TEST_CASE("undefined names get a did-you-mean note", "[check]")
{
   const auto c = check_text(header + R"(
phase "Canary" arms all {
  assert eror_rate < 1%
}
)");
   INFO(dump(c));
   const Diagnostic* d = c.find("undefined name 'eror_rate'");
   REQUIRE(d);
   CHECK(d->loc.line == 13);
   CHECK(d->code == "undefined-name");
   REQUIRE(d->notes.size() == 1);
   CHECK(d->notes[0] == "did you mean 'error_rate'?");
}

TEST_CASE("undefined triggers in arms and undefined rollbacks are errors", "[check]")
{
   const auto c = check_text(header + R"(
trigger slow when api_p99 > 500ms for 5m -> rollback emergncy
phase "Canary" arms high_erors {
  rollback emergenci
}
)");
   INFO(dump(c));
   const Diagnostic* arms = c.find("undefined trigger 'high_erors' in 'arms'");
   REQUIRE(arms);
   CHECK(arms->notes == std::vector<std::string>{"did you mean 'high_errors'?"});
   const Diagnostic* trig = c.find("this trigger leads to rollback 'emergncy', which is not defined");
   REQUIRE(trig);
   CHECK(trig->notes == std::vector<std::string>{"did you mean 'emergency'?"});
   CHECK(c.has_message("this step leads to rollback 'emergenci', which is not defined"));
}

TEST_CASE("on lost rollback must name a rollback block", "[check]")
{
   const auto c = check_text(header + R"(
phase "Canary" arms all {
  watch 5m every 30s {
    error_rate < 1% on lost rollback nowhere
  }
}
)");
   INFO(dump(c));
   CHECK(c.has_message("'on lost' leads to rollback 'nowhere', which is not defined"));
}

TEST_CASE("duplicate names are errors at the second declaration", "[check]")
{
   const auto c = check_text(header + R"(
metric error_rate = http get "${api}/err2" json ".value" unit %
param soak = 5m
rollback emergency {
  log "again"
}
phase "A" {
  log "a"
}
)");
   INFO(dump(c));
   const Diagnostic* metric = c.find("duplicate metric 'error_rate'");
   REQUIRE(metric);
   CHECK(metric->loc.line == 12);
   REQUIRE(metric->notes.size() == 1);
   CHECK(metric->notes[0] == "'error_rate' is already declared as a metric at main.rb:5:1");
   CHECK(c.has_message("duplicate param 'soak'"));
   CHECK(c.has_message("duplicate rollback block 'emergency'"));
}

TEST_CASE("loop variables may not shadow other names", "[check]")
{
   const auto c = check_text(header + R"(
phase "A" arms all {
  for soak in [1, 2] {
    for x in [1] {
      for x in [2] {
        log "${x}"
      }
    }
  }
}
)");
   INFO(dump(c));
   CHECK(c.has_message("loop variable 'soak' has the name of a param"));
   CHECK(c.has_message("loop variable 'x' has the name of a loop variable"));
}

TEST_CASE("a duration metric compared with a percent is a unit mismatch", "[check]")
{
   const auto c = check_text(header + R"(
trigger slow when api_p99 > 0.1% for 5m -> rollback emergency
)");
   INFO(dump(c));
   const Diagnostic* d = c.find("unit mismatch in 'api_p99 > 0.1%': 'api_p99' is a duration but '0.1%' is a percent");
   REQUIRE(d);
   CHECK(d->code == "unit-mismatch");
   CHECK(d->loc.line == 12);
}

TEST_CASE("units flow through params, arithmetic and ternaries", "[check]")
{
   const auto c = check_text(header + R"(
param limit: percent = 1%
phase "A" arms all {
  assert error_rate < limit * 2
  assert api_p99 < soak / 10
  assert api_p99 < limit
  wait soak + 5%
  assert error_rate > 0.5
}
)");
   INFO(dump(c));
   CHECK(c.has_message("unit mismatch in 'api_p99 < limit': 'api_p99' is a duration but 'limit' is a percent"));
   CHECK(c.has_message("unit mismatch in 'soak + 5%': 'soak' is a duration but '5%' is a percent"));
   // A bare number next to a quantity: which unit was meant cannot be told (issue 13).
   CHECK(c.has_message("'error_rate > 0.5' mixes a percent with a bare number '0.5': which unit is meant?"));
   CHECK(c.diags.error_count() == 3);
}

TEST_CASE("rates: a size per time converts between its units, never mixes with a size or a bare number", "[check][rates]")
{
   const auto c = check_text(header + R"(
param max_growth: rate = 10MB/min
metric growth = http get "${api}/growth" json ".value" unit MB/min
phase "A" arms all {
  assert growth < max_growth
  assert growth < 600KB/s
  assert growth * 2 < 1GB/h
  assert growth < 10MB
  assert growth > 10
  assert growth > 0
}
)");
   INFO(dump(c));
   CHECK(c.has_message("unit mismatch in 'growth < 10MB': 'growth' is a size per time but '10MB' is a byte size"));
   CHECK(c.has_message("'growth > 10' mixes a size per time with a bare number '10': which unit is meant?"));
   CHECK(c.diags.error_count() == 2);
}

TEST_CASE("a metric's source is chosen from the params before the run", "[check][metric-choice]")
{
   const std::string text = header + R"(
param prometheus = ""
metric errors unit % {
  prometheus "${prometheus}" query 'sum(rate(errors[5m]))' if prometheus != ""
  http get "${api}/errors" json ".value"
}
)";
   auto c = check_text(text);
   INFO(dump(c));
   CHECK(c.diags.error_count() == 0);
   const ast::Metric& errors = c.program.root->metrics.back();
   CHECK(errors.chosen == 1);
   CHECK(errors.source().kind == ast::MetricSource::Kind::Http);
   CHECK(errors.chosen_by == std::vector<std::string>{"prometheus"});

   auto given = check_text(std::string(text).replace(text.find("param prometheus = \"\""), 21,
                                                     "param prometheus = \"http://prom:9090\""));
   CHECK(given.diags.error_count() == 0);
   const ast::Metric& from_prometheus = given.program.root->metrics.back();
   CHECK(from_prometheus.chosen == 0);
   CHECK(from_prometheus.source().kind == ast::MetricSource::Kind::Prometheus);
}

TEST_CASE("durations must be durations and positive", "[check]")
{
   const auto c = check_text(header + R"(
param zero: duration = 0s
phase "A" arms all {
  wait 5
  wait zero
  sh "true" timeout 0s
}
)");
   INFO(dump(c));
   CHECK(c.has_message("'wait' needs a duration such as 30s or 5m, but '5' is a plain number"));
   CHECK(c.has_message("'wait' needs a positive duration, got 0s"));
   CHECK(c.has_message("'timeout' needs a positive duration, got 0s"));
}

TEST_CASE("every longer than its window is an error", "[check]")
{
   const auto c = check_text(header + R"(
phase "A" arms all {
  watch 1m every 5m {
    error_rate < 1%
  }
  await error_rate < 1% timeout 10s every 1m
}
)");
   INFO(dump(c));
   CHECK(c.has_message("'every 5m' is longer than the watch window 1m: the watch would end before its second sample"));
   CHECK(c.has_message("'every 1m' is longer than the await timeout 10s: it would poll only once"));
}

TEST_CASE("a for window shorter than the sampling interval is an error", "[check]")
{
   const auto c = check_text(header + R"(
trigger flappy when error_rate > 5% for 10s -> rollback emergency
phase "A" arms all {
  watch 10m every 1m {
    error_rate < 1% for 30s
  }
}
)");
   INFO(dump(c));
   CHECK(c.has_message("'for 10s' is shorter than one sample interval (30s): the window can never hold on two samples"));
   CHECK(c.has_message("'for 30s' is shorter than one sample interval (1m): the window can never hold on two samples"));
}

TEST_CASE("secrets must not reach output", "[check]")
{
   const auto c = check_text(header + R"(
phase "A" arms all {
  log "token is ${token}"
  let copy = "Bearer ${token}"
  notify copy
  abort "bad ${token}"
}
phase "B" {
  checklist "Check" {
    - "use ${token}"
  }
  approve "ok ${token}?"
  sh "curl -H 'Authorization: ${token}' ${api}"
}
)");
   INFO(dump(c));
   CHECK(c.has_message("secret 'token' would be written into log text"));
   CHECK(c.has_message("secret 'token' would be written into notify text"));
   CHECK(c.has_message("secret 'token' would be written into the abort reason"));
   CHECK(c.has_message("secret 'token' would be written into a checklist item"));
   CHECK(c.has_message("secret 'token' would be written into the approval prompt"));
   // sh commands may use secrets.
   CHECK(c.diags.error_count() == 5);
}

TEST_CASE("a secret passed to a function that logs it is reported at the call", "[check]")
{
   const auto c = check_text(header + R"(
fn announce(text) {
  log "announcing ${text}"
}
fn call_api(t) {
  http get "${api}/x" header "Authorization" = t
}
phase "A" arms all {
  announce(token)
  call_api(token)
}
)");
   INFO(dump(c));
   const Diagnostic* d = c.find("secret 'token' passed to announce() would be written into output");
   REQUIRE(d);
   CHECK(d->loc.line == 19);
   CHECK(c.diags.error_count() == 1);
}

TEST_CASE("function calls are checked for their arguments", "[check]")
{
   const auto c = check_text(header + R"(
fn route(target, pct) {
  log "route ${target} ${pct}"
}
phase "A" arms all {
  route("green")
  rout("green", 1)
  log "${len(1, 2)}"
}
)");
   INFO(dump(c));
   const Diagnostic* d = c.find("route() takes 2 arguments but 1 was given");
   REQUIRE(d);
   CHECK(d->notes == std::vector<std::string>{"route(target, pct)"});
   const Diagnostic* undefined = c.find("undefined function 'rout'");
   REQUIRE(undefined);
   CHECK(undefined->notes == std::vector<std::string>{"did you mean 'route'?"});
   CHECK(c.has_message("len() takes 1 argument but 2 were given"));
}

TEST_CASE("env() is only allowed as a secret's value", "[check]")
{
   const auto c = check_text(header + R"(
phase "A" arms all {
  log "${env("HOME")}"
}
)");
   INFO(dump(c));
   CHECK(c.has_message("env() is only allowed as the value of a secret"));
}

TEST_CASE("steps after an unconditional rollback or abort are unreachable", "[check]")
{
   const auto c = check_text(header + R"(
phase "A" arms all {
  rollback emergency
  log "never"
  log "never either"
}
)");
   INFO(dump(c));
   const Diagnostic* d = c.find("this step never runs: the 'rollback' on line 13 always leaves the block");
   REQUIRE(d);
   CHECK(d->severity == Severity::Warning);
   CHECK(d->loc.line == 14);
   CHECK(c.diags.warning_count() == 1);
   CHECK_FALSE(c.diags.has_errors());
}

TEST_CASE("a rollback block nothing leads to is a warning", "[check]")
{
   const auto c = check_text(header + R"(
rollback orphan {
  log "nobody calls me"
}
)");
   INFO(dump(c));
   const Diagnostic* d = c.find("rollback block 'orphan' is never used: no armed trigger, step or 'on lost' leads to it");
   REQUIRE(d);
   CHECK(d->severity == Severity::Warning);
   CHECK_FALSE(c.diags.has_errors());
}

TEST_CASE("a phase that watches but arms no trigger is a warning", "[check]")
{
   const auto c = check_text(header + R"(
phase "Canary" {
  watch 5m every 30s {
    error_rate < 1%
  }
}
)");
   INFO(dump(c));
   const Diagnostic* d = c.find("phase \"Canary\" has watch steps but arms no triggers");
   REQUIRE(d);
   CHECK(d->severity == Severity::Warning);
}

TEST_CASE("every step gets a stable id", "[check][ids]")
{
   auto c = check_text(header + R"(
fn helper() {
  log "in helper"
}
phase "Canary deployment" arms all {
  log "first"
  for pct in [1, 2] {
    log "a"
    if pct > 1 {
      log "b"
    } else {
      log "c"
    }
  }
  sh "true" id "smoke-test" undo {
    log "undo"
  }
}
)");
   INFO(dump(c));
   REQUIRE_FALSE(c.diags.has_errors());
   const auto& phase = c.program.root->phases.at(0);
   CHECK(phase.slug == "canary-deployment");
   CHECK(phase.body[0]->id == "canary-deployment/1");
   CHECK(phase.body[1]->id == "canary-deployment/2");
   const auto& loop = std::get<ast::ForStep>(phase.body[1]->node);
   CHECK(loop.body[0]->id == "canary-deployment/2/1");
   const auto& branch = std::get<ast::IfStep>(loop.body[1]->node);
   CHECK(branch.then_block[0]->id == "canary-deployment/2/2/1");
   CHECK(branch.else_block[0]->id == "canary-deployment/2/2/else/1");
   CHECK(phase.body[2]->id == "canary-deployment/smoke-test");
   CHECK(phase.body[2]->options.undo[0]->id == "canary-deployment/smoke-test/undo/1");
   CHECK(c.program.root->rollbacks[0].body[0]->id == "rollback:emergency/1");
   CHECK(c.program.root->functions[0].body[0]->id == "fn:helper/1");
}

TEST_CASE("duplicate explicit step ids are errors", "[check][ids]")
{
   const auto c = check_text(header + R"(
phase "A" arms all {
  log "one" id "same"
  log "two" id "same"
}
)");
   INFO(dump(c));
   CHECK(c.has_message("duplicate step id 'same' in this block"));
}

TEST_CASE("diagnostics come sorted by position", "[check]")
{
   const auto c = check_text(header + R"(
phase "A" arms all {
  log "${zzz}"
  wait 0s
  assert aaa
}
)");
   INFO(dump(c));
   REQUIRE(c.diags.all().size() == 3);
   CHECK(c.diags.all()[0].loc.line == 13);
   CHECK(c.diags.all()[1].loc.line == 14);
   CHECK(c.diags.all()[2].loc.line == 15);
}

TEST_CASE("did-you-mean notes", "[check]")
{
   CHECK(did_you_mean("eror_rate", {"api_p99", "error_rate"}) == std::vector<std::string>{"did you mean 'error_rate'?"});
   CHECK(did_you_mean("x", {"completely_different"}).empty());
}

TEST_CASE("step signatures are canonical", "[check][signature]")
{
   const auto a = check_text(header + "phase \"A\" arms all {\n  http post  \"${api}/x\"   body {\"a\": 1+2*3}  expect status 200\n}\n");
   const auto b = check_text(header + "phase \"A\" arms all {\n  # a comment\n  http post \"${api}/x\" body {\"a\": (1 + (2 * 3))} expect status 200\n}\n");
   REQUIRE_FALSE(a.diags.has_errors());
   REQUIRE_FALSE(b.diags.has_errors());
   const auto& sa = *a.program.root->phases[0].body[0];
   const auto& sb = *b.program.root->phases[0].body[0];
   CHECK(step_signature(sa) == "http post \"${api}/x\" body {\"a\": 1 + 2 * 3} expect status 200");
   CHECK(step_signature(sa) == step_signature(sb));
   CHECK(step_def_hash(sa) == step_def_hash(sb));
   CHECK(step_def_hash(sa).size() == 16);
}

TEST_CASE("function parameters and their lets may shadow the runbook's names", "[check]")
{
   const auto c = check_text(header + R"(
fn route(api, soak) {
  let error_rate = 5
  log "${api} ${soak} ${error_rate}"
}
phase "A" arms all on fail stop {
  route("x", 1m)
}
)");
   INFO(dump(c));
   CHECK(c.lines.empty());
}

TEST_CASE("durations known before the run may be params: resolved, unit-checked, -p wins", "[check][durations]")
{
   const std::string head = R"(runbook "t"
param p0_window: duration = 5m
param grace_period: duration = 15m
param trigger_every: duration = 30s
param step_timeout: duration = 2m
param backoff: duration = 10s
param threshold: percent = 1%
metric error_rate = http get "http://m" json ".v" unit % timeout step_timeout
)";
   SECTION("every clause that takes a duration literal takes a duration param, resolved into its value")
   {
      const auto c = check_text(head + R"(trigger high when error_rate > threshold for p0_window severity P1 grace grace_period every trigger_every -> record
phase "A" arms high {
  sh "x" timeout step_timeout retry 2 every backoff
  watch 30m every 1m {
    error_rate < threshold for p0_window
  }
}
)");
      INFO(dump(c));
      REQUIRE_FALSE(c.diags.has_errors());
      const auto& root = *c.program.root;
      const auto& trigger = root.triggers.at(0);
      CHECK(trigger.condition.for_ms == 5 * 60'000.0);
      CHECK(trigger.grace_ms == 15 * 60'000.0);
      CHECK(trigger.every_ms == 30'000.0);
      CHECK(trigger.condition.for_param.name == "p0_window");
      CHECK(root.metrics.at(0).timeout_ms == 2 * 60'000.0);
      const auto& phase = root.phases.at(0);
      CHECK(phase.body.at(0)->options.timeout_ms == 2 * 60'000.0);
      CHECK(phase.body.at(0)->options.retry_every_ms == 10'000.0);
      const auto& watch = std::get<ast::WatchStep>(phase.body.at(1)->node);
      CHECK(watch.conditions.at(0).for_ms == 5 * 60'000.0);
   }
   SECTION("a name that is not a param, and a param that is not a duration, are errors")
   {
      const auto c = check_text(head + R"(trigger high when error_rate > threshold for p0_windw every threshold -> record
phase "A" arms high {
  sh "x" timeout error_rate
}
)");
      INFO(dump(c));
      CHECK(c.has_message("'for' takes a duration such as 5m or the name of a duration param, but 'p0_windw' is not a param"));
      CHECK(c.has_message("'every' needs a duration such as 30s or 5m, but param 'threshold' is a percent (1%)"));
      CHECK(c.has_message("'timeout' takes a duration such as 5m or the name of a duration param, but 'error_rate' is not a param"));
   }
   SECTION("the resolved value is checked like a literal: a window shorter than its sampling interval")
   {
      const auto c = check_text(R"(runbook "t"
param short: duration = 10s
metric error_rate = http get "http://m" json ".v" unit %
trigger high when error_rate > 1% for short -> record
phase "A" arms high {
  sh "x"
}
)");
      CHECK(c.has_message("'for 10s' is shorter than one sample interval (30s): the window can never hold on two samples"));
   }
   SECTION("a -p value is what the checker resolves")
   {
      InMemorySources sources;
      sources.files["main.rb"] = head + R"(trigger high when error_rate > threshold for p0_window every trigger_every -> record
phase "A" arms high {
  sh "x"
}
)";
      Diagnostics diags;
      Program program = load_program("main.rb", sources, LoadOptions{}, diags);
      std::string error;
      REQUIRE(apply_param_flags(program, {"p0_window=30s", "trigger_every=10s"}, error));
      check_program(program, diags);
      REQUIRE_FALSE(diags.has_errors());
      CHECK(program.root->triggers.at(0).condition.for_ms == 30'000.0);
      CHECK(program.root->triggers.at(0).every_ms == 10'000.0);
   }
}
