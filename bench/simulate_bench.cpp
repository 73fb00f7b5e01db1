// bench_simulate: how fast `runbook simulate` rehearses the shipped rollout.
//
// Simulates runbooks/rollout.rb end to end against a healthy scenario (every
// canary window, the two hours of full-rollout monitoring, 30 s sampling:
// five and a half virtual hours and more) and against an error spike that
// rolls back. Prints the wall time per simulation (median of N runs), virtual
// seconds per wall second, and the process's peak RSS. The aim (issue 5): under
// 100 ms a simulation, i.e. more than 100,000x real time.
//
//   build/bench/bench_simulate [RUNS]     (run from the source tree)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "simulate/scenario_parser.hpp"
#include "simulate/simulation.hpp"

using namespace runbook;

namespace {

struct Figures {
   double median_ms = 0;
   double best_ms = 0;
   double virtual_ms = 0;
   int exit_code = 0;
};

Figures measure(const std::string& path, int runs)
{
   Diagnostics diags;
   const sim::Scenario scenario = sim::load_scenario(path, diags);
   if (diags.has_errors()) {
      fmt::print(stderr, "{}", render_text(diags));
      std::exit(2);
   }
   std::vector<double> wall;
   Figures f;
   for (int i = 0; i < runs; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const auto result = sim::simulate(scenario, {}, diags);
      const auto end = std::chrono::steady_clock::now();
      if (!result) {
         fmt::print(stderr, "{}", render_text(diags));
         std::exit(2);
      }
      wall.push_back(std::chrono::duration<double, std::milli>(end - start).count());
      f.virtual_ms = result->end_ms - result->start_ms;
      f.exit_code = result->exit_code;
   }
   std::sort(wall.begin(), wall.end());
   f.median_ms = wall[wall.size() / 2];
   f.best_ms = wall.front();
   return f;
}

}  // namespace

int main(int argc, char** argv)
{
   const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
   // Each case with the exit code its label claims: a figure for a
   // simulation that ended otherwise (failed early, say) measures nothing.
   struct Case {
      std::string name;
      std::string path;
      int expected_exit;
   };
   const std::vector<Case> cases = {
      {"rollout, healthy (completes)", "runbooks/tests/rollout-happy.scenario", 0},
      {"rollout, error spike at 25% (rolls back)", "runbooks/tests/rollout-error-spike-25.scenario", 3},
      {"rollout, interrupted and resumed", "runbooks/tests/rollout-interrupted.scenario", 0},
   };
   fmt::print("{:<44} {:>12} {:>10} {:>10} {:>16}\n", "simulation", "virtual", "median", "best", "virtual s/wall s");
   std::vector<Figures> figures;
   for (const Case& c : cases) {
      const Figures f = measure(c.path, runs);
      if (f.exit_code != c.expected_exit) {
         fmt::print(stderr, "{}: the simulation ended with exit {}, expected {}\n", c.path, f.exit_code, c.expected_exit);
         return 1;
      }
      fmt::print("{:<44} {:>11.2f}h {:>8.1f}ms {:>8.1f}ms {:>16.0f}\n", c.name, f.virtual_ms / 3600000.0, f.median_ms, f.best_ms,
                 f.virtual_ms / f.median_ms);
      figures.push_back(f);
   }
   // Machine-readable lines for bench/report.py: the healthy rollout is the figure of issue 8.
   const Figures& healthy = figures.front();
   fmt::print("RESULT healthy_virtual_h {:.3f}\nRESULT healthy_median_ms {:.2f}\nRESULT healthy_virtual_per_wall {:.0f}\n",
              healthy.virtual_ms / 3600000.0, healthy.median_ms, healthy.virtual_ms / healthy.median_ms);
   rusage usage{};
   getrusage(RUSAGE_SELF, &usage);
   fmt::print("peak RSS: {:.1f} MB ({} runs each)\n", usage.ru_maxrss / 1024.0, runs);
   return 0;
}
