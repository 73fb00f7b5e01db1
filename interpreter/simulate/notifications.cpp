#include "simulate/notifications.hpp"

#include <algorithm>
#include <map>

#include "exec/step_kind.hpp"

namespace runbook::sim {

namespace {

/// Every string in a JSON body, in document order, one per line: what a
/// reader of the Slack message or the status-page incident sees.
void collect_strings(const nlohmann::json& value, std::string& out)
{
   if (value.is_string()) {
      if (!out.empty()) out += '\n';
      out += value.get<std::string>();
   } else if (value.is_structured()) {
      for (const auto& item : value) collect_strings(item, out);
   }
}

bool sends_a_message(const std::string& method)
{
   return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

std::vector<Notification> notifications_of(const SimulationResult& result)
{
   // The (redacted) body each HTTP step was started with, by step id. The
   // side effects say when each attempt went out and whether it succeeded.
   std::map<std::string, std::string> bodies;
   std::vector<Notification> out;
   for (const auto& entry : result.timeline) {
      if (entry.kind == "notify") {
         out.push_back(Notification{result.start_ms + entry.offset_ms, entry.text, "operator", entry.step_id});
         continue;
      }
      if (entry.kind != "step" || !entry.data.is_object() ||
          step_kind_from_string(entry.data.value("kind", std::string())) != StepKind::Http)
         continue;
      const auto inputs = entry.data.find("inputs");
      if (inputs == entry.data.end() || !inputs->is_object() || !inputs->contains("body")) continue;
      std::string text;
      collect_strings((*inputs)["body"], text);
      bodies[entry.step_id] = text;
   }
   for (const auto& effect : result.side_effects) {
      if (effect.kind != "http" || effect.failed || effect.result == "interrupted" || !sends_a_message(effect.method)) continue;
      const auto body = bodies.find(effect.step_id);
      if (body == bodies.end()) continue;
      out.push_back(Notification{effect.at, body->second, effect.target, effect.step_id});
   }
   std::stable_sort(out.begin(), out.end(), [](const Notification& a, const Notification& b) { return a.at < b.at; });
   return out;
}

}  // namespace runbook::sim
