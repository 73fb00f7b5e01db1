#include "exec/watch_resume.hpp"

#include <nlohmann/json.hpp>

namespace runbook {

namespace {

/// Which tracker a journaled watch sample belongs to: its `index` (journals
/// written since it was added), else the condition as written; -1: none.
int watch_sample_condition(const nlohmann::json& data, const std::vector<std::string>& conditions)
{
   const int count = static_cast<int>(conditions.size());
   if (data.contains("index") && data["index"].is_number_integer()) {
      const int index = data["index"].get<int>();
      return index >= 0 && index < count ? index : -1;
   }
   const std::string what = data.value("condition", "");
   for (int i = 0; i < count; ++i)
      if (conditions[static_cast<std::size_t>(i)] == what) return i;
   return -1;
}

/// The reading a journaled sample was: an error, the condition clear, or bad.
Reading journaled_reading(const nlohmann::json& data)
{
   if (data.contains("error")) return Reading::Error;
   return data.value("verdict", "") == verdict_name(Verdict::Holding) ? Reading::Clear : Reading::Deciding;
}

}  // namespace

int replay_watch_samples(const std::vector<JournalEvent>& events, const std::string& step_id,
                         const std::vector<std::string>& conditions, std::vector<ConditionTracker>& trackers)
{
   int replayed = 0;
   for (const auto& event : events) {
      if (event.kind != "sample" || event.step_id != step_id) continue;
      const nlohmann::json data = nlohmann::json::parse(event.data_json, nullptr, false);
      if (!data.is_object() || data.contains("trigger") || !data.contains("verdict") || data.contains("window_end"))
         continue;
      const int index = watch_sample_condition(data, conditions);
      if (index < 0 || static_cast<std::size_t>(index) >= trackers.size()) continue;
      ConditionTracker& tracker = trackers[static_cast<std::size_t>(index)];
      const double at = data.value("at", event.at);
      tracker.observe(journaled_reading(data), at);
      // The watch went on after monitoring was lost only because the operator
      // chose to keep watching, which starts that condition afresh.
      if (tracker.verdict() == Verdict::MonitoringLost) tracker.reset();
      ++replayed;
   }
   return replayed;
}

}  // namespace runbook
