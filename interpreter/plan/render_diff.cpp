// The three spellings of a plan diff (plan/diff.hpp): text for a terminal,
// Markdown for a pull-request comment, JSON for tools.
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "plan/diff.hpp"

namespace runbook::plan {

namespace {

/// Areas in the order a reviewer reads them: what the runbook is, what it
/// reads, what watches it, then what it does.
const char* const diff_areas[] = {"runbook", "param", "metric", "trigger", "ensure", "phase", "rollback", "step"};

const char* area_heading(const std::string& area)
{
   if (area == "runbook") return "Runbook";
   if (area == "param") return "Params";
   if (area == "metric") return "Metrics";
   if (area == "trigger") return "Triggers";
   if (area == "ensure") return "Invariants (ensure)";
   if (area == "phase") return "Phases";
   if (area == "rollback") return "Rollback blocks";
   return "Steps";
}

const char* change_mark(const std::string& what)
{
   if (what == "added") return "+";
   if (what == "removed") return "-";
   if (what == "moved") return ">";
   return "~";
}

std::string change_count(const PlanDiff& diff)
{
   return fmt::format("{} change{}", diff.changes.size(), diff.changes.size() == 1 ? "" : "s");
}

/// What a reviewer must know about runs already in progress.
std::string in_flight_note(const PlanDiff& diff, const char* quote)
{
   if (diff.differing_ids.empty())
      return "Every step id keeps its step: a run in progress can adopt the new file "
             "(`runbook resume --use-current`) wherever it stands.";
   return fmt::format("A run in progress that has reached {0}{1}{0} (the first step id whose step differs) sees "
                      "another step there than the one it journaled: `runbook resume --use-current` refuses the new "
                      "file for it. Step ids that differ: {2}.",
                      quote, diff.differing_ids.front(), fmt::join(diff.differing_ids, ", "));
}

}  // namespace

std::string render_diff_text(const PlanDiff& diff, const std::string& old_name, const std::string& new_name)
{
   if (diff.empty()) return fmt::format("{} -> {}: no change in what the runbook does\n", old_name, new_name);
   std::string out = fmt::format("{} -> {}: {}\n", old_name, new_name, change_count(diff));
   for (const char* area : diff_areas) {
      bool heading = false;
      for (const auto& c : diff.changes) {
         if (c.area != area) continue;
         if (!heading) out += fmt::format("\n{}\n", area_heading(c.area));
         heading = true;
         out += fmt::format("  {} {}{}\n", change_mark(c.what), c.name, c.where.empty() ? "" : "  (" + c.where + ")");
         if (c.what == "moved") out += fmt::format("      {}\n", c.after);
         else {
            if (!c.before.empty()) out += fmt::format("      - {}\n", c.before);
            if (!c.after.empty()) out += fmt::format("      + {}\n", c.after);
         }
      }
   }
   out += "\nRuns in progress\n  " + in_flight_note(diff, "") + "\n";
   return out;
}

std::string render_diff_markdown(const PlanDiff& diff, const std::string& old_name, const std::string& new_name)
{
   std::string out = fmt::format("### Runbook changes: `{}` → `{}`\n\n", old_name, new_name);
   if (diff.empty()) return out + "No change in what the runbook does.\n";
   out += change_count(diff) + ".\n";
   const auto cell = [](const std::string& text) {
      std::string escaped;
      for (char ch : text) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
      return escaped.empty() ? std::string() : "`" + escaped + "`";
   };
   for (const char* area : diff_areas) {
      bool heading = false;
      for (const auto& c : diff.changes) {
         if (c.area != area) continue;
         if (!heading) out += fmt::format("\n#### {}\n\n| | {} | before | after |\n| --- | --- | --- | --- |\n",
                                          area_heading(c.area), std::string(area) == "step" ? "step" : "name");
         heading = true;
         const std::string name = c.where.empty() ? cell(c.name) : cell(c.name) + " (" + c.where + ")";
         out += fmt::format("| {} | {} | {} | {} |\n", c.what, name, cell(c.before), cell(c.after));
      }
   }
   out += "\n#### Runs in progress\n\n" + in_flight_note(diff, "`") + "\n";
   return out;
}

std::string render_diff_json(const PlanDiff& diff, const std::string& old_name, const std::string& new_name)
{
   nlohmann::json out = {{"old", old_name}, {"new", new_name}, {"changes", nlohmann::json::array()},
                         {"differing_step_ids", diff.differing_ids}};
   for (const auto& c : diff.changes)
      out["changes"].push_back({{"area", c.area}, {"name", c.name}, {"change", c.what}, {"where", c.where},
                                {"before", c.before}, {"after", c.after}});
   return out.dump(2) + "\n";
}

}  // namespace runbook::plan
