#include "simulate/replay.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "simulate/scenario_parser.hpp"

namespace runbook::sim {

std::optional<Scenario> replay_scenario(Journal& journal, const std::string& run_id, std::string& error)
{
   const auto run = journal.run(run_id);
   if (!run) {
      error = fmt::format("the journal {} has no run '{}' (runbook runs lists them)", journal.path(), run_id);
      return std::nullopt;
   }
   const auto events = journal.events(run_id);
   Scenario scenario;
   scenario.source = std::make_shared<SourceFile>(SourceFile{fmt::format("replay of run {}", run_id), ""});
   scenario.title = fmt::format("replay of run {} ({})", run_id, run->title);
   scenario.runbook = run->runbook_path;
   scenario.replay = true;
   scenario.start_ms = events.empty() ? run->clock_origin_ms : events.front().at;

   for (const auto& event : events) {
      if (event.kind != "sample") continue;
      const auto data = nlohmann::json::parse(event.data_json, nullptr, false);
      if (!data.is_object() || !data.contains("values") || !data["values"].is_object()) continue;
      for (const auto& [name, shown] : data["values"].items()) {
         Quantity value;
         std::string why;
         if (!shown.is_string() || !parse_quantity(shown.get<std::string>(), value, why)) {
            if (shown.is_number()) value.value = shown.get<double>();
            else continue;   // A string or list observation: not a metric value.
         }
         MetricRule rule;
         rule.metric = name;
         rule.value = value;
         Anchor from;
         from.kind = Anchor::Kind::Start;
         from.offset_ms = event.at - scenario.start_ms;
         rule.window.from = from;
         scenario.metrics.push_back(std::move(rule));
      }
   }
   if (scenario.metrics.empty()) {
      error = fmt::format("run {} journaled no metric samples to replay", run_id);
      return std::nullopt;
   }
   return scenario;
}

}  // namespace runbook::sim
