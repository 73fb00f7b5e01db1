#include "exec/retry_history.hpp"

#include <nlohmann/json.hpp>

namespace runbook {

void RetryHistory::note(const JournalEvent& event)
{
   if (event.kind == "step_started") {
      last_started_[event.step_id] = event.seq;
      auto it = pending_.find(event.step_id);
      if (it != pending_.end()) it->second.started = true;
      return;
   }
   if (event.kind == "step_finished") {
      // A try stopped by Ctrl-C is still the try it was: resumed, it is redone
      // as that try. Any other outcome ends it.
      const auto data = nlohmann::json::parse(event.data_json, nullptr, false);
      const bool interrupted = data.is_object() && data.value("outcome", "") == "interrupted";
      if (!interrupted) pending_.erase(event.step_id);
      return;
   }
   if (event.kind != "retry") return;
   const auto data = nlohmann::json::parse(event.data_json, nullptr, false);
   if (!data.is_object()) return;
   Pending pending;
   pending.attempt = data.value("attempt", 0);
   pending.of = data.value("of", 0);
   pending.due_at = data.value("due_at", event.at);
   pending.seq = event.seq;
   if (pending.attempt >= 2) pending_[event.step_id] = pending;
}

std::optional<RetryHistory::Pending> RetryHistory::take(const std::string& step_id)
{
   const auto it = pending_.find(step_id);
   if (it == pending_.end()) return std::nullopt;
   Pending pending = it->second;
   pending_.erase(it);
   return pending;
}

bool RetryHistory::from_earlier_try(const std::string& step_id, const Pending& retry) const
{
   const auto it = last_started_.find(step_id);
   return it != last_started_.end() && it->second < retry.seq;
}

}  // namespace runbook
