// The interpreter on a real, scaled clock (`--time-scale`): a blocking call
// that ends at once must not cost the run a fixed slice of wall time, which a
// high scale turns into minutes of runbook time.
#include "exec_test_support.hpp"

#include "exec/exit_codes.hpp"
#include "journal/testing.hpp"

using namespace runbook;
using namespace runbook::testing;

namespace {

/// The fake world's answers, on a real clock running `scale` times faster.
class ScaledFakeWorld : public FakeWorld {
public:
   explicit ScaledFakeWorld(double scale) : scaled_(make_scaled_clock(scale)) {}
   Clock& clock() override { return *scaled_; }

private:
   std::unique_ptr<Clock> scaled_;
};

}  // namespace

TEST_CASE("on a scaled clock, instant requests and commands take no fixed slice of runbook time", "[exec]")
{
   // Twenty steps whose effect returns at once. The supervisor used to look
   // at a finished worker only every 50 wall ms: at scale 1000 that is 50 s
   // of runbook time per step, 1000 s for the run. Now it looks after 1, 2,
   // 4 ... ms, so an instant step costs a few ms of wall time at most.
   std::string source = "runbook \"t\"\nphase \"One\" {\n";
   for (int i = 0; i < 10; ++i) source += "  sh \"true\"\n  http get \"http://127.0.0.1:9/\"\n";
   source += "}\n";
   const Program program = load_source(source);
   TempDir dir;
   auto journal = Journal::open(dir.file("journal.db"));
   // No fsync: the test measures the supervisor, not the disk.
   journal_testing::set_flushes(*journal, false);
   ScaledFakeWorld world(1000);
   RecordingObserver observer;
   RunSettings settings;
   Interpreter interpreter(program, world, *journal, observer, settings);

   const double started = world.clock().now();
   const RunOutcome outcome = interpreter.start("test.rb");
   const double runbook_ms = world.clock().now() - started;

   REQUIRE(outcome.exit_code == exit_code::Completed);
   REQUIRE(world.shell_calls.size() == 10);
   REQUIRE(world.http_calls.size() == 10);
   // 20 steps at the old 50 ms floor: >= 1000 s of runbook time. Allow a
   // loaded machine 20 ms of wall time per step on average (400 s).
   INFO("runbook time for 20 instant steps: " << runbook_ms / 1000 << " s");
   REQUIRE(runbook_ms < 20 * 20 * 1000.0);
}
