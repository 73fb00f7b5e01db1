// The simulate timeline: what the run did, in virtual time, for a reviewer.
//
// TimelineRecorder is a RunObserver: it turns the interpreter's RunEvents into
// TimelineEntries (keeping, of the many samples a long watch takes, those
// that decided something). render_timeline() prints a SimulationResult as
// text, Markdown (ready to paste into a pull-request review) or JSON.
// Output is deterministic: offsets from T+0, never wall time; JSON keys in
// sorted order; nothing depends on pointers or hash order.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "exec/events.hpp"
#include "simulate/expectations.hpp"
#include "simulate/simulation_result.hpp"

namespace runbook::sim {

class TimelineRecorder : public RunObserver {
public:
   explicit TimelineRecorder(double start_ms) : start_ms_(start_ms) {}
   void on_event(const RunEvent& event) override;
   /// Adds an entry the simulation itself writes (an interruption, a resume).
   void add(double at, std::string kind, std::string text, nlohmann::json data = nlohmann::json::object());
   std::vector<TimelineEntry> take() { return std::move(entries_); }
   const std::vector<TimelineEntry>& entries() const { return entries_; }

private:
   std::string scrub(const std::string& text) const;

   double start_ms_;
   std::vector<TimelineEntry> entries_;
   /// Run ids are made from the wall clock: the timeline says "the run" instead.
   std::vector<std::string> run_ids_;
   /// The last verdict of each watched condition or trigger, to show only the samples that change it.
   std::map<std::string, std::string> verdicts_;
};


enum class TimelineFormat { Text, Markdown, Json };

/// Parses "text", "markdown" or "json"; false when it is none of them.
bool parse_timeline_format(const std::string& word, TimelineFormat& format);

/// Renders the timeline, the outcome and, when given, the expectations.
std::string render_timeline(const SimulationResult& result, TimelineFormat format,
                            const std::vector<ExpectationResult>& expectations = {});

}  // namespace runbook::sim
