// The fault model of `runbook verify`: every fault, at every point where it
// can happen, as scenario statements added to the healthy base world.
//
// The points come from the healthy run itself (its side effects, questions,
// steps and their virtual times), as Sieve does with a recorded trace; the
// values come from the runbook's thresholds. Each fault is plain scenario
// text, so the scenario that reproduces a finding is exactly what ran.
#pragma once

#include <string>
#include <vector>

#include "simulate/simulation_result.hpp"
#include "verify/runbook_facts.hpp"

namespace runbook::verify {

/// The fault classes, as the report names them.
namespace fault_class {
inline constexpr const char* StepFails = "step fails";
inline constexpr const char* AnsweredNo = "answered no";
inline constexpr const char* NeverAnswered = "never answered";
inline constexpr const char* OtherChoice = "other choice";
inline constexpr const char* TriggerBreached = "trigger breached";
inline constexpr const char* MetricLost = "metric unreachable";
inline constexpr const char* CrashBefore = "crash before effect";
inline constexpr const char* CrashAfter = "crash after effect";
}  // namespace fault_class

struct Fault {
   std::string cls;                        ///< One of fault_class, or "A, then B" at depth 2.
   std::string where;                      ///< The step (or phase) where it is injected.
   std::string what;                       ///< One line for the report.
   double at_ms = 0;                       ///< When, in the run it was derived from (offset from T+0).
   std::vector<std::string> answers;       ///< `answer` lines: they go before the base's (the first match wins).
   std::vector<std::string> rules;         ///< Other lines: after the base's (the last match wins).
   /// An in-doubt choice that only matters when the resumed run asks: a path
   /// that never asked it repeats another and is not counted.
   std::string in_doubt_choice;
   std::string trigger;                    ///< TriggerBreached: the trigger driven (depth 1).
   int depth = 1;
};

/// Every single fault, injected at every point of the healthy run `healthy`.
/// `notes` gets what could not be injected (a trigger on a probe) and why.
std::vector<Fault> single_faults(const RunbookFacts& facts, const sim::SimulationResult& healthy, std::vector<std::string>& notes);

/// Second faults inside the rollback that `first`'s path (`path`) entered:
/// each rollback side effect failing, each rollback question answered no or
/// never, each triggered metric staying bad while the rollback verifies.
std::vector<Fault> second_faults(const RunbookFacts& facts, const Fault& first, const sim::SimulationResult& path);

/// A scenario string literal: `"..."` with `"` and `\` escaped.
std::string quoted(const std::string& text);
/// A glob that matches `text` literally (`*` and `?` in it match any one character).
std::string literal_glob(const std::string& text);

}  // namespace runbook::verify
