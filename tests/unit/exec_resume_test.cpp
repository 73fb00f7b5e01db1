// Resume: done steps skipped with their captures restored, in-doubt steps
// settled by policy, waits keeping their deadline, rollback mode kept, leases.
#include <signal.h>
#include <sys/wait.h>

#include "exec_test_support.hpp"

#include "exec/exit_codes.hpp"
#include "journal/testing.hpp"

using namespace runbook;
using namespace runbook::testing;

namespace {

/// A world whose command `crash` kills the process (played by an exception)
/// the first time it runs: its start is journaled, its outcome never.
void crash_once_on(FakeWorld& world, const std::string& command, bool& crashed_already)
{
   world.on_shell = [&world, command, &crashed_already](const std::string& c) {
      if (c == command && !crashed_already) {
         crashed_already = true;
         throw Crash{};
      }
      ShellResult r = exited(0);
      r.stdout_tail = "out of " + c;
      (void)world;
      return r;
   };
}

int count(const std::vector<std::string>& commands, const std::string& command)
{
   return static_cast<int>(std::count(commands.begin(), commands.end(), command));
}

const std::string three_steps = R"(runbook "t"
phase "One" {
  sh "first" as a
  sh "crash"
  sh "third ${a.stdout}"
}
)";

}  // namespace

TEST_CASE("resume skips done steps, restores captures and settles the in-doubt step by policy", "[exec][resume]")
{
   Harness h(three_steps);
   bool crashed = false;
   crash_once_on(h.world, "crash", crashed);
   h.run();
   REQUIRE(h.crashed);
   const std::string id = h.latest_run_id();
   CHECK(h.steps(id).at("one/2").outcome.empty());   // In doubt.

   SECTION("--in-doubt redo")
   {
      h.settings.in_doubt = InDoubtPolicy::Redo;
      const RunOutcome out = h.resume(id);
      CHECK(out.exit_code == exit_code::Completed);
      CHECK(count(h.world.commands(), "first") == 1);
      CHECK(count(h.world.commands(), "crash") == 2);
      CHECK(count(h.world.commands(), "third 'out of first'") == 1);
   }
   SECTION("--in-doubt skip marks it done without running it")
   {
      h.settings.in_doubt = InDoubtPolicy::Skip;
      const RunOutcome out = h.resume(id);
      CHECK(out.exit_code == exit_code::Completed);
      CHECK(count(h.world.commands(), "crash") == 1);
      CHECK(h.steps(id).at("one/2").outcome == step_outcome::MarkedDone);
   }
   SECTION("--in-doubt fail stops; the run can be resumed again with another policy")
   {
      h.settings.in_doubt = InDoubtPolicy::Fail;
      RunOutcome out = h.resume(id);
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(out.summary.find("in doubt") != std::string::npos);
      CHECK(count(h.world.commands(), "third 'out of first'") == 0);
      h.settings.in_doubt = InDoubtPolicy::Redo;
      out = h.resume(id);
      CHECK(out.exit_code == exit_code::Completed);
   }
   SECTION("--in-doubt ask: the operator's answer, journaled")
   {
      h.settings.in_doubt = InDoubtPolicy::Ask;
      h.world.on_ask = [](const Question& q) {
         CHECK(q.kind == Question::Kind::InDoubt);
         CHECK(q.fail_closed_choice == "abort");
         return Answer{"mark done", "alice (terminal)", false};
      };
      const RunOutcome out = h.resume(id);
      CHECK(out.exit_code == exit_code::Completed);
      CHECK(count(h.world.commands(), "crash") == 1);
      bool journaled = false;
      for (const auto& e : h.journal->events(id))
         journaled = journaled || (e.kind == "in_doubt" && e.data_json.find("alice") != std::string::npos);
      CHECK(journaled);
   }
   SECTION("--in-doubt ask with nobody to ask aborts")
   {
      h.world.on_ask = [](const Question&) { return Answer{"", "nobody", false}; };
      const RunOutcome out = h.resume(id);
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(count(h.world.commands(), "crash") == 1);
   }
}

TEST_CASE("a step stopped by Ctrl-C is in doubt and can be marked done on resume", "[exec][resume]")
{
   // Found by the crash torture (long mode, seed 2026): SIGINT during a POST
   // left the attempt "interrupted"; --in-doubt skip then failed every
   // resume with "cannot finish step ...: it has no unfinished attempt".
   Harness h(three_steps);
   int crash_runs = 0;
   h.world.on_shell = [&](const std::string& command) {
      ShellResult r = exited(0);
      if (command == "crash" && ++crash_runs == 1) {
         h.interrupt = true;   // Ctrl-C while the command runs: it is stopped.
         r.interrupted = true;
         r.exit_code = -1;
         r.signal = 2;
      }
      r.stdout_tail = "out of " + command;
      return r;
   };
   const RunOutcome first = h.run();
   REQUIRE(first.exit_code == exit_code::Interrupted);
   CHECK(h.steps(first.run_id).at("one/2").outcome == step_outcome::Interrupted);

   SECTION("--in-doubt skip marks the interrupted attempt done")
   {
      h.settings.in_doubt = InDoubtPolicy::Skip;
      const RunOutcome out = h.resume(first.run_id);
      INFO(out.summary);
      CHECK(out.exit_code == exit_code::Completed);
      CHECK(crash_runs == 1);
      CHECK(h.steps(first.run_id).at("one/2").outcome == step_outcome::MarkedDone);
      CHECK(h.steps(first.run_id).at("one/2").attempt == 1);
   }
   SECTION("--in-doubt redo runs it again as a new attempt")
   {
      h.settings.in_doubt = InDoubtPolicy::Redo;
      CHECK(h.resume(first.run_id).exit_code == exit_code::Completed);
      CHECK(crash_runs == 2);
      CHECK(h.steps(first.run_id).at("one/2").attempt == 2);
   }
}

TEST_CASE("a redone step says why it was unfinished: Ctrl-C or a dead process (issue 13)", "[exec][resume]")
{
   const std::string source = R"(runbook "t"
phase "One" {
  sh "first"
  sh "crash" idempotent
  sh "third"
}
)";
   SECTION("stopped cleanly by Ctrl-C: the journal says so, and so does the resume")
   {
      Harness h(source);
      int crash_runs = 0;
      h.world.on_shell = [&](const std::string& command) {
         ShellResult r = exited(0);
         if (command == "crash" && ++crash_runs == 1) {
            h.interrupt = true;
            r.interrupted = true;
            r.exit_code = -1;
            r.signal = 2;
         }
         return r;
      };
      const RunOutcome first = h.run();
      REQUIRE(first.exit_code == exit_code::Interrupted);
      CHECK(h.resume(first.run_id).exit_code == exit_code::Completed);
      INFO(h.observer.all_text());
      CHECK(h.observer.has(RunEvent::Kind::Log, "step one/2 was interrupted by Ctrl-C; redoing it"));
      CHECK_FALSE(h.observer.has(RunEvent::Kind::Log, "in doubt"));
   }
   SECTION("the process died mid-step: in doubt")
   {
      Harness h(source);
      bool crashed = false;
      crash_once_on(h.world, "crash", crashed);
      h.run();
      REQUIRE(h.crashed);
      CHECK(h.resume(h.latest_run_id()).exit_code == exit_code::Completed);
      INFO(h.observer.all_text());
      CHECK(h.observer.has(RunEvent::Kind::Log,
                           "step one/2 was in doubt (its process died before recording an outcome); redoing it"));
      CHECK_FALSE(h.observer.has(RunEvent::Kind::Log, "Ctrl-C"));
   }
}

TEST_CASE("in-doubt GET requests are redone, POSTs are not without a decision", "[exec][resume]")
{
   Harness h(R"(runbook "t"
phase "One" {
  http get "http://127.0.0.1:1/health"
  http post "http://127.0.0.1:1/api/traffic" body {"percentage": 5}
}
)");
   int posts = 0;
   h.world.on_http = [&](const HttpRequest& req) -> HttpResponse {
      if (req.method == "POST" && ++posts == 1) throw Crash{};
      HttpResponse r;
      r.ok = true;
      r.status = 200;
      return r;
   };
   h.run();
   REQUIRE(h.crashed);
   const std::string id = h.latest_run_id();
   h.settings.in_doubt = InDoubtPolicy::Skip;
   CHECK(h.resume(id).exit_code == exit_code::Completed);
   CHECK(posts == 1);   // The POST in doubt was not sent again.
   CHECK(h.world.http_calls.size() == 2);   // The done GET was not repeated either.
}

TEST_CASE("an interrupted wait with armed triggers extends by the time nobody sampled them, journaled (issue 13)",
          "[exec][resume]")
{
   Harness h(R"(runbook "t"
metric m = http get "http://127.0.0.1:1/m" json ".v" unit count
trigger t when m > 100 every 1m severity P3 -> record
phase "One" arms all {
  wait 10m
  sh "after"
}
)");
   // Ctrl-C three minutes into the wait (the metric sampler plays the operator).
   h.world.metrics["m"] = [&h](double minutes) {
      if (minutes >= 3) h.interrupt = true;
      return value(1);
   };
   const RunOutcome first = h.run();
   REQUIRE(first.exit_code == exit_code::Interrupted);
   CHECK(h.journal->run(first.run_id)->status == run_status::Interrupted);
   h.world.metrics["m"] = [](double) { return value(1); };
   // Resumed at t0 + 5m: the two minutes since the last sample (t0 + 3m) were
   // not watched, so the wait ends at t0 + 12m rather than t0 + 10m.
   const RunOutcome out = h.resume(first.run_id, t0 + 5 * 60000);
   CHECK(out.exit_code == exit_code::Completed);
   REQUIRE(h.world.shell_calls.size() == 1);
   CHECK(h.world.shell_calls[0].at == t0 + 12 * 60000);
   bool journaled = false;
   for (const auto& event : h.journal->events(first.run_id)) {
      if (event.kind != "unwatched_gap") continue;
      journaled = true;
      CHECK(nlohmann::json::parse(event.data_json).value("gap_ms", 0.0) == 120000.0);
   }
   CHECK(journaled);
}

TEST_CASE("approvals and confirmed checklist items are facts: not asked again on resume", "[exec][resume]")
{
   Harness h(R"(runbook "t"
phase "One" {
  checklist "Before" {
    - "a"
    - "b"
  }
  sh "go"
}
)");
   int asked = 0;
   h.world.on_ask = [&](const Question&) -> Answer {
      if (++asked == 2) throw Crash{};   // The process dies while item b is asked.
      return Answer{"yes", "alice", false};
   };
   h.run();
   REQUIRE(h.crashed);
   const std::string id = h.latest_run_id();
   std::vector<std::string> asked_again;
   h.world.on_ask = [&](const Question& q) {
      asked_again.push_back(q.text);
      return Answer{"yes", "bob", false};
   };
   CHECK(h.resume(id).exit_code == exit_code::Completed);
   REQUIRE(asked_again.size() == 1);
   CHECK(asked_again[0].find(": b") != std::string::npos);
}

TEST_CASE("a run in rollback mode resumes in rollback mode", "[exec][resume]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "forward"
  rollback emergency
}
rollback emergency {
  sh "route blue"
  sh "crash"
  sh "notify done"
}
)");
   bool crashed = false;
   crash_once_on(h.world, "crash", crashed);
   h.run();
   REQUIRE(h.crashed);
   const std::string id = h.latest_run_id();
   CHECK(h.journal->run(id)->mode == "rollback");
   h.settings.in_doubt = InDoubtPolicy::Redo;
   const RunOutcome out = h.resume(id);
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(count(h.world.commands(), "forward") == 1);
   CHECK(count(h.world.commands(), "route blue") == 1);
   CHECK(count(h.world.commands(), "notify done") == 1);
}

TEST_CASE("a journal that cannot be written: the step does not run", "[exec][resume]")
{
   Harness h(R"(runbook "t"
phase "One" {
  sh "first"
  sh "second"
}
)");
   h.world.on_shell = [&h](const std::string& c) {
      // After the first command the disk is full.
      if (c == "first") journal_testing::limit_pages(*h.journal, journal_testing::page_count(*h.journal));
      ShellResult r = exited(0);
      r.output_tail = std::string(20000, 'x');   // A big result that needs new pages.
      return r;
   };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Invalid);
   CHECK(h.world.commands() == std::vector<std::string>{"first"});
}

TEST_CASE("a run held by another live process is refused", "[exec][resume]")
{
   Harness h(three_steps);
   bool crashed = false;
   crash_once_on(h.world, "crash", crashed);
   h.run();
   const std::string id = h.latest_run_id();
   h.journal->release_lease(id);   // This process "died"; another one takes the run.
   int ready[2];
   REQUIRE(::pipe(ready) == 0);
   const pid_t child = ::fork();
   if (child == 0) {
      // Another runbook process takes the run over and keeps it.
      try {
         auto other = Journal::open(h.dir.file("journal.db"));
         other->acquire_lease(id);
      } catch (...) {
         ::_exit(1);
      }
      (void)::write(ready[1], "x", 1);
      ::pause();
      ::_exit(0);
   }
   char byte = 0;
   REQUIRE(::read(ready[0], &byte, 1) == 1);
   h.settings.in_doubt = InDoubtPolicy::Redo;
   const RunOutcome out = h.resume(id);
   ::kill(child, SIGKILL);
   ::waitpid(child, nullptr, 0);
   ::close(ready[0]);
   ::close(ready[1]);
   CHECK(out.exit_code == exit_code::Invalid);
   CHECK(out.summary.find(std::to_string(child)) != std::string::npos);
   CHECK(count(h.world.commands(), "third 'out of first'") == 0);
   // Once the holder is gone, the run can be taken over.
   CHECK(h.resume(id).exit_code == exit_code::Completed);
}

TEST_CASE("resume with a changed definition: a done record is not applied to a different step", "[exec][resume]")
{
   Harness h(three_steps);
   bool crashed = false;
   crash_once_on(h.world, "crash", crashed);
   h.run();
   const std::string id = h.latest_run_id();
   // The same run resumed against an edited runbook (as --use-current would).
   h.program = load_source(R"(runbook "t"
phase "One" {
  sh "first --changed" as a
  sh "crash"
  sh "third ${a.stdout}"
}
)");
   SECTION("stopped before it, resumable, saying what changed")
   {
      // Issue 14: a record applies only to a step of the same kind and
      // definition as written; it used to be reported and applied.
      h.settings.in_doubt = InDoubtPolicy::Redo;
      const RunOutcome out = h.resume(id);
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(out.status == run_status::Interrupted);
      CHECK(out.summary.find("one/1") != std::string::npos);
      CHECK(out.summary.find("first --changed") != std::string::npos);
      CHECK(count(h.world.commands(), "first --changed") == 0);
   }
   SECTION("refused when done steps must be unchanged")
   {
      h.settings.require_unchanged_done = true;
      const RunOutcome out = h.resume(id);
      CHECK(out.exit_code == exit_code::Invalid);
      CHECK(out.summary.find("one/1") != std::string::npos);
      CHECK(h.world.commands().size() == 2);
   }
}

namespace {

/// A watch of a failure budget or a `for` total, killed mid-window: the
/// sampler plays the kill (the process dies while sampling at `kill_at`).
Harness& killed_during_watch(Harness& h, double kill_at, std::function<bool(double)> bad_before)
{
   h.world.metrics["m"] = [kill_at, bad_before](double minutes) {
      if (minutes >= kill_at) throw Crash{};
      return value(bad_before(minutes) ? 200 : 1);
   };
   h.run();
   REQUIRE(h.crashed);
   return h;
}

double last_sample_minute(const Harness& h)
{
   REQUIRE(!h.world.samples.empty());
   return (h.world.samples.back().second - t0) / 60000.0;
}

}  // namespace

TEST_CASE("a watch resumed after a kill keeps its failure budget: bad samples before and after add up (issue 12)",
          "[exec][resume][watch]")
{
   Harness h(R"(runbook "t"
metric m = http get "http://127.0.0.1:1/m" json ".v" unit count
phase "One" {
  watch 10m every 1m {
    m < 100 after 5 failures
  }
  sh "after"
}
)");
   // Bad at minutes 0, 1 and 2; the process dies sampling minute 3.
   killed_during_watch(h, 3, [](double) { return true; });
   const std::string id = h.latest_run_id();
   // Resumed at minute 5: two more bad samples (5 and 6), then clear for good.
   // Alone they are within the budget of 5; with the three from before the
   // kill they are the fifth failing sample.
   h.world.metrics["m"] = [](double minutes) { return value(minutes < 6.5 ? 200 : 1); };
   const RunOutcome out = h.resume(id, t0 + 5 * 60000);
   CHECK(out.exit_code == exit_code::Failed);
   CHECK(h.world.commands().empty());
   CHECK(last_sample_minute(h) == 6);
   CHECK(h.steps(id).at("one/1").outcome == step_outcome::Failed);
}

TEST_CASE("a watch resumed after a kill keeps its `for` total, and the time it was dead counts for nothing (issue 12)",
          "[exec][resume][watch]")
{
   const std::string source = R"(runbook "t"
metric m = http get "http://127.0.0.1:1/m" json ".v" unit count
phase "One" {
  watch 20m every 1m {
    m < 100 for 3m
  }
  sh "after"
}
)";
   SECTION("1m bad before the kill and 3m after reach the 3m: it fails at minute 12, not at once")
   {
      Harness h(source);
      // Bad from minute 1 (the sample at 2 is the last before the kill at 3).
      killed_during_watch(h, 3, [](double minutes) { return minutes >= 1; });
      const std::string id = h.latest_run_id();
      // Resumed at minute 10, bad until 12, then clear. The dead time (the
      // last journaled sample at 2 to the resume at 10) is not deciding time:
      // 1m before (1 to 2) + 2m after (10 to 12) = 3m at minute 12.
      h.world.metrics["m"] = [](double minutes) { return value(minutes < 12.5 ? 200 : 1); };
      const RunOutcome out = h.resume(id, t0 + 10 * 60000);
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(h.world.commands().empty());
      CHECK(last_sample_minute(h) == 12);
   }
   SECTION("1m bad before the kill and 1m after stay under the 3m: the window passes")
   {
      Harness h(source);
      killed_during_watch(h, 3, [](double minutes) { return minutes >= 1; });
      const std::string id = h.latest_run_id();
      h.world.metrics["m"] = [](double minutes) { return value(minutes < 10.5 ? 200 : 1); };
      const RunOutcome out = h.resume(id, t0 + 10 * 60000);
      CHECK(out.exit_code == exit_code::Completed);
      CHECK(h.world.commands() == std::vector<std::string>{"after"});
   }
}

TEST_CASE("a call retried as a whole carries on with its try after a kill: in the wait before it, or during it",
          "[exec][resume][retry]")
{
   Harness h(R"(runbook "t"
metric error_rate = http get "http://127.0.0.1:1/m" json ".value" unit %
trigger high "High error rate" when error_rate > 1% every 5s severity P3 -> record
fn shift(pct) {
  sh "post ${pct}"
  sh "check ${pct}" idempotent
}
phase "One" arms all {
  shift(25) retry 2 every 30s
}
)");
   int checks = 0;
   bool killed = false;
   std::vector<double> check_times;
   SECTION("killed while waiting for try 2: try 2 comes when it was due, then try 3 is the last")
   {
      h.world.on_shell = [&](const std::string& command) {
         ShellResult r = exited(0);
         if (command == "check 25") {
            ++checks;
            check_times.push_back(h.world.clock().now());
            r.exit_code = 1;
         }
         return r;
      };
      h.world.metrics["error_rate"] = [&](double) {
         if (checks == 1 && !killed) {
            killed = true;
            throw Crash{};
         }
         return value(0.2);
      };
      h.run();
      REQUIRE(h.crashed);
      const RunOutcome out = h.resume(h.latest_run_id());
      INFO(h.observer.all_text());
      CHECK(out.exit_code == exit_code::Failed);
      CHECK(count(h.world.commands(), "post 25") == 3);
      CHECK(count(h.world.commands(), "check 25") == 3);
      REQUIRE(check_times.size() == 3);
      // Backoff 30s then 60s, the first wait kept across the kill.
      CHECK(check_times[1] - check_times[0] == Approx(30000).margin(1000));
      CHECK(check_times[2] - check_times[1] == Approx(60000).margin(1000));
      CHECK(h.observer.has(RunEvent::Kind::Log, "resuming its retries at attempt 2 of 3"));
   }
   SECTION("killed during try 2: its done steps stay done, the rest is redone, and try 3 is the last")
   {
      h.world.on_shell = [&](const std::string& command) {
         ShellResult r = exited(0);
         if (command == "check 25") {
            if (++checks == 2) throw Crash{};
            r.exit_code = 1;
         }
         return r;
      };
      h.world.metrics["error_rate"] = [](double) { return value(0.2); };
      h.run();
      REQUIRE(h.crashed);
      const RunOutcome out = h.resume(h.latest_run_id());
      INFO(h.observer.all_text());
      CHECK(out.exit_code == exit_code::Failed);
      // Try 1: post, check. Try 2: post, check (killed), check again on resume. Try 3: post, check.
      CHECK(count(h.world.commands(), "post 25") == 3);
      CHECK(count(h.world.commands(), "check 25") == 4);
      CHECK(h.observer.has(RunEvent::Kind::Log, "resuming its retries at attempt 2 of 3"));
      CHECK(h.steps(out.run_id).at("one/1").outcome == step_outcome::Failed);
   }
}
