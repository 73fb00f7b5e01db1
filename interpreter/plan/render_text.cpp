#include <fmt/format.h>

#include "plan/render.hpp"

namespace runbook::plan {

namespace {

/// Steps that act themselves (as opposed to calls and loops that contain them).
bool is_leaf_kind(const std::string& kind) { return kind == "sh" || kind == "http" || kind == "notify"; }

void text_steps(std::string& out, const std::vector<PlanStep>& list, int depth)
{
   const std::string indent(2 + depth * 2, ' ');
   for (const auto& step : list) {
      if (step.kind == "iteration" || step.kind == "branch" || step.kind == "undo" ||
          step.kind == "on-fail") {
         out += fmt::format("{}{}:\n", indent, step.kind == "iteration" ? step.text : step.text);
      } else {
         std::string line = fmt::format("{}{}  {}", indent, step.id, step.text);
         if (step.timing.happy_ms > 0 || step.timing.worst_ms > 0) {
            line += "  [" + human_duration(step.timing.happy_ms);
            if (step.timing.worst_ms != step.timing.happy_ms) line += ", at most " + human_duration(step.timing.worst_ms);
            line += "]";
         }
         if (step.side_effect && is_leaf_kind(step.kind)) line += "  (side effect)";
         if (!step.rollback.empty() && step.kind != "rollback") line += "  -> rollback " + step.rollback;
         out += line + "\n";
         for (const auto& detail : step.details) out += fmt::format("{}    {}\n", indent, detail);
         for (const auto& item : step.items) out += fmt::format("{}    [ ] {}\n", indent, item);
      }
      text_steps(out, step.children, depth + 1);
   }
}

}  // namespace

std::string timing_summary(const Timing& timing)
{
   std::string out = "happy path " + human_duration(timing.happy_ms) + ", worst case " + human_duration(timing.worst_ms);
   std::vector<std::string> notes;
   if (timing.unbounded > 0)
      notes.push_back(fmt::format("{} step{} without a timeout", timing.unbounded, timing.unbounded == 1 ? "" : "s"));
   if (timing.operator_steps > 0)
      notes.push_back(fmt::format("plus operator time for {} approval{}/checklist{}", timing.operator_steps,
                                  timing.operator_steps == 1 ? "" : "s", timing.operator_steps == 1 ? "" : "s"));
   if (!notes.empty()) out += " (" + fmt::format("{}", fmt::join(notes, "; ")) + ")";
   return out;
}

void route(std::string& out, const PlanRoute& route)
{
   if (route.text.empty()) return;
   out += fmt::format("  on fail: {}{}\n", route.text, route.origin.empty() ? "" : " (" + route.origin + ")");
   if (route.origin.empty()) text_steps(out, route.steps, 1);
}

void finally(std::string& out, const std::vector<PlanStep>& list)
{
   if (list.empty()) return;
   out += "  finally (runs whether the steps above succeeded or failed):\n";
   text_steps(out, list, 1);
}

std::string render_text(const Plan& plan)
{
   std::string out = fmt::format("Plan: {}\nFile: {}\n", plan.title, plan.file);
   if (!plan.lock.empty()) out += fmt::format("Lock: \"{}\" (runs of runbooks naming it exclude each other)\n", plan.lock);
   out += fmt::format("Duration: {}\n", timing_summary(plan.timing));
   if (!plan.params.empty()) {
      out += "\nParams\n";
      for (const auto& p : plan.params)
         out += fmt::format("  {} = {}  ({}{})\n", p.name, p.value, p.type, p.source == "default" ? "" : ", " + p.source);
   }
   if (!plan.secrets.empty()) {
      out += "\nSecrets\n";
      for (const auto& s : plan.secrets) out += fmt::format("  {} = ***  (from ${})\n", s.name, s.env_var);
   }
   if (!plan.metrics.empty()) {
      out += "\nMetrics\n";
      for (const auto& m : plan.metrics) out += fmt::format("  {} [{}] = {}\n", m.name, m.unit, m.source);
   }
   if (!plan.triggers.empty()) {
      out += "\nTriggers\n";
      for (const auto& t : plan.triggers) {
         out += fmt::format("  {} {} \"{}\"\n", t.warning ? "warning" : t.severity, t.name, t.title);
         if (t.manual)
            out += fmt::format("      manual: fired by an operator (runbook fire RUN {})\n", t.name);
         else
            out += fmt::format("      when {}{} (sampled every {})\n", t.condition,
                               t.window.empty() ? "" : " for " + t.window, t.every);
         if (!t.lost.empty()) out += fmt::format("      {}\n", t.lost);
         if (!t.grace.empty()) out += fmt::format("      grace {}\n", t.grace);
         if (!t.decide.empty()) out += fmt::format("      decide {}\n", t.decide);
         out += fmt::format("      -> {}\n", t.action);
         out += fmt::format("      armed in: {}\n", t.armed_in.empty() ? "(no phase)" : fmt::format("{}", fmt::join(t.armed_in, ", ")));
      }
   }
   if (!plan.on_fail.text.empty()) {
      out += "\nFailures (the runbook's default)\n";
      route(out, plan.on_fail);
   }
   for (const auto& phase : plan.phases) {
      out += fmt::format("\nPhase {}: {}  [{}]\n", phase.number, phase.title, phase.slug);
      out += fmt::format("  arms: {}\n", phase.arms.empty() ? "(nothing)" : fmt::format("{}", fmt::join(phase.arms, ", ")));
      route(out, phase.on_fail);
      out += fmt::format("  {}\n", timing_summary(phase.timing));
      text_steps(out, phase.steps, 0);
      finally(out, phase.finally);
   }
   for (const auto& rollback : plan.rollbacks) {
      out += fmt::format("\nRollback {}\n", rollback.name);
      out += fmt::format("  reached by: {}\n",
                         rollback.reached_by.empty() ? "(nothing; an operator can start it)"
                                                     : fmt::format("{}", fmt::join(rollback.reached_by, ", ")));
      if (!rollback.deadline.empty()) out += fmt::format("  deadline: {}\n", rollback.deadline);
      out += fmt::format("  {}\n", timing_summary(rollback.timing));
      text_steps(out, rollback.steps, 0);
      finally(out, rollback.finally);
   }
   if (!plan.ensures.empty()) {
      out += "\nEnsure (checked once when the run ends; reported, the exit code stays)\n";
      for (const auto& e : plan.ensures) out += fmt::format("  {}  \"{}\": {}\n", e.id, e.title, e.expression);
   }
   return out;
}

}  // namespace runbook::plan
