#include <nlohmann/json.hpp>

#include "plan/render.hpp"

namespace runbook::plan {

namespace {

using nlohmann::json;

json timing_json(const Timing& t)
{
   return {{"happy_ms", t.happy_ms}, {"worst_ms", t.worst_ms}, {"steps_without_timeout", t.unbounded},
           {"operator_steps", t.operator_steps}};
}

json steps_json(const std::vector<PlanStep>& steps)
{
   json out = json::array();
   for (const auto& s : steps) {
      json step = {{"id", s.id}, {"kind", s.kind}, {"text", s.text}, {"line", s.line},
                   {"side_effect", s.side_effect}, {"timing", timing_json(s.timing)}};
      if (!s.details.empty()) step["details"] = s.details;
      if (!s.items.empty()) step["items"] = s.items;
      if (!s.rollback.empty()) step["rollback"] = s.rollback;
      if (!s.children.empty()) step["children"] = steps_json(s.children);
      out.push_back(std::move(step));
   }
   return out;
}

}  // namespace

std::string render_json(const Plan& plan)
{
   json doc = {{"title", plan.title}, {"file", plan.file}, {"timing", timing_json(plan.timing)}};
   if (!plan.lock.empty()) doc["lock"] = plan.lock;
   doc["params"] = json::array();
   for (const auto& p : plan.params)
      doc["params"].push_back({{"name", p.name}, {"type", p.type}, {"value", p.exact_value.empty() ? p.value : p.exact_value}, {"source", p.source}});
   doc["secrets"] = json::array();
   for (const auto& s : plan.secrets) doc["secrets"].push_back({{"name", s.name}, {"env", s.env_var}});
   doc["metrics"] = json::array();
   for (const auto& m : plan.metrics) doc["metrics"].push_back({{"name", m.name}, {"unit", m.unit}, {"source", m.source}});
   doc["triggers"] = json::array();
   for (const auto& t : plan.triggers) {
      json trigger = {{"name", t.name},   {"title", t.title},         {"kind", t.warning ? "warning" : "trigger"},
                      {"condition", t.condition}, {"every", t.every}, {"action", t.action},
                      {"armed_in", t.armed_in}};
      if (!t.severity.empty()) trigger["severity"] = t.severity;
      if (!t.window.empty()) trigger["for"] = t.window;
      if (!t.grace.empty()) trigger["grace"] = t.grace;
      if (!t.lost.empty()) trigger["lost"] = t.lost;
      if (!t.rollback.empty()) trigger["rollback"] = t.rollback;
      if (t.manual) trigger["manual"] = true;
      if (!t.decide.empty()) trigger["decide"] = t.decide;
      doc["triggers"].push_back(std::move(trigger));
   }
   // Routes appear only where one is declared (plans of runbooks without any stay as they were).
   auto route_json = [](const PlanRoute& r) {
      json route = {{"route", r.text}};
      if (!r.origin.empty()) route["origin"] = r.origin;
      if (!r.steps.empty()) route["steps"] = steps_json(r.steps);
      return route;
   };
   if (!plan.on_fail.text.empty()) doc["on_fail"] = route_json(plan.on_fail);
   doc["phases"] = json::array();
   for (const auto& p : plan.phases) {
      json phase = {{"number", p.number}, {"title", p.title}, {"slug", p.slug}, {"arms", p.arms},
                    {"timing", timing_json(p.timing)}, {"steps", steps_json(p.steps)}};
      if (!p.on_fail.text.empty()) phase["on_fail"] = route_json(p.on_fail);
      if (!p.finally.empty()) phase["finally"] = steps_json(p.finally);
      doc["phases"].push_back(std::move(phase));
   }
   doc["rollbacks"] = json::array();
   for (const auto& r : plan.rollbacks) {
      json rollback = {{"name", r.name}, {"reached_by", r.reached_by}, {"timing", timing_json(r.timing)},
                       {"steps", steps_json(r.steps)}};
      if (!r.deadline.empty()) rollback["deadline"] = r.deadline;
      if (!r.finally.empty()) rollback["finally"] = steps_json(r.finally);
      doc["rollbacks"].push_back(std::move(rollback));
   }
   if (!plan.ensures.empty()) {
      doc["ensures"] = json::array();
      for (const auto& e : plan.ensures)
         doc["ensures"].push_back({{"id", e.id}, {"title", e.title}, {"expression", e.expression}});
   }
   return doc.dump(2) + "\n";
}

}  // namespace runbook::plan
