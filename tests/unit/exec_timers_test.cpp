// Timers (`after D unless SIGNAL`), signals, manual triggers and what a run
// settles at its end, on a virtual clock.
#include "exec_test_support.hpp"

#include "exec/exit_codes.hpp"
#include "exec/timers.hpp"

using namespace runbook;
using namespace runbook::testing;

namespace {

double first_call(const FakeWorld& world, const std::string& command)
{
   for (const auto& call : world.shell_calls)
      if (call.command == command) return call.at;
   return -1;
}

int calls(const FakeWorld& world, const std::string& command)
{
   int n = 0;
   for (const auto& call : world.shell_calls) n += call.command == command;
   return n;
}

constexpr double minute = 60000;

/// A command that, when run, posts a request as `runbook signal|fire` would from another terminal.
void post_on(Harness& h, const std::string& command, const std::string& kind, const nlohmann::json& data)
{
   h.world.on_shell = [&h, command, kind, data](const std::string& c) {
      if (c == command) h.journal->post_request(h.latest_run_id(), kind, data.dump());
      ShellResult r = exited(0);
      return r;
   };
}

}  // namespace

TEST_CASE("TimerQueue: earliest first, same deadline in arming order, cancelled by its signal", "[exec][timers]")
{
   TimerQueue q;
   q.arm({TimerEntry::Kind::Steps, "b", 20, "resolved", ""});
   q.arm({TimerEntry::Kind::Steps, "a", 10, "", ""});
   q.arm({TimerEntry::Kind::Steps, "c", 20, "other", ""});
   q.arm({TimerEntry::Kind::RollbackDeadline, "d", 5, "", ""});
   CHECK(q.next_due() == 5);
   CHECK(q.awaited().size() == 3);   // A rollback deadline is not waited for.
   CHECK_FALSE(q.take_due(4).has_value());
   CHECK(q.take_due(30)->id == "d");
   CHECK(q.take_due(30)->id == "a");
   const auto cancelled = q.cancel_by_signal("resolved");
   REQUIRE(cancelled.size() == 1);
   CHECK(cancelled.front().id == "b");
   CHECK(q.take_due(30)->id == "c");
   CHECK(q.pending().empty());
}

TEST_CASE("A timer fires beside a wait, and the wait carries on", "[exec][timers]")
{
   Harness h(R"(runbook "t"
phase "Incident" {
  after 10m { sh "escalate" }
  wait 1h
  sh "done"
}
)");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(first_call(h.world, "escalate") == t0 + 10 * minute);
   CHECK(first_call(h.world, "done") == t0 + 60 * minute);
   CHECK(h.steps(out.run_id).at("incident/1/1").outcome == step_outcome::Done);
}

TEST_CASE("The run waits for its pending timers at its end, and says so", "[exec][timers]")
{
   Harness h(R"(runbook "t"
phase "Incident" {
  after 30m { sh "late" }
  sh "first"
}
)");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(first_call(h.world, "late") == t0 + 30 * minute);
   CHECK(h.observer.has(RunEvent::Kind::Log, "waiting for 1 pending timer before the run ends"));
}

TEST_CASE("A signal from another terminal cancels the timers unless it, and is journaled with who", "[exec][timers]")
{
   Harness h(R"(runbook "t"
signal resolved "The incident is resolved"
phase "Incident" {
  after 10m unless resolved { sh "level 2" }
  after 20m { sh "report" }
  wait 5m
  sh "resolve"
}
)");
   post_on(h, "resolve", "signal", {{"signal", "resolved"}, {"who", "alice@ops"}});
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(calls(h.world, "level 2") == 0);
   CHECK(first_call(h.world, "report") == t0 + 20 * minute);   // Not cancelled by `resolved`.
   bool journaled = false;
   for (const auto& e : h.journal->events(out.run_id))
      journaled = journaled || (e.kind == "signal" && e.data_json.find("alice@ops") != std::string::npos);
   CHECK(journaled);
   CHECK(h.observer.has(RunEvent::Kind::Notify, "signal resolved given by alice@ops"));
}

TEST_CASE("A rollback's start is read from the interpreter's mode event, on runbook time, not the journal's wall-clock one", "[exec][timers]")
{
   // Under --time-scale and in simulate the two clocks differ: reading the
   // wall-clock event put a resumed rollback's deadline days away.
   TimerHistory history;
   JournalEvent journal_mode{1, 1'800'000'000'000.0, 1'800'000'000'000.0, "mode", "", R"({"mode":"rollback","rollback":"back"})"};
   JournalEvent interpreter_mode{2, 1'767'225'600'000.0, 1'800'000'000'001.0, "mode", "",
                                 R"({"mode":"rollback","rollback":"back","reason":"rollback step go/1"})"};
   history.note(journal_mode);
   CHECK_FALSE(history.rollback_began_at.has_value());   // abort --rollback: counts from when a process runs it
   history.note(interpreter_mode);
   REQUIRE(history.rollback_began_at.has_value());
   CHECK(*history.rollback_began_at == 1'767'225'600'000.0);
}

TEST_CASE("A timer whose deadline passed while the process was dead fires on resume", "[exec][timers]")
{
   Harness h(R"(runbook "t"
signal resolved "The incident is resolved"
phase "Incident" {
  after 15m unless resolved { sh "level 2" }
  sh "stop here"
}
)");
   h.world.on_shell = [&h](const std::string& c) {
      if (c == "stop here") h.interrupt = true;
      ShellResult r = exited(0);
      return r;
   };
   RunOutcome out = h.run();
   REQUIRE(out.exit_code == exit_code::Interrupted);
   CHECK(calls(h.world, "level 2") == 0);
   h.world.on_shell = [](const std::string&) {
      ShellResult r = exited(0);
      return r;
   };
   out = h.resume(out.run_id, t0 + 40 * minute);
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(calls(h.world, "level 2") == 1);
   CHECK(first_call(h.world, "level 2") == t0 + 40 * minute);
}

TEST_CASE("A rollback whose steps ended in time keeps that end when a later timer's crash resumes it", "[exec][timers]")
{
   // The steps took 2m; the escalation timer 15m later is interrupted. The
   // resumed run walks the done steps again: it must not arm the 5m deadline
   // again (it fired at once, sending the overrun action) nor say the
   // rollback took 15m.
   Harness h(R"(runbook "t"
phase "Go" {
  rollback back
}
rollback back within 5m -> notify "overrun" {
  after 15m {
    sh "level 2"
    wait 1m
  }
  sh "restore"
  wait 2m
}
)");
   h.world.on_shell = [&h](const std::string& c) {
      if (c == "level 2") h.interrupt = true;
      ShellResult r = exited(0);
      return r;
   };
   RunOutcome out = h.run();
   REQUIRE(out.exit_code == exit_code::Interrupted);
   REQUIRE(out.rollback_ended_at);
   CHECK(*out.rollback_ended_at == t0 + 2 * minute);
   CHECK(h.observer.has(RunEvent::Kind::Log, "rollback back completed in 2m (within its 5m)"));
   h.world.on_shell = [](const std::string&) {
      ShellResult r = exited(0);
      return r;
   };
   out = h.resume(out.run_id, t0 + 15 * minute);
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK_FALSE(h.observer.has(RunEvent::Kind::Notify, "overrun"));
   CHECK_FALSE(h.observer.has(RunEvent::Kind::Notify, "exceeded"));
   CHECK_FALSE(h.observer.has(RunEvent::Kind::Log, "completed in 15m"));
   REQUIRE(out.rollback_ended_at);
   CHECK(*out.rollback_ended_at == t0 + 2 * minute);
}

TEST_CASE("A rollback's failed steps end its deadline too: the end is journaled, and kept on resume", "[exec][timers]")
{
   Harness h(R"(runbook "t"
phase "Go" {
  rollback back
}
rollback back within 5m -> notify "overrun" {
  wait 1m
  sh "restore"
} finally {
  sh "tell"
  wait 1m
}
)");
   h.world.on_shell = [&h](const std::string& c) {
      if (c == "tell") h.interrupt = true;
      ShellResult r = exited(c == "restore" ? 1 : 0);
      return r;
   };
   RunOutcome out = h.run();
   REQUIRE(out.exit_code == exit_code::Interrupted);
   REQUIRE(out.rollback_ended_at);
   CHECK(*out.rollback_ended_at == t0 + minute);
   h.world.on_shell = [](const std::string& c) {
      ShellResult r = exited(c == "restore" ? 1 : 0);
      return r;
   };
   out = h.resume(out.run_id, t0 + 20 * minute);
   CHECK(out.exit_code == exit_code::RollbackFailed);
   CHECK_FALSE(h.observer.has(RunEvent::Kind::Notify, "overrun"));
   REQUIRE(out.rollback_ended_at);
   CHECK(*out.rollback_ended_at == t0 + minute);
}

TEST_CASE("A manual trigger fires from another terminal only where a phase arms it", "[exec][triggers]")
{
   const std::string source = R"(runbook "t"
trigger security "Security vulnerability" manual severity P0 -> rollback emergency
phase "Prepare" {
  sh "fire now"
  wait 10m
}
phase "Canary" arms security {
  sh "fire later"
  wait 1h
}
rollback emergency {
  sh "route blue 100"
}
)";
   SECTION("armed: rolled back at once")
   {
      Harness h(source);
      post_on(h, "fire later", "fire", {{"trigger", "security"}, {"who", "bob"}});
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::RolledBack);
      CHECK(first_call(h.world, "route blue 100") == t0 + 10 * minute);
      CHECK(h.observer.has(RunEvent::Kind::TriggerFired, "fired by bob"));
   }
   SECTION("not armed: refused, saying which phases arm it")
   {
      Harness h(source);
      post_on(h, "fire now", "fire", {{"trigger", "security"}, {"who", "bob"}});
      const RunOutcome out = h.run();
      CHECK(out.exit_code == exit_code::Completed);
      CHECK(h.observer.has(RunEvent::Kind::Log, "phases that arm it: \"Canary\""));
   }
}
