// The Journal contract, run unchanged against every backend: SQLite always,
// PostgreSQL when a test server is up (journal_test_support.hpp). What only
// one backend can do wrong (a file made read-only, a full disk, a WAL cut)
// stays in journal_test.cpp.
#include <catch2/catch.hpp>

#include "journal/journal.hpp"
#include "journal/lease.hpp"

#include "journal_test_support.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <regex>
#include <set>
#include <string>

#include <unistd.h>

using namespace runbook;
using namespace runbook::journal_test_support;

TEST_CASE("a new run keeps its sources, parameters, hash, clock and lease", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   auto journal = t.open();
   const std::string id = journal->create_run(sample_run());
   CHECK(std::regex_match(id, std::regex(R"(r\d{8}-\d{6}-[0-9a-f]{4})")));

   const auto run = journal->run(id);
   REQUIRE(run);
   CHECK(run->id == id);
   CHECK(run->runbook_path == "rollout.rb");
   CHECK(run->status == run_status::Running);
   CHECK(run->mode == "forward");
   CHECK(run->params_json == R"({"version":"2.0","token":"<secret>"})");
   CHECK(run->source_hash.size() == 64);
   CHECK(run->time_scale == 60);
   CHECK(run->clock_origin_ms == 1'700'000'000'000);
   CHECK(run->lease_pid == getpid());
   CHECK(run->lease_host == current_process_holder().host);
   CHECK(run->heartbeat_at > 0);
   CHECK(run->started_at == Approx(wall_now_ms()).margin(60'000));
   CHECK(run->current_step.empty());

   const auto sources = journal->sources(id);
   REQUIRE(sources.size() == 2);
   CHECK(sources[0].path == "rollout.rb");
   CHECK(sources[1].path == "std/http");
   CHECK(sources[1].text == "fn get() {}\n");

   // The same sources hash alike; a changed module changes the hash.
   const std::string same = journal->create_run(sample_run());
   CHECK(journal->run(same)->source_hash == run->source_hash);
   auto changed = sample_run();
   changed.sources[1].text += " ";
   CHECK(journal->run(journal->create_run(changed))->source_hash != run->source_hash);
   CHECK_FALSE(journal->run("r00000000-000000-0000"));
}

TEST_CASE("status and mode transitions are stored and told as events", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   auto journal = t.open();
   const std::string id = journal->create_run(sample_run());

   journal->enter_rollback(id, "undo_canary");
   journal->set_status(id, run_status::RolledBack, "error rate 7% > 2% for 2m");
   const auto run = journal->run(id);
   CHECK(run->mode == "rollback");
   CHECK(run->rollback_name == "undo_canary");
   CHECK(run->status == run_status::RolledBack);
   CHECK(run->detail == "error rate 7% > 2% for 2m");

   const auto events = journal->events(id);
   REQUIRE(events.size() == 3);
   CHECK(events[0].kind == "run");
   CHECK(events[1].kind == "mode");
   CHECK(events[2].kind == "run");
   CHECK(events[2].data_json.find("rolled_back") != std::string::npos);

   CHECK_THAT(journal_error_of([&] { journal->set_status(id, "exploded"); }), Catch::Contains("unknown status"));
   CHECK_THAT(journal_error_of([&] { journal->set_status("r-nope", run_status::Failed); }),
              Catch::Contains("no run r-nope") && Catch::Contains(journal->path()));
}

TEST_CASE("steps: attempts, in-doubt starts, deadlines and first-start order", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   auto journal = t.open();
   const std::string id = journal->create_run(sample_run());

   CHECK(journal->step_started(id, "canary/deploy", "sh", "h1", R"({"cmd":"deploy"})", std::nullopt, 1000) == 1);
   journal->step_finished(id, "canary/deploy", step_outcome::Done, R"({"exit":0})", 1500);
   CHECK(journal->step_started(id, "canary/soak", "wait", "h2", "{}", 601'000.0, 1600) == 1);
   CHECK(journal->run(id)->current_step == "canary/soak");
   // The soak is interrupted; the deploy is then redone, attempt 2, left in doubt.
   journal->step_finished(id, "canary/soak", step_outcome::Interrupted, "", 2000);
   CHECK(journal->step_started(id, "canary/deploy", "sh", "h1b", R"({"cmd":"deploy"})", std::nullopt, 3000) == 2);

   const auto steps = journal->steps(id);
   REQUIRE(steps.size() == 2);
   CHECK(steps[0].step_id == "canary/deploy");   // first started first, though restarted last
   CHECK(steps[0].attempt == 2);
   CHECK(steps[0].def_hash == "h1b");
   CHECK(steps[0].outcome.empty());              // in doubt
   CHECK(steps[0].started_at == 3000);
   CHECK_FALSE(steps[0].deadline_ms);
   CHECK(steps[1].step_id == "canary/soak");
   CHECK(steps[1].kind == "wait");
   CHECK(steps[1].deadline_ms == Approx(601'000.0));
   CHECK(steps[1].outcome == step_outcome::Interrupted);
   CHECK(steps[1].finished_at == 2000);

   // Settle the in-doubt attempt; a second finish has nothing to finish.
   journal->step_finished(id, "canary/deploy", step_outcome::MarkedDone, R"({"exit":0})", 3500);
   CHECK(journal->steps(id)[0].outcome == step_outcome::MarkedDone);
   CHECK(journal->steps(id)[0].result_json == R"({"exit":0})");
   CHECK_THAT(journal_error_of([&] { journal->step_finished(id, "canary/deploy", step_outcome::Done, "", 4000); }),
              Catch::Contains("no unfinished attempt"));
   CHECK_THAT(journal_error_of([&] { journal->step_finished(id, "never/started", step_outcome::Done, "", 4000); }),
              Catch::Contains("never/started"));
   // The step events say the same, byte for byte, on every backend.
   std::vector<std::string> step_events;
   for (const auto& event : journal->events(id)) {
      if (event.kind == "step_started" || event.kind == "step_finished") {
         step_events.push_back(event.kind + " " + event.step_id + " " + event.data_json);
      }
   }
   CHECK(step_events == std::vector<std::string>{
      R"(step_started canary/deploy {"attempt":1,"def_hash":"h1","kind":"sh"})",
      R"(step_finished canary/deploy {"attempt":1,"outcome":"done"})",
      R"(step_started canary/soak {"attempt":1,"deadline_ms":601000.0,"def_hash":"h2","kind":"wait"})",
      R"(step_finished canary/soak {"attempt":1,"outcome":"interrupted"})",
      R"(step_started canary/deploy {"attempt":2,"def_hash":"h1b","kind":"sh"})",
      R"(step_finished canary/deploy {"attempt":2,"outcome":"marked_done"})"});
   // Steps are per run.
   const std::string other = journal->create_run(sample_run());
   CHECK(journal->steps(other).empty());
   CHECK(journal->step_started(other, "canary/deploy", "sh", "h1", "{}", std::nullopt, 0) == 1);
}

TEST_CASE("events come back in the order they were journaled", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   auto journal = t.open();
   const std::string a = journal->create_run(sample_run());
   const std::string b = journal->create_run(sample_run());
   journal->step_started(a, "s1", "http", "h", "{}", std::nullopt, 10);
   journal->record(b, "log", "", R"({"text":"other run"})", 11);
   journal->record(a, "sample", "s1", R"({"metric":"error_rate","value":0.01})", 12);
   journal->step_finished(a, "s1", step_outcome::Done, "{}", 13);
   journal->record(a, "answer", "s1", R"({"item":"dashboards green","by":"ann"})", 14);

   const auto events = journal->events(a);
   std::vector<std::string> kinds;
   for (const auto& event : events) kinds.push_back(event.kind);
   CHECK(kinds == std::vector<std::string>{"run", "step_started", "sample", "step_finished", "answer"});
   for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i].seq > events[i - 1].seq);
   CHECK(events[2].at == 12);
   CHECK(events[2].step_id == "s1");
   CHECK(events[2].wall_at > 0);
   CHECK(events[2].data_json == R"({"metric":"error_rate","value":0.01})");
   CHECK(journal->events(b).size() == 2);
   CHECK_THROWS_AS(journal->record("r-nope", "log", "", "{}", 0), JournalError);

   // A reader following the run asks only for what is new.
   const auto newer = journal->events(a, events[2].seq);
   REQUIRE(newer.size() == 2);
   CHECK(newer[0].kind == "step_finished");
   CHECK(newer[1].seq == events[4].seq);
   CHECK(journal->events(a, events[4].seq).empty());
   CHECK(journal->events(a, 0).size() == events.size());
}

TEST_CASE("requests from other terminals are taken once, in order", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   const std::string path = t.spec();
   auto journal = open_journal(path);
   const std::string id = journal->create_run(sample_run());
   CHECK(journal->take_requests(id).empty());

   auto other_terminal = open_journal(path);
   other_terminal->post_request(id, "approve", R"({"step":"prod/go"})");
   other_terminal->post_request(id, "abort", R"({"rollback":"undo"})");
   CHECK_THROWS_WITH(other_terminal->post_request("r-nope", "abort", "{}"), Catch::Contains("no run r-nope"));

   const auto taken = journal->take_requests(id);
   REQUIRE(taken.size() == 2);
   CHECK(taken[0] == std::pair<std::string, std::string>{"approve", R"({"step":"prod/go"})"});
   CHECK(taken[1].first == "abort");
   CHECK(journal->take_requests(id).empty());
}

TEST_CASE("leases: reacquire, live holder refused, dead holder taken over", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   const std::string path = t.spec();
   auto journal = open_journal(path);

   SECTION("the holding process may take its lease again") {
      const std::string id = journal->create_run(sample_run());
      journal->acquire_lease(id);
      journal->heartbeat(id);
      for (const auto& event : journal->events(id)) CHECK(event.kind != "lease_takeover");
      journal->release_lease(id);
      CHECK(journal->run(id)->lease_pid == 0);
      journal->acquire_lease(id);
      CHECK(journal->run(id)->lease_pid == getpid());
   }

   SECTION("a live holder keeps the run; once it is gone the run is taken over") {
      const auto [holder, id] = spawn_holder(path);
      try {
         journal->acquire_lease(id);
         FAIL("acquire_lease succeeded against a live holder");
      } catch (const LeaseHeld& held) {
         CHECK(held.pid == holder);
         CHECK(held.host == current_process_holder().host);
         CHECK_THAT(std::string(held.what()),
                    Catch::Contains(id) && Catch::Contains("pid " + std::to_string(holder)) &&
                       Catch::Contains("since") && Catch::Contains("UTC"));
      }
      // A live holder's run stays running and is not resumable.
      CHECK(journal->run(id)->status == run_status::Running);
      CHECK_FALSE(journal->latest_resumable());
      CHECK_THROWS_AS(journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0), LeaseHeld);

      kill(holder, SIGKILL);
      CHECK(wait_child(holder) == 128 + SIGKILL);
      journal->acquire_lease(id);
      const auto run = journal->run(id);
      CHECK(run->lease_pid == getpid());
      const auto events = journal->events(id);
      REQUIRE_FALSE(events.empty());
      CHECK(events.back().kind == "lease_takeover");
      CHECK_THAT(events.back().data_json, Catch::Contains(std::to_string(holder)));
      CHECK(journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0) == 1);
   }

   SECTION("a holder on another host is trusted only while its heartbeat is fresh") {
      const std::string id = journal->create_run(sample_run());
      t.raw("UPDATE runs SET lease_host = 'elsewhere', lease_pid = 1, heartbeat_at = " +
               std::to_string(wall_now_ms() - 5'000) + " WHERE id = '" + id + "'");
      const auto message = journal_error_of<LeaseHeld>([&] { journal->acquire_lease(id); });
      CHECK_THAT(message, Catch::Contains("host elsewhere"));
      // Lost our lease: the next step must not run.
      CHECK_THROWS_AS(journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0), LeaseHeld);
      CHECK_THROWS_AS(journal->heartbeat(id), LeaseHeld);

      t.raw("UPDATE runs SET heartbeat_at = " + std::to_string(wall_now_ms() - 120'000) + " WHERE id = '" + id +
               "'");
      journal->acquire_lease(id);
      CHECK(journal->run(id)->lease_host == current_process_holder().host);
      CHECK(journal->events(id).back().kind == "lease_takeover");
   }
}

TEST_CASE("two processes racing for a dead run's lease: exactly one wins", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   const std::string path = t.spec();
   for (int round = 0; round < 3; ++round) {
      std::string id;
      {
         const auto [holder, held_id] = spawn_holder(path);
         kill(holder, SIGKILL);
         wait_child(holder);
         id = held_id;
      }
      // go: both start when it closes. results: each reports won/lost.
      // release: the winner holds the run until it closes, so the loser
      // always races a live holder however slowly it is scheduled.
      int go[2], results[2], release[2];
      REQUIRE(pipe(go) == 0);
      REQUIRE(pipe(results) == 0);
      REQUIRE(pipe(release) == 0);
      std::vector<pid_t> racers;
      for (int i = 0; i < 2; ++i) {
         racers.push_back(fork_child([&] {
            close(go[1]);
            close(results[0]);
            close(release[1]);
            auto journal = open_journal(path);
            char c;
            if (read(go[0], &c, 1) != 0) return 4;
            char result = 'w';
            try {
               journal->acquire_lease(id);
            } catch (const LeaseHeld&) {
               result = 'l';
            }
            if (write(results[1], &result, 1) != 1) return 5;
            if (result == 'l') return 1;
            while (read(release[0], &c, 1) > 0) {
            }
            return 0;
         }));
      }
      close(go[0]);
      close(results[1]);
      close(release[0]);
      close(go[1]);
      std::string outcomes;
      char c;
      while (outcomes.size() < 2 && read(results[0], &c, 1) == 1) outcomes += c;
      close(results[0]);
      close(release[1]);
      std::sort(outcomes.begin(), outcomes.end());
      CHECK(outcomes == "lw");
      std::multiset<int> codes;
      for (const pid_t racer : racers) codes.insert(wait_child(racer));
      CHECK(codes == std::multiset<int>{0, 1});
   }
}

TEST_CASE("a run whose process died is marked interrupted when anyone looks", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   const std::string path = t.spec();
   auto journal = open_journal(path);
   const std::string finished = journal->create_run(sample_run());
   journal->set_status(finished, run_status::Completed);
   journal->release_lease(finished);

   const auto [holder, id] = spawn_holder(path);
   kill(holder, SIGKILL);
   wait_child(holder);

   const auto runs = journal->runs();
   REQUIRE(runs.size() == 2);
   const auto& dead = runs[0].id == id ? runs[0] : runs[1];
   CHECK(dead.status == run_status::Interrupted);
   CHECK_THAT(dead.detail, Catch::Contains("gone") && Catch::Contains(std::to_string(holder)));
   CHECK(journal->events(id).back().kind == "run");
   CHECK_THAT(journal->events(id).back().data_json, Catch::Contains("interrupted"));

   const auto resumable = journal->latest_resumable();
   REQUIRE(resumable);
   CHECK(resumable->id == id);

   // A run left "running" with nobody holding it is interrupted as well.
   const std::string orphan = journal->create_run(sample_run());
   journal->release_lease(orphan);
   CHECK(journal->run(orphan)->status == run_status::Interrupted);
}

TEST_CASE("a holder whose run was taken over is fenced off: every later write is refused", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   auto journal = t.open();
   const std::string id = journal->create_run(sample_run());
   CHECK(journal->step_started(id, "canary/deploy", "sh", "h1", "{}", std::nullopt, 1000) == 1);
   // This process stops heartbeating (frozen, partitioned away) ...
   t.raw("UPDATE runs SET heartbeat_at = " + std::to_string(wall_now_ms() - 3'600'000) + " WHERE id = '" + id + "'");

   // ... and another host takes the run over.
   const pid_t other = fork_child([&] {
      setenv("RUNBOOK_HOST", "other-host", 1);
      try {
         auto taker = open_journal(t.spec());
         taker->acquire_lease(id);
         taker->step_finished(id, "canary/deploy", step_outcome::MarkedDone, "{}", 2000);
         return taker->step_started(id, "canary/shift", "http", "h2", "{}", std::nullopt, 2100) == 1 ? 0 : 1;
      } catch (const JournalError& error) {
         std::fprintf(stderr, "the taker failed: %s\n", error.what());
         return 2;
      }
   });
   REQUIRE(wait_child(other) == 0);

   // The old holder wakes: nothing it writes gets in, and it is told why.
   const auto message = journal_error_of<LeaseLost>([&] {
      journal->step_finished(id, "canary/deploy", step_outcome::Done, "{}", 1500);
   });
   CHECK_THAT(message, Catch::Contains("other-host") && Catch::Contains("stops"));
   CHECK_THROWS_AS(journal->step_started(id, "canary/shift", "http", "h2", "{}", std::nullopt, 1600), LeaseLost);
   CHECK_THROWS_AS(journal->heartbeat(id), LeaseLost);
   CHECK_THROWS_AS(journal->record(id, "log", "", R"({"text":"late"})", 1700), LeaseLost);
   // Releasing does nothing: the run is the new holder's.
   journal->release_lease(id);
   const auto run = journal->run(id);
   REQUIRE(run);
   CHECK(run->lease_host == "other-host");

   const auto steps = journal->steps(id);
   REQUIRE(steps.size() == 2);
   CHECK(steps[0].outcome == step_outcome::MarkedDone);
   CHECK(steps[1].step_id == "canary/shift");
   CHECK(steps[1].attempt == 1);
   std::vector<std::string> kinds;
   for (const auto& event : journal->events(id)) kinds.push_back(event.kind);
   CHECK(std::count(kinds.begin(), kinds.end(), "lease_takeover") == 1);
   CHECK(std::count(kinds.begin(), kinds.end(), "log") == 0);
}

TEST_CASE("a live holder on another host is never taken over", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   auto journal = t.open();
   const std::string id = journal->create_run(sample_run());
   const pid_t other = fork_child([&] {
      setenv("RUNBOOK_HOST", "other-host", 1);
      auto taker = open_journal(t.spec());
      try {
         taker->acquire_lease(id);
      } catch (const LeaseHeld& held) {
         return std::string(held.what()).find("held by") != std::string::npos ? 0 : 2;
      }
      return 1;
   });
   CHECK(wait_child(other) == 0);
   journal->heartbeat(id);
   CHECK(journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0) == 1);
}

TEST_CASE("runs are found by runbook, status and the operator who started them", "[journal][conformance]")
{
   TestJournal t(GENERATE(from_range(journal_backends())));
   auto journal = t.open();
   const auto started = [&](const std::string& path, const std::string& who, const char* status) {
      NewRun run = sample_run();
      run.runbook_path = path;
      run.operator_name = who;
      const std::string id = journal->create_run(run);
      journal->set_status(id, status);
      journal->release_lease(id);
      return id;
   };
   const std::string a = started("rollout.rb", "ann", run_status::Completed);
   const std::string b = started("rollout.rb", "bob", run_status::Failed);
   const std::string c = started("dns.rb", "ann", run_status::Failed);
   CHECK(journal->run(a)->operator_name == "ann");

   const auto ids = [&](const RunFilter& filter) {
      std::set<std::string> found;
      for (const auto& run : journal->find_runs(filter)) found.insert(run.id);
      return found;
   };
   CHECK(ids({}) == std::set<std::string>{a, b, c});
   CHECK(ids({"rollout.rb", "", ""}) == std::set<std::string>{a, b});
   CHECK(ids({"", run_status::Failed, ""}) == std::set<std::string>{b, c});
   CHECK(ids({"", "", "ann"}) == std::set<std::string>{a, c});
   CHECK(ids({"rollout.rb", run_status::Failed, "bob"}) == std::set<std::string>{b});
   CHECK(ids({"nothing.rb", "", ""}).empty());
   // Newest first, as runs() lists them.
   const auto all = journal->find_runs({});
   REQUIRE(all.size() == 3);
   CHECK(all.front().started_at >= all.back().started_at);
}
