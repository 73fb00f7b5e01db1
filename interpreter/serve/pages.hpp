// The pages: the list of runs and one run. They read the journal only
// through its interface, and show only what it holds (redacted by the run
// before it was journaled: no secret can reach a page).
#pragma once

#include <optional>
#include <string>

#include "journal/journal.hpp"
#include "plan/plan.hpp"
#include "serve/html.hpp"

namespace runbook::serve {

struct RunsFilter {
   std::string status;          ///< A run status word ("running"); empty: all.
   std::string runbook;         ///< A part of the runbook's path or title; empty: all.
   std::string operator_name;   ///< Who started the run (RUNBOOK_OPERATOR); empty: all.
   std::size_t page = 0;        ///< Which runs_per_page runs, newest first: 0 is the newest.
};

/// A team's journal holds thousands of runs: the runs page shows this many.
inline constexpr std::size_t runs_per_page = 100;

std::string runs_page(Journal& journal, const RunsFilter& filter, const Viewer& viewer);

/// What the run page shows of the run's plan, worked out from its journaled
/// source (nullopt when that no longer checks).
struct RunPlan {
   std::optional<plan::Plan> plan;
   std::string problem;   ///< Why there is no plan.
};

/// The block that changes while the run goes on: status, phase, step,
/// question, conditions, triggers, and the forms to act (signed in only).
/// `events` are the run's, read once by the caller (the run page shows them too).
std::string run_state(Journal& journal, const RunInfo& run, const std::vector<JournalEvent>& events,
                      const RunPlan& plan, const Viewer& viewer);

/// The whole run page: the state block, the timeline and the plan.
/// `notice` is a fixed sentence (what was just sent), or empty.
std::string run_page(Journal& journal, const RunInfo& run, const RunPlan& plan, const Viewer& viewer,
                     const std::string& notice);

/// A small SVG line chart of `values` (oldest first), with `threshold` as a
/// dashed line when there is one. Its text alternative is `label`.
std::string sparkline(const std::vector<double>& values, std::optional<double> threshold, const std::string& label);

/// The plan as SVG, drawn by Graphviz `dot` with `current` highlighted;
/// empty when `dot` is not installed or fails (the page shows the text plan).
std::string plan_svg(const plan::Plan& plan, const std::string& current);

}  // namespace runbook::serve
