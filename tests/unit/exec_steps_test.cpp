// The interpreter's steps against a fake world on a virtual clock.
#include "exec_test_support.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "exec/exit_codes.hpp"
#include "io/shell.hpp"

using namespace runbook;
using namespace runbook::testing;

TEST_CASE("sh splices values shell-quoted so they cannot add shell syntax", "[exec]")
{
   Harness h(R"(runbook "t"
param name: string = "x; rm -rf / #"
phase "One" {
  sh "echo ${name} and $HOME"
}
)");
   REQUIRE(h.run().exit_code == exit_code::Completed);
   REQUIRE(h.world.commands() == std::vector<std::string>{"echo 'x; rm -rf / #' and $HOME"});
}

TEST_CASE("sh: a value in \"...\" or '...' of the command cannot close the quotes and arrives exactly (issue 13)",
          "[exec][hostile]")
{
   Harness h(R"(runbook "t"
param evil = "x\"; touch INJECTED; echo \" $(touch INJECTED) `touch INJECTED` it's"
param pub = "upgrade_pub"
phase "One" {
  sh "printf '%s|' \"v=${evil}\" 'w=${evil}' ${evil} > out.txt"
  sh "psql -c \"create publication ${pub} for all tables\""
}
)");
   char pattern[] = "/tmp/runbook-inject-XXXXXX";
   const std::filesystem::path dir = ::mkdtemp(pattern);
   h.world.on_shell = [&](const std::string& command) {
      if (command.rfind("psql", 0) == 0) {
         ShellResult fake;
         fake.started = true;
         fake.exit_code = 0;
         return fake;
      }
      ShellOptions options;
      options.timeout_ms = 10000;
      return run_shell("cd '" + dir.string() + "' && " + command, options);
   };
   REQUIRE(h.run().exit_code == exit_code::Completed);
   const std::string evil = "x\"; touch INJECTED; echo \" $(touch INJECTED) `touch INJECTED` it's";
   std::ifstream in(dir / "out.txt");
   std::stringstream text;
   text << in.rdbuf();
   CHECK(text.str() == "v=" + evil + "|w=" + evil + "|" + evil + "|");
   CHECK_FALSE(std::filesystem::exists(dir / "INJECTED"));
   // The SQL arrives as written: no quotes around the spliced name.
   CHECK(h.world.commands().back() == "psql -c \"create publication upgrade_pub for all tables\"");
   std::filesystem::remove_all(dir);
}

TEST_CASE("a failing sh fails the run with exit 1 and says why", "[exec]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "false"
  sh "never"
}
)");
   h.world.on_shell = [](const std::string&) {
      ShellResult r = exited(3);
      r.output_tail = "boom\n";
      return r;
   };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Failed);
   CHECK(out.status == run_status::Failed);
   CHECK(out.summary.find("exit code 3") != std::string::npos);
   CHECK(out.summary.find("boom") != std::string::npos);
   CHECK(h.world.commands().size() == 1);
   CHECK(h.steps(out.run_id).at("one/1").outcome == step_outcome::Failed);
}

TEST_CASE("sh expect exit accepts the expected code and as captures the output", "[exec]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "grep -q x file" expect exit 1 as found
  log "exit was ${found.exit_code}, said ${found.stdout}"
}
)");
   h.world.on_shell = [](const std::string&) {
      ShellResult r = exited(1);
      r.stdout_tail = "nothing";
      return r;
   };
   REQUIRE(h.run().exit_code == exit_code::Completed);
   CHECK(h.observer.has(RunEvent::Kind::Log, "exit was 1, said nothing"));
}

TEST_CASE("http: JSON body, Idempotency-Key on non-GET only, expectations, capture", "[exec]")
{
   Harness h(R"(runbook "t"
param api: string = "http://127.0.0.1:1"
phase "One" {
  http post "${api}/api/traffic" header "X-Team" = "blue" body {"environment": "green", "percentage": 25} expect status 200 as set
  http get "${api}/health" expect status 200, json ".status" == "healthy" as health
  log "set ${set.status} ${health.json.status}"
}
)");
   h.world.on_http = [](const HttpRequest& req) {
      HttpResponse r;
      r.ok = true;
      r.status = 200;
      r.body = req.method == "GET" ? R"({"status": "healthy"})" : R"({"ok": true})";
      return r;
   };
   const RunOutcome out = h.run();
   REQUIRE(out.exit_code == exit_code::Completed);
   REQUIRE(h.world.http_calls.size() == 2);
   const HttpRequest& post = h.world.http_calls[0].request;
   CHECK(post.method == "POST");
   CHECK(nlohmann::json::parse(post.body) == nlohmann::json{{"environment", "green"}, {"percentage", 25}});
   auto header = [](const HttpRequest& r, const std::string& name) {
      for (const auto& [n, v] : r.headers)
         if (n == name) return v;
      return std::string();
   };
   CHECK(header(post, "Idempotency-Key") == out.run_id + "/one/1");
   CHECK(header(post, "Content-Type") == "application/json");
   CHECK(header(post, "X-Team") == "blue");
   CHECK(header(h.world.http_calls[1].request, "Idempotency-Key").empty());
   CHECK(h.observer.has(RunEvent::Kind::Log, "set 200 healthy"));
}

TEST_CASE("http: an unexpected status or JSON value fails the step", "[exec]")
{
   Harness h(R"(runbook "t"
phase "One" {
  http get "http://127.0.0.1:1/health" expect json ".status" == "healthy"
}
)");
   h.world.on_http = [](const HttpRequest&) {
      HttpResponse r;
      r.ok = true;
      r.status = 200;
      r.body = R"({"status": "degraded"})";
      return r;
   };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Failed);
   CHECK(out.summary.find("\"degraded\"") != std::string::npos);
}

TEST_CASE("retry N every D repeats a failed step with exponential backoff, each attempt journaled", "[exec]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "flaky" retry 3 every 10s
}
)");
   int calls = 0;
   h.world.on_shell = [&](const std::string&) {
      ShellResult r;
      r.started = true;
      r.exit_code = ++calls < 3 ? 1 : 0;
      return r;
   };
   const RunOutcome out = h.run();
   REQUIRE(out.exit_code == exit_code::Completed);
   REQUIRE(h.world.shell_calls.size() == 3);
   CHECK(h.world.shell_calls[1].at - h.world.shell_calls[0].at == 10000);
   CHECK(h.world.shell_calls[2].at - h.world.shell_calls[1].at == 20000);
   CHECK(h.steps(out.run_id).at("one/1").attempt == 3);
}

TEST_CASE("loop iterations and function frames make stable runtime ids", "[exec]")
{
   Harness h(R"(runbook "t"
fn route(env, pct) {
  sh "route ${env} ${pct}"
  return pct * 2
}
phase "Canary" {
  for pct in [1, 5] {
    let doubled = route("green", pct)
    log "doubled ${doubled}"
  }
}
)");
   const RunOutcome out = h.run();
   REQUIRE(out.exit_code == exit_code::Completed);
   CHECK(h.world.commands() == std::vector<std::string>{"route green 1", "route green 5"});
   const auto steps = h.steps(out.run_id);
   CHECK(steps.count("canary/1[pct=1]/1"));
   CHECK(steps.count("canary/1[pct=5]/2"));
   bool function_step_under_caller = false;
   for (const auto& [id, s] : steps)
      function_step_under_caller = function_step_under_caller || (id.rfind("canary/1[pct=5]/1/", 0) == 0 && s.kind == "sh");
   CHECK(function_step_under_caller);
   CHECK(h.observer.has(RunEvent::Kind::Log, "doubled 10"));
}

TEST_CASE("if takes one branch, units compare and display", "[exec]")
{
   Harness h(R"(runbook "t"
param soak: duration = 90s
phase "One" {
  if soak * 2 > 2m {
    log "long: ${soak * 2}"
  } else {
    log "short"
  }
}
)");
   REQUIRE(h.run().exit_code == exit_code::Completed);
   CHECK(h.observer.has(RunEvent::Kind::Log, "long: 3m"));
   CHECK_FALSE(h.observer.has(RunEvent::Kind::Log, "short"));
}

TEST_CASE("checklist: each answer journaled with who and when, a declined item fails", "[exec]")
{
   Harness h(R"(runbook "t"
phase "One" {
  checklist "Staging" {
    - "deployed"
    - "tests green"
  }
  sh "after"
}
)");
   h.world.on_ask = [](const Question& q) {
      return Answer{q.text.find("tests green") != std::string::npos ? "no" : "yes", "alice@host (terminal)", false};
   };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Failed);
   CHECK(out.summary.find("tests green") != std::string::npos);
   CHECK(h.world.commands().empty());
   int answers = 0;
   for (const auto& e : h.journal->events(out.run_id)) {
      if (e.kind != "answer") continue;
      ++answers;
      const auto data = nlohmann::json::parse(e.data_json);
      CHECK(data.value("who", "") == "alice@host (terminal)");
      CHECK(data.contains("at"));
   }
   CHECK(answers == 2);
}

TEST_CASE("approve: nobody to ask fails closed", "[exec]")
{
   Harness h(R"(runbook "t"
phase "One" {
  approve "Proceed to 100%?"
  sh "go"
}
)");
   h.world.on_ask = [](const Question&) { return Answer{"", "nobody to ask", false}; };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Failed);
   CHECK(h.world.commands().empty());
   REQUIRE(h.world.questions.size() == 1);
   CHECK(h.world.questions[0].fail_closed_choice == "no");
}

TEST_CASE("rollback NAME: exit 3 when the rollback completes, 4 when it fails, abort exits 1", "[exec]")
{
   const std::string source = R"(runbook "t"
phase "One" {
  sh "step one"
  rollback emergency
  sh "never"
}
rollback emergency {
  sh "undo things"
}
)";
   SECTION("completes")
   {
      Harness h(source);
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::RolledBack);
      CHECK(out.status == run_status::RolledBack);
      CHECK(h.world.commands() == std::vector<std::string>{"step one", "undo things"});
      CHECK(h.journal->run(out.run_id)->mode == "rollback");
   }
   SECTION("fails")
   {
      Harness h(source);
      h.world.on_shell = [](const std::string& c) {
         ShellResult r;
         r.started = true;
         r.exit_code = c == "undo things" ? 1 : 0;
         return r;
      };
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::RollbackFailed);
      CHECK(out.status == run_status::RollbackFailed);
   }
   SECTION("abort")
   {
      Harness h(R"(runbook "t"
phase "One" {
  abort "green failed its health checks"
  sh "never"
}
)");
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(out.status == run_status::Aborted);
      CHECK(out.summary.find("green failed its health checks") != std::string::npos);
      CHECK(h.world.commands().empty());
   }
}

TEST_CASE("undo all runs the compensations of completed steps, newest first", "[exec]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "create a" undo { sh "delete a" }
  sh "create b" undo { sh "delete b" }
  rollback back
}
rollback back {
  undo all
}
)");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() == std::vector<std::string>{"create a", "create b", "delete b", "delete a"});
}

TEST_CASE("assert, await and watch look at metrics, an error never passes", "[exec]")
{
   const std::string head = R"(runbook "t"
metric error_rate = http get "http://127.0.0.1:1/m" json ".value" unit %
)";
   SECTION("assert passes and fails with the value")
   {
      Harness h(head + R"(phase "One" {
  assert error_rate < 1%
  assert error_rate < 0.1% "must be low"
}
)");
      h.world.metrics["error_rate"] = [](double) { return value(0.5); };
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(out.summary.find("error_rate = 0.5%") != std::string::npos);
   }
   SECTION("a failed assert rounds the value for people; the journal keeps it whole (issue 13)")
   {
      Harness h(head + R"(phase "One" {
  assert error_rate < 1%
}
)");
      h.world.metrics["error_rate"] = [](double) { return value(3.237184907301121); };
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Failed);
      INFO(out.summary);
      CHECK(out.summary.find("error_rate = 3.24%") != std::string::npos);
      CHECK(out.summary.find("3.2371") == std::string::npos);
      bool whole = false;
      for (const auto& e : h.journal->events(out.run_id))
         whole = whole || (e.kind == "sample" && e.data_json.find("3.237184907301121%") != std::string::npos);
      CHECK(whole);
   }
   SECTION("assert on a failed sample fails")
   {
      Harness h(head + R"(phase "One" {
  assert error_rate < 1%
}
)");
      h.world.metrics["error_rate"] = [](double) { return failed("HTTP 503"); };
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(out.summary.find("HTTP 503") != std::string::npos);
   }
   SECTION("watch samples every interval and fails at the first failing condition")
   {
      Harness h(head + R"(phase "One" {
  watch 10m every 1m {
    error_rate < 1%
  }
}
)");
      h.world.metrics["error_rate"] = [](double minutes) { return value(minutes >= 4 ? 2.5 : 0.2); };
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(out.summary.find("error_rate = 2.5%") != std::string::npos);
      CHECK(h.world.clock_.now() == t0 + 4 * 60000);
      CHECK(h.world.samples.size() == 5);
   }
   SECTION("watch passes after its window")
   {
      Harness h(head + R"(phase "One" {
  watch 10m every 1m {
    error_rate < 1%
  }
}
)");
      h.world.metrics["error_rate"] = [](double) { return value(0.2); };
      REQUIRE(h.run().exit_code == exit_code::Completed);
      CHECK(h.world.clock_.now() == t0 + 10 * 60000);
      CHECK(h.world.samples.size() == 11);
   }
   SECTION("await polls until the condition holds")
   {
      Harness h(head + R"(phase "One" {
  await error_rate < 1% timeout 10m every 30s
}
)");
      h.world.metrics["error_rate"] = [](double minutes) { return minutes < 2 ? failed("unreachable") : value(0.5); };
      REQUIRE(h.run().exit_code == exit_code::Completed);
      CHECK(h.world.clock_.now() == t0 + 2 * 60000);
   }
}

TEST_CASE("an unreachable metric in words for people shows as unavailable, in a condition or a command it fails closed",
          "[exec][metrics]")
{
   const std::string head = R"(runbook "t"
metric error_rate = http get "http://127.0.0.1:1/m" json ".value" unit %
)";
   SECTION("log, notify and an assert's message go on, saying why the value is missing")
   {
      Harness h(head + R"(phase "One" {
  log "error rate ${error_rate} before the canary"
  notify "canary at ${error_rate}"
  sh "next"
}
)");
      h.world.metrics["error_rate"] = [](double) { return failed("could not connect to the monitor: connection refused"); };
      const RunOutcome out = h.run();
      INFO(h.observer.all_text());
      CHECK(out.exit_code == exit_code::Completed);
      CHECK(h.observer.has(RunEvent::Kind::Log,
                           "error rate <unavailable: could not connect to the monitor: connection refused> before the canary"));
      CHECK(h.observer.has(RunEvent::Kind::Notify, "canary at <unavailable: "));
      CHECK(h.world.commands() == std::vector<std::string>{"next"});
      CHECK(h.steps(out.run_id).at("one/1").outcome == step_outcome::Done);
   }
   SECTION("a reachable metric still shows its value")
   {
      Harness h(head + R"(phase "One" {
  log "error rate ${error_rate}"
}
)");
      h.world.metrics["error_rate"] = [](double) { return value(0.25); };
      REQUIRE(h.run().exit_code == exit_code::Completed);
      CHECK(h.observer.has(RunEvent::Kind::Log, "error rate 0.25%"));
   }
   SECTION("the condition beside it still fails closed")
   {
      Harness h(head + R"(phase "One" {
  log "error rate ${error_rate}"
  assert error_rate < 1% "error rate was ${error_rate}"
  sh "never"
}
)");
      h.world.metrics["error_rate"] = [](double) { return failed("HTTP 503"); };
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(out.summary.find("could not be checked: error_rate: HTTP 503") != std::string::npos);
      CHECK(h.world.commands().empty());
   }
   SECTION("spliced into a command it fails the step in words, before anything runs")
   {
      Harness h(head + R"(phase "One" {
  sh "scale --rate ${error_rate}"
}
)");
      h.world.metrics["error_rate"] = [](double) { return failed("HTTP 503"); };
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(out.status == run_status::Failed);
      CHECK(out.summary.find("step one/1 could not be resolved: could not sample error_rate: HTTP 503") != std::string::npos);
      CHECK(h.world.commands().empty());
      CHECK(h.steps(out.run_id).count("one/1") == 0);   // Nothing started, nothing in doubt.
   }
}

TEST_CASE("wait takes virtual time and journals its absolute deadline", "[exec]")
{
   Harness h(R"(runbook "t"
phase "One" {
  wait 30m
}
)");
   const RunOutcome out = h.run();
   REQUIRE(out.exit_code == exit_code::Completed);
   CHECK(h.world.clock_.now() == t0 + 30 * 60000);
   const StepRecord wait = h.steps(out.run_id).at("one/1");
   REQUIRE(wait.deadline_ms);
   CHECK(*wait.deadline_ms == t0 + 30 * 60000);
}

TEST_CASE("secrets: from the environment, never in events nor in the journal", "[exec][redact]")
{
   const std::string source = R"(runbook "t"
secret token = env("RB_TEST_TOKEN")
phase "One" {
  sh "deploy --token ${token}"
  http post "http://127.0.0.1:1/api?key=${token}" header "Authorization" = "Bearer ${token}" body {"token": token}
}
)";
   SECTION("redacted everywhere")
   {
      Harness h(source);
      h.settings.env_override["RB_TEST_TOKEN"] = "s3cr3t-VALUE-42";
      h.world.on_shell = [](const std::string& c) {
         ShellResult r = exited(0);
         r.output_tail = "echo: " + c;   // A command that prints its arguments.
         r.stdout_tail = r.output_tail;
         return r;
      };
      h.world.on_http = [](const HttpRequest& req) {
         HttpResponse r;
         r.ok = true;
         r.status = 200;
         r.body = nlohmann::json{{"echo", req.body}}.dump();   // A server that echoes the body.
         return r;
      };
      const RunOutcome out = h.run();
      REQUIRE(out.exit_code == exit_code::Completed);
      CHECK(h.world.commands()[0] == "deploy --token s3cr3t-VALUE-42");
      CHECK(h.observer.all_text().find("s3cr3t-VALUE-42") == std::string::npos);
      CHECK(h.observer.all_text().find("***") != std::string::npos);
      h.journal.reset();   // Flush everything to the files.
      CHECK(h.journal_bytes().find("s3cr3t-VALUE-42") == std::string::npos);
   }
   SECTION("a missing secret stops the run before any step")
   {
      Harness h(source);
      h.settings.env_override.clear();
      ::unsetenv("RB_TEST_TOKEN");
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Invalid);
      CHECK(out.summary.find("RB_TEST_TOKEN") != std::string::npos);
      CHECK(h.world.commands().empty());
      CHECK(h.journal->runs().empty());
   }
   SECTION("a secret too short to hide by value stops the run before any step")
   {
      Harness h(source);
      h.settings.env_override["RB_TEST_TOKEN"] = "x";
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Invalid);
      CHECK(out.summary.find("at least 4 characters") != std::string::npos);
      CHECK(h.world.commands().empty());
      CHECK(h.journal->runs().empty());
   }
}

TEST_CASE("retry on a call tries the whole call again, but never resends a request that may have taken effect",
          "[exec][retry]")
{
   Harness h(R"(runbook "t"
fn shift(pct) {
  http post "http://lb.test/api/traffic" body {"percentage": pct} expect status 200
  sh "check ${pct}"
}
phase "One" {
  shift(25) retry 3 every 10s
}
)");
   SECTION("a check that fails once: every step of the call is redone, each journaled as a new attempt")
   {
      int checks = 0;
      h.world.on_shell = [&](const std::string&) {
         ShellResult r;
         r.started = true;
         r.exit_code = ++checks == 1 ? 1 : 0;
         return r;
      };
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Completed);
      REQUIRE(h.world.http_calls.size() == 2);
      CHECK(h.world.http_calls[1].at - h.world.http_calls[0].at == 10000);
      const auto steps = h.steps(out.run_id);
      CHECK(steps.at("one/1").attempt == 2);
      CHECK(steps.at("one/1/fn:shift/1").attempt == 2);
      CHECK(steps.at("one/1/fn:shift/2").attempt == 2);
      int retries_journaled = 0;
      for (const auto& e : h.journal->events(out.run_id)) retries_journaled += e.kind == "retry" && e.step_id == "one/1";
      CHECK(retries_journaled == 1);
   }
   SECTION("a POST that went out and got no answer is in doubt: the call is not tried again")
   {
      h.world.on_http = [](const HttpRequest&) {
         HttpResponse r;
         r.ok = false;
         r.maybe_received = true;
         r.error = "timed out";
         return r;
      };
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(h.world.http_calls.size() == 1);
      CHECK(h.world.commands().empty());
   }
}
