// The properties every path must have, judged on its finished simulation.
//
// They come from what the runbook declares (its rollback blocks, its routes,
// its `ensure` invariants), not from a hand-written spec per path, as Acto
// derives its oracles:
//   ends          the run ends (nothing waits for ever);
//   outcome       it ends completed or rolled back (aborted by its own
//                 `abort`, or failed where the runbook routes to `stop`);
//   ensure        every `ensure` invariant the runbook declares held when
//                 the run ended (docs/verify.md, "ensure");
//   traffic       for a runbook that declares no invariant: traffic the run
//                 moved ends 100% on one environment (the sandbox traffic
//                 model's split, the built-in guess `ensure` replaces);
//   acted on      a P0/P1 trigger whose condition stayed true is not dropped:
//                 the run does not complete;
//   undo          a path through a rollback that runs `undo all` ends with
//                 the undo of every completed forward step with an `undo`
//                 run (unless the runbook stopped where it is on purpose);
//   notified      a path through a rollback that notifies did notify;
//   deadline      a rollback declared `within D` ended its steps within D of
//                 its start (one still running when the path ended, too).
#pragma once

#include <string>
#include <vector>

#include "simulate/simulation_result.hpp"
#include "verify/faults.hpp"
#include "verify/runbook_facts.hpp"

namespace runbook::verify {

namespace property {
inline constexpr const char* Ends = "the run ends";
inline constexpr const char* Outcome = "ends completed or rolled back";
inline constexpr const char* Traffic = "traffic ends on one environment";
inline constexpr const char* Ensure = "ensure holds";
inline constexpr const char* ActedOn = "a breached trigger is acted on";
inline constexpr const char* Undo = "undo all compensates every completed step";
inline constexpr const char* Notified = "the rollback notifies";
inline constexpr const char* Deadline = "rollback ends within its deadline";
}  // namespace property

struct Broken {
   std::string property;   ///< One of property::.
   std::string detail;     ///< What was seen.
};

/// Every property `result` breaks (empty: the path ended safe).
/// `moves_traffic`: the healthy run moved traffic (see moves_traffic()).
std::vector<Broken> check_properties(const RunbookFacts& facts, const Fault& fault, const sim::SimulationResult& result,
                                     bool moves_traffic);

/// True when the run routed traffic through the load balancer's admin API
/// (a POST to .../api/traffic), so where traffic ends is its business.
bool moves_traffic(const sim::SimulationResult& healthy);

/// "blue 95% / green 5%": the final split of the traffic model.
std::string traffic_text(const sim::SimulationResult& result);

}  // namespace runbook::verify
