#include "view/journal_view.hpp"

#include <fmt/core.h>

#include "check/quantity.hpp"
#include "journal/utc_time.hpp"

namespace runbook {

std::string wall_time_text(double wall_ms)
{
   if (wall_ms <= 0) return "-";
   return utc_text(wall_ms, "%Y-%m-%d %H:%M:%S");
}

std::string status_text(const RunInfo& run)
{
   if (run.mode == "rollback" && run.status == run_status::Running) return "running (rollback)";
   return run.status;
}

nlohmann::json run_json(const RunInfo& run)
{
   return {{"id", run.id},
           {"runbook", run.runbook_path},
           {"title", run.title},
           {"status", run.status},
           {"mode", run.mode},
           {"rollback", run.rollback_name},
           {"detail", run.detail},
           {"started_at", run.started_at},
           {"updated_at", run.updated_at},
           {"current_step", run.current_step},
           {"lease", {{"host", run.lease_host}, {"pid", run.lease_pid}, {"heartbeat_at", run.heartbeat_at}}}};
}

bool has_two_clocks(const RunInfo& run) { return run.time_scale != 1; }

std::string event_text(const JournalEvent& event, bool two_clocks)
{
   const nlohmann::json data = nlohmann::json::parse(event.data_json.empty() ? "{}" : event.data_json, nullptr, false);
   auto field = [&](const char* key) -> std::string {
      if (!data.is_object() || !data.contains(key)) return "";
      return data[key].is_string() ? data[key].get<std::string>() : data[key].dump();
   };
   std::string what;
   if (event.kind == "answer") {
      const std::string item = field("text");
      what = fmt::format("{} answered {}{}", field("who"), field("choice"), item.empty() ? "" : " to \"" + item + "\"");
   } else if (event.kind == "sample") {
      // Values rounded for people; `runbook log --json` keeps them whole.
      nlohmann::json shown = data;
      if (shown.is_object() && shown.contains("values") && shown["values"].is_object())
         for (auto& value : shown["values"])
            if (value.is_string()) value = respell_for_people(value.get<std::string>());
      what = shown.is_object() ? shown.dump() : event.data_json;
   } else if (event.kind == "step_started" || event.kind == "step_finished") {
      what = field("outcome").empty() ? field("kind") : field("outcome");
      const std::string error = data.is_object() && data.contains("result") && data["result"].is_object()
                                   ? data["result"].value("error", "")
                                   : field("error");
      if (!error.empty()) what += ": " + error;
   } else {
      what = data.is_object() && !data.empty() ? data.dump() : event.data_json;
   }
   const std::string wall = wall_time_text(event.wall_at > 0 ? event.wall_at : event.at);
   // The journal writes the run's own events (status, mode, lease, sources) itself and
   // knows only the wall clock: they have no runbook time to show.
   const bool wall_only = event.kind == "run" || event.kind == "mode" || event.kind == "lease_takeover" ||
                          event.kind == "sources";
   const std::string runbook_time = wall_only ? "-" : wall_time_text(event.at);
   const std::string when = two_clocks ? fmt::format("runbook {:<19}  wall {}", runbook_time, wall) : wall;
   return fmt::format("{}  {:<14} {:<32} {}", when, event.kind, event.step_id, what);
}

}  // namespace runbook
