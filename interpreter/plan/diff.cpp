#include "plan/diff.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

namespace runbook::plan {

namespace {

/// A step of a plan as the diff compares it: where it is and what it does, in one line.
struct ComparedStep {
   std::string id;
   std::string kind;
   std::string where;
   std::string line;
};

/// Containers that share their id with the step that holds them; their
/// children are compared, not they.
bool is_container(const std::string& kind)
{
   return kind == "iteration" || kind == "branch" || kind == "undo" || kind == "on-fail";
}

std::string one_line(const PlanStep& step)
{
   std::string line = step.text;
   if (!step.details.empty()) line += fmt::format(" ({})", fmt::join(step.details, "; "));
   if (!step.items.empty()) line += fmt::format(" [{}]", fmt::join(step.items, " | "));
   return line;
}

void collect_steps(const std::vector<PlanStep>& steps, const std::string& where, std::vector<ComparedStep>& out)
{
   for (const auto& step : steps) {
      if (!is_container(step.kind)) out.push_back({step.id, step.kind, where, one_line(step)});
      collect_steps(step.children, where, out);
   }
}

/// Every step in the order a run meets it: the phases (their steps, their
/// failure route, their finally), then the rollbacks.
std::vector<ComparedStep> steps_in_run_order(const Plan& plan)
{
   std::vector<ComparedStep> out;
   for (const auto& phase : plan.phases) {
      collect_steps(phase.steps, phase.title, out);
      if (phase.on_fail.origin.empty()) collect_steps(phase.on_fail.steps, phase.title, out);
      collect_steps(phase.finally, phase.title, out);
   }
   collect_steps(plan.on_fail.steps, "the runbook's failure route", out);
   for (const auto& rollback : plan.rollbacks) {
      collect_steps(rollback.steps, "rollback " + rollback.name, out);
      collect_steps(rollback.finally, "rollback " + rollback.name, out);
   }
   return out;
}

/// name -> one line, for the named things a plan declares (params, metrics, ...).
using Lines = std::map<std::string, std::string>;

void diff_lines(const std::string& area, const Lines& before, const Lines& after, std::vector<Change>& out)
{
   for (const auto& [name, line] : before) {
      const auto it = after.find(name);
      if (it == after.end()) out.push_back({area, name, "removed", "", line, ""});
      else if (it->second != line) out.push_back({area, name, "changed", "", line, it->second});
   }
   for (const auto& [name, line] : after)
      if (!before.count(name)) out.push_back({area, name, "added", "", "", line});
}

Lines param_lines(const Plan& plan)
{
   Lines lines;
   for (const auto& p : plan.params) lines[p.name] = fmt::format("{}: {} = {}", p.name, p.type, p.exact_value);
   return lines;
}

Lines metric_lines(const Plan& plan)
{
   Lines lines;
   for (const auto& m : plan.metrics) lines[m.name] = fmt::format("{} unit {}", m.source, m.unit.empty() ? "none" : m.unit);
   return lines;
}

std::string trigger_line(const PlanTrigger& t)
{
   std::string line = t.warning ? "warning" : t.severity;
   if (t.manual) line += " manual";
   else line += " when " + t.condition;
   if (!t.window.empty()) line += " for " + t.window;
   if (!t.every.empty()) line += " every " + t.every;
   if (!t.grace.empty()) line += " grace " + t.grace;
   if (!t.decide.empty()) line += " decide " + t.decide;
   line += " -> " + t.action;
   if (!t.lost.empty()) line += " " + t.lost;
   return line;
}

Lines trigger_lines(const Plan& plan)
{
   Lines lines;
   for (const auto& t : plan.triggers) lines[t.name] = trigger_line(t);
   return lines;
}

/// Where each trigger is armed, compared apart from what it does: a trigger
/// armed in one phase fewer is a change a reviewer must see on its own.
Lines trigger_arming(const Plan& plan)
{
   Lines lines;
   for (const auto& t : plan.triggers)
      lines[t.name] = t.armed_in.empty() ? "armed nowhere" : fmt::format("armed in {}", fmt::join(t.armed_in, ", "));
   return lines;
}

/// Invariants by title: what a run must leave true, as the plan spells it.
Lines ensure_lines(const Plan& plan)
{
   Lines lines;
   for (const auto& e : plan.ensures) lines[e.title] = e.expression;
   return lines;
}

Lines phase_lines(const Plan& plan)
{
   Lines lines;
   for (const auto& p : plan.phases) {
      std::string line = fmt::format("\"{}\"", p.title);
      if (!p.arms.empty()) line += fmt::format(" arms {}", fmt::join(p.arms, ", "));
      if (!p.on_fail.text.empty()) line += " on fail " + p.on_fail.text;
      lines[p.slug] = line;
   }
   return lines;
}

Lines rollback_lines(const Plan& plan)
{
   Lines lines;
   for (const auto& r : plan.rollbacks) {
      std::string line = r.deadline.empty() ? "no deadline" : "within " + r.deadline;
      if (!r.reached_by.empty()) line += fmt::format("; reached by {}", fmt::join(r.reached_by, ", "));
      lines[r.name] = line;
   }
   return lines;
}

/// The steps of two plans, matched. A step doing the same at the same id is
/// unchanged; one doing the same at another id moved (a step inserted above
/// it shifts its id); one whose id stayed and whose doing changed is changed;
/// what is left was removed or added.
void diff_steps(const Plan& before, const Plan& after, PlanDiff& diff)
{
   const auto old_steps = steps_in_run_order(before);
   const auto new_steps = steps_in_run_order(after);
   const auto same = [](const ComparedStep& a, const ComparedStep& b) { return a.kind == b.kind && a.line == b.line; };

   std::vector<const ComparedStep*> old_left, new_left;
   std::map<std::string, const ComparedStep*> old_by_id;
   for (const auto& s : old_steps) old_by_id.emplace(s.id, &s);
   std::set<std::string> unchanged;
   for (const auto& s : new_steps) {
      const auto it = old_by_id.find(s.id);
      if (it != old_by_id.end() && same(*it->second, s)) unchanged.insert(s.id);
      else new_left.push_back(&s);
   }
   for (const auto& s : old_steps)
      if (!unchanged.count(s.id)) old_left.push_back(&s);

   const auto take = [&new_left](const std::function<bool(const ComparedStep&)>& match) -> const ComparedStep* {
      const auto it = std::find_if(new_left.begin(), new_left.end(), [&](const ComparedStep* s) { return s && match(*s); });
      if (it == new_left.end()) return nullptr;
      const ComparedStep* found = *it;
      *it = nullptr;
      return found;
   };
   // Moves first, so that a step whose id an inserted step took is found
   // where it went rather than read as changed into the newcomer.
   std::vector<Change> by_old_step(old_left.size());
   for (std::size_t i = 0; i < old_left.size(); ++i) {
      const ComparedStep& s = *old_left[i];
      diff.differing_ids.push_back(s.id);
      if (const auto* moved = take([&](const ComparedStep& n) { return same(s, n); }))
         by_old_step[i] = {"step", s.id + " -> " + moved->id, "moved", moved->where, s.line, s.line};
   }
   for (std::size_t i = 0; i < old_left.size(); ++i) {
      const ComparedStep& s = *old_left[i];
      if (!by_old_step[i].what.empty()) continue;
      if (const auto* now = take([&](const ComparedStep& n) { return n.id == s.id; }))
         by_old_step[i] = {"step", s.id, "changed", s.where, s.line, now->line};
      else by_old_step[i] = {"step", s.id, "removed", s.where, s.line, ""};
   }
   for (auto& change : by_old_step) diff.changes.push_back(std::move(change));
   for (const ComparedStep* s : new_left)
      if (s != nullptr) diff.changes.push_back({"step", s->id, "added", s->where, "", s->line});
}

}  // namespace

PlanDiff diff_plans(const Plan& before, const Plan& after)
{
   PlanDiff diff;
   if (before.title != after.title) diff.changes.push_back({"runbook", "title", "changed", "", before.title, after.title});
   if (before.lock != after.lock) diff.changes.push_back({"runbook", "lock", "changed", "", before.lock, after.lock});
   diff_lines("param", param_lines(before), param_lines(after), diff.changes);
   diff_lines("metric", metric_lines(before), metric_lines(after), diff.changes);
   diff_lines("trigger", trigger_lines(before), trigger_lines(after), diff.changes);
   std::vector<Change> arming;
   diff_lines("trigger", trigger_arming(before), trigger_arming(after), arming);
   for (auto& c : arming) {
      if (c.what != "changed") continue;   // an added or removed trigger is said above
      c.where = "where it is armed";
      diff.changes.push_back(std::move(c));
   }
   diff_lines("ensure", ensure_lines(before), ensure_lines(after), diff.changes);
   diff_lines("phase", phase_lines(before), phase_lines(after), diff.changes);
   diff_lines("rollback", rollback_lines(before), rollback_lines(after), diff.changes);
   diff_steps(before, after, diff);
   return diff;
}

}  // namespace runbook::plan
