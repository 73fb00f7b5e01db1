// Decisions (docs/language.md "Decisions"): `timeout D default no|yes` and
// `else ROUTE` on approve and checklist.
#include "exec_test_support.hpp"

#include "exec/exit_codes.hpp"

using namespace runbook;
using namespace runbook::testing;

TEST_CASE("approve else ROUTE: a no goes to the route, not to the step's failure", "[exec][decisions]")
{
   Harness h(R"(runbook "t"
phase "One" {
  approve "Go?" else rollback back
  sh "never"
}
rollback back { sh "restore" }
)");
   h.world.on_ask = [](const Question&) { return Answer{"no", "alice", false}; };
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.world.commands() == std::vector<std::string>{"restore"});
}

TEST_CASE("approve timeout D default no: nobody in time is a no, journaled as the default", "[exec][decisions]")
{
   Harness h(R"(runbook "t"
phase "One" {
  approve "Go?" timeout 30m default no else { notify "declined by default" }
  sh "after"
}
)");
   h.world.on_ask = answers_after(45, "yes");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::Completed);
   CHECK(h.observer.has(RunEvent::Kind::Notify, "declined by default"));
   CHECK(h.observer.has(RunEvent::Kind::Answer, "no (default after timeout)"));
   // The question ended at its deadline, not when the slow operator would have answered.
   CHECK(h.world.shell_calls.at(0).at - t0 == 30 * 60'000.0);
}

TEST_CASE("approve timeout D default yes approves, and an answer in time wins", "[exec][decisions]")
{
   const char* source = R"(runbook "t"
phase "One" {
  approve "Go?" timeout 10m default yes
  sh "after"
}
)";
   {
      Harness h(source);
      h.world.on_ask = answers_after(60, "no");
      CHECK(h.run().exit_code == exit_code::Completed);
   }
   {
      Harness h(source);
      h.world.on_ask = answers_after(5, "no");
      CHECK(h.run().exit_code == exit_code::Failed);
   }
}

TEST_CASE("a timeout without a default: nobody answering in time is a failure, routed", "[exec][decisions]")
{
   Harness h(R"(runbook "t"
phase "One" on fail rollback back {
  checklist "Ready" {
    - "Database backed up"
  } timeout 15m
}
rollback back { log "back" }
)");
   h.world.on_ask = answers_after(20, "yes");
   const RunOutcome out = h.run();
   CHECK(out.exit_code == exit_code::RolledBack);
   CHECK(h.observer.has(RunEvent::Kind::StepFinished, "nobody answered within 15m"));
}
