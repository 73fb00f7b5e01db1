#include "exec/timers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

namespace runbook {

void TimerQueue::arm(TimerEntry entry)
{
   // Earliest first; timers due at the same moment fire in the order they were armed.
   const auto at = std::upper_bound(pending_.begin(), pending_.end(), entry.due,
                                    [](TimeMs due, const TimerEntry& e) { return due < e.due; });
   pending_.insert(at, std::move(entry));
}

std::optional<TimerEntry> TimerQueue::take_due(TimeMs now)
{
   if (pending_.empty() || pending_.front().due > now) return std::nullopt;
   TimerEntry entry = std::move(pending_.front());
   pending_.erase(pending_.begin());
   return entry;
}

std::vector<TimerEntry> TimerQueue::cancel_by_signal(const std::string& signal)
{
   std::vector<TimerEntry> cancelled;
   for (auto it = pending_.begin(); it != pending_.end();) {
      if (!it->signal.empty() && it->signal == signal) {
         cancelled.push_back(std::move(*it));
         it = pending_.erase(it);
      } else {
         ++it;
      }
   }
   return cancelled;
}

bool TimerQueue::drop(const std::string& id)
{
   const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const TimerEntry& e) { return e.id == id; });
   if (it == pending_.end()) return false;
   pending_.erase(it);
   return true;
}

TimeMs TimerQueue::next_due() const
{
   return pending_.empty() ? std::numeric_limits<double>::infinity() : pending_.front().due;
}

bool TimerQueue::contains(const std::string& id) const
{
   return std::any_of(pending_.begin(), pending_.end(), [&](const TimerEntry& e) { return e.id == id; });
}

std::vector<TimerEntry> TimerQueue::awaited() const
{
   std::vector<TimerEntry> out;
   for (const auto& e : pending_)
      if (e.kind == TimerEntry::Kind::Steps) out.push_back(e);
   return out;
}

void TimerHistory::note(const JournalEvent& event)
{
   if (event.kind == "rollback_completed" || event.kind == "rollback_failed") {
      if (!rollback_ended_at) rollback_ended_at = event.at;
      return;
   }
   if (event.kind != "timer" && event.kind != "mode") return;
   const auto data = nlohmann::json::parse(event.data_json, nullptr, false);
   if (!data.is_object()) return;
   if (event.kind == "mode") {
      // Two "mode" events mark a switch to rollback: the journal's own, at
      // wall-clock time (for `runbook log`), and the interpreter's, at
      // runbook time, with its reason. Only the second is on the clock the
      // deadline is measured with (they differ under --time-scale and in
      // simulate). A rollback entered by `runbook abort --rollback` has only
      // the first: its deadline counts from when a process starts running it.
      if (data.contains("reason") && !rollback_began_at) rollback_began_at = event.at;
      return;
   }
   const std::string what = data.value("event", "");
   if (what == "fired") fired.insert(event.step_id);
   if (what == "done" || what == "cancelled") settled.insert(event.step_id);
}

}  // namespace runbook
