// `r.elapsed` of an http capture (docs/language-gaps.md, item 7): the
// request's own time on the wall clock. Not scaled by --time-scale (while
// now() and since() are), and given back unchanged by a resumed run.
#include <chrono>
#include <thread>

#include "exec_test_support.hpp"

#include "exec/exit_codes.hpp"
#include "exec/real_world.hpp"
#include "io/http_client.hpp"
#include "support/test_server.hpp"

using namespace runbook;
using namespace runbook::testing;

TEST_CASE("r.elapsed is the request's wall time, not scaled by --time-scale, while since() is", "[exec][elapsed]")
{
   http_global_init();
   test::TestServer server;
   server.server().Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      res.set_content(R"({"status": "healthy"})", "application/json");
   });
   server.start();
   // At --time-scale 60 the 150 ms request is 9 s of runbook time; its own
   // time stays 150 ms (plus a loaded machine's slack, far below 3 s).
   const Program program = load_source(R"(runbook "t"
phase "Time" on fail stop {
  let before = now()
  http get ")" + server.url("/slow") + R"(" expect status 200 as r
  let around = since(before)
  assert r.elapsed >= 150ms "the request's own time, at least the server's sleep"
  assert r.elapsed < 3s "the request's own time is not scaled"
  assert around >= 6s "runbook time is scaled: since() counts it"
  log "request ${r.elapsed}, runbook time ${around}"
}
)");
   TempDir dir;
   auto journal = Journal::open(dir.file("journal.db"));
   RealWorldOptions options;
   options.time_scale = 60;
   auto world = make_real_world(options);
   RecordingObserver observer;
   RunSettings settings;
   Interpreter interpreter(program, *world, *journal, observer, settings);
   const RunOutcome outcome = interpreter.start("test.rb");
   INFO(observer.all_text());
   CHECK(outcome.exit_code == exit_code::Completed);
   CHECK(observer.has(RunEvent::Kind::Log, "request "));
}

TEST_CASE("a resumed run gives back the journaled r.elapsed", "[exec][elapsed][resume]")
{
   Harness h(R"(runbook "t"
phase "One" on fail stop {
  http get "http://svc.test/health" as r
  sh "crash" idempotent
  assert r.elapsed == 80ms "the time of the request the journal recorded"
  log "took ${r.elapsed}"
}
)");
   double takes_ms = 80;
   h.world.on_http = [&](const HttpRequest&) {
      HttpResponse res;
      res.ok = true;
      res.status = 200;
      res.body = "{}";
      res.elapsed_ms = takes_ms;
      return res;
   };
   bool crashed = false;
   h.world.on_shell = [&](const std::string& command) {
      if (command == "crash" && !crashed) {
         crashed = true;
         throw Crash{};
      }
      ShellResult r = exited(0);
      return r;
   };
   h.run();
   REQUIRE(h.crashed);
   takes_ms = 5;   // A request sent again now would say otherwise.
   const RunOutcome out = h.resume(h.latest_run_id());
   INFO(h.observer.all_text());
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(h.world.http_calls.size() == 1);   // Done: not sent again.
   CHECK(h.observer.has(RunEvent::Kind::Log, "took 80ms"));
}
