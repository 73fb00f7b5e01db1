// Formatting a plan: text for the terminal, Markdown for a review comment,
// JSON for tools. All three show the same facts in the same order.
#pragma once

#include <string>

#include "plan/plan.hpp"

namespace runbook::plan {

std::string render_text(const Plan& plan);
/// Headings, tables and checkboxes, ready to paste as a pull-request comment.
std::string render_markdown(const Plan& plan);
/// One JSON document (2-space indented); durations in milliseconds.
std::string render_json(const Plan& plan);

/// "happy path 2h 30m, worst case 3h (2 steps have no timeout)" and similar.
std::string timing_summary(const Timing& timing);

}  // namespace runbook::plan
