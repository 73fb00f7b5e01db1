#include <fmt/format.h>

#include "plan/render.hpp"

namespace runbook::plan {

namespace {

/// Inline code that survives backticks in the text.
std::string code(const std::string& text)
{
   const std::string fence = text.find('`') == std::string::npos ? "`" : "``";
   const std::string pad = fence.size() > 1 ? " " : "";
   return fence + pad + text + pad + fence;
}

/// A table cell: pipes would end the cell, newlines the row.
std::string cell(const std::string& text)
{
   std::string out;
   for (const char c : text) {
      if (c == '|') out += "\\|";
      else if (c == '\n') out += ' ';
      else out += c;
   }
   return out;
}

/// Inside a function call only the function's own part of the id is shown
/// (`fn:traffic.route/5`): the call above it carries the rest, and the full
/// ids would make a review comment of a large rollout too long to post.
std::string shown_id(const std::string& id)
{
   const auto frame = id.rfind("/fn:");
   return frame == std::string::npos ? id : id.substr(frame + 1);
}

void markdown_steps(std::string& out, const std::vector<PlanStep>& list, int depth)
{
   const std::string indent(depth * 2, ' ');
   for (const auto& step : list) {
      if (step.kind == "iteration" || step.kind == "branch" || step.kind == "undo" || step.kind == "on-fail") {
         out += fmt::format("{}- *{}*\n", indent, step.text);
      } else {
         std::string line = fmt::format("{}- {} {}", indent, code(shown_id(step.id)), code(step.text));
         if (step.timing.happy_ms > 0 || step.timing.worst_ms > 0) {
            line += " — " + human_duration(step.timing.happy_ms);
            if (step.timing.worst_ms != step.timing.happy_ms) line += " (at most " + human_duration(step.timing.worst_ms) + ")";
         }
         if (step.side_effect && (step.kind == "sh" || step.kind == "http" || step.kind == "notify")) line += " **side effect**";
         if (!step.rollback.empty()) line += " → rollback " + code(step.rollback);
         out += line + "\n";
         for (const auto& detail : step.details) out += fmt::format("{}  - {}\n", indent, code(detail));
         for (const auto& item : step.items) out += fmt::format("{}  - [ ] {}\n", indent, item);
      }
      markdown_steps(out, step.children, depth + 1);
   }
}

std::string names(const std::vector<std::string>& list)
{
   if (list.empty()) return "none";
   std::string out;
   for (const auto& name : list) out += (out.empty() ? "" : ", ") + code(name);
   return out;
}

/// The trigger's condition, and what it does when its metric cannot be read.
std::string when_cell(const PlanTrigger& t)
{
   return cell(code(t.condition)) + (t.lost.empty() ? "" : ", " + cell(t.lost));
}

}  // namespace

std::string render_markdown(const Plan& plan)
{
   std::string out = fmt::format("## Plan: {}\n\n", plan.title);
   out += fmt::format("**File:** {}  \n", code(plan.file));
   if (!plan.lock.empty()) out += fmt::format("**Lock:** {} (runs of runbooks naming it exclude each other)  \n", code(plan.lock));
   out += fmt::format("**Duration:** {}\n", timing_summary(plan.timing));
   if (!plan.params.empty()) {
      out += "\n### Params\n\n| name | type | value | source |\n| --- | --- | --- | --- |\n";
      for (const auto& p : plan.params)
         out += fmt::format("| {} | {} | {} | {} |\n", code(p.name), p.type, cell(code(p.value)), p.source);
   }
   if (!plan.secrets.empty()) {
      out += "\n### Secrets\n\n| name | from | shown as |\n| --- | --- | --- |\n";
      for (const auto& s : plan.secrets) out += fmt::format("| {} | {} | `***` |\n", code(s.name), code("$" + s.env_var));
   }
   if (!plan.metrics.empty()) {
      out += "\n### Metrics\n\n| metric | unit | source |\n| --- | --- | --- |\n";
      for (const auto& m : plan.metrics)
         out += fmt::format("| {} | {} | {} |\n", code(m.name), cell(m.unit), cell(code(m.source)));
   }
   if (!plan.triggers.empty()) {
      out += "\n### Triggers\n\n| trigger | severity | when | for | every | action | armed in |\n"
             "| --- | --- | --- | --- | --- | --- | --- |\n";
      for (const auto& t : plan.triggers) {
         std::string severity = t.warning ? "warning" : t.severity;
         if (!t.grace.empty()) severity += " (grace " + t.grace + ")";
         if (!t.decide.empty()) severity += " (decide " + t.decide + ")";
         out += fmt::format("| {} {} | {} | {} | {} | {} | {} | {} |\n", code(t.name), cell(t.title), severity,
                            t.manual ? std::string("manual (`runbook fire`)") : when_cell(t), t.window.empty() ? "—" : t.window, t.every, cell(code(t.action)),
                            names(t.armed_in));
      }
   }
   for (const auto& phase : plan.phases) {
      out += fmt::format("\n### Phase {}: {}\n\n", phase.number, phase.title);
      out += fmt::format("Arms: {} · {}\n\n", names(phase.arms), timing_summary(phase.timing));
      if (!phase.on_fail.text.empty()) {
         const std::string origin = phase.on_fail.origin.empty() ? "" : " (" + phase.on_fail.origin + ")";
         out += fmt::format("On fail: {}{}\n\n", phase.on_fail.text, origin);
         if (phase.on_fail.origin.empty()) markdown_steps(out, phase.on_fail.steps, 1);
      }
      markdown_steps(out, phase.steps, 0);
      if (!phase.finally.empty()) {
         out += "\nFinally (runs whether the steps above succeeded or failed):\n\n";
         markdown_steps(out, phase.finally, 0);
      }
   }
   for (const auto& rollback : plan.rollbacks) {
      out += fmt::format("\n### Rollback {}\n\n", code(rollback.name));
      out += fmt::format("Reached by: {} · {}\n\n",
                         rollback.reached_by.empty() ? "nothing (an operator can start it)"
                                                     : fmt::format("{}", fmt::join(rollback.reached_by, ", ")),
                         timing_summary(rollback.timing));
      if (!rollback.deadline.empty()) out += fmt::format("Deadline: {}\n\n", cell(code(rollback.deadline)));
      markdown_steps(out, rollback.steps, 0);
      if (!rollback.finally.empty()) {
         out += "\nFinally (runs whether the steps above succeeded or failed):\n\n";
         markdown_steps(out, rollback.finally, 0);
      }
   }
   if (!plan.ensures.empty()) {
      out += "\n### Ensure\n\nChecked once when the run ends; reported, the exit code stays.\n\n| id | invariant | expression |\n| --- | --- | --- |\n";
      for (const auto& e : plan.ensures)
         out += fmt::format("| {} | {} | {} |\n", code(e.id), cell(e.title), cell(code(e.expression)));
   }
   return out;
}

}  // namespace runbook::plan
