#include "exec/resume_state.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace runbook {

bool is_done(const std::string& outcome)
{
   return outcome == step_outcome::Done || outcome == step_outcome::MarkedDone;
}

bool is_unfinished(const StepRecord& record)
{
   return record.outcome.empty() || record.outcome == step_outcome::Interrupted;
}

std::string journaled_summary(const std::string& inputs_json)
{
   const nlohmann::json inputs = nlohmann::json::parse(inputs_json.empty() ? "{}" : inputs_json, nullptr, false);
   return inputs.is_object() ? inputs.value("summary", "") : "";
}

void ResumeState::load(Journal& journal, const std::string& run_id,
                       const std::function<void(const JournalEvent&)>& each_event)
{
   for (auto& record : journal.steps(run_id)) records_[record.step_id] = record;
   for (const auto& event : journal.events(run_id)) {
      unwatched_since_ = std::max(unwatched_since_.value_or(event.at), event.at);
      each_event(event);
      timer_history_.note(event);
      retry_history_.note(event);
      if (event.kind != "answer") continue;
      nlohmann::json data = nlohmann::json::parse(event.data_json, nullptr, false);
      if (!data.is_discarded()) answers_.emplace(event.step_id, data);
   }
   resuming_ = true;
}

const StepRecord* ResumeState::record_of(const std::string& id) const
{
   if (!resuming_) return nullptr;
   const auto it = records_.find(id);
   return it == records_.end() ? nullptr : &it->second;
}

std::size_t ResumeState::done_count() const
{
   std::size_t done = 0;
   for (const auto& [_, r] : records_) done += is_done(r.outcome);
   return done;
}

void ResumeState::forget_inner_records(const std::string& id, const RetryHistory::Pending* only_before)
{
   const std::string inner = id + "/";
   for (auto it = records_.lower_bound(inner); it != records_.end() && it->first.rfind(inner, 0) == 0;) {
      const bool earlier = only_before == nullptr || retry_history_.from_earlier_try(it->first, *only_before);
      it = earlier ? records_.erase(it) : std::next(it);
   }
}

std::vector<nlohmann::json> ResumeState::answers_for(const std::string& id) const
{
   std::vector<nlohmann::json> out;
   for (auto [it, end] = answers_.equal_range(id); it != end; ++it) out.push_back(it->second);
   return out;
}

void ResumeState::begin_verifying()
{
   verifying_ = true;
   replay_only_ = true;
}

std::vector<std::string> ResumeState::end_verifying()
{
   replay_only_ = false;
   verifying_ = false;
   std::vector<std::string> problems = changed_done_;
   for (const auto& [id, record] : records_)
      if (record.outcome != step_outcome::Failed && !visited_done_.count(id))
         problems.push_back(fmt::format("step {} ({} `{}`) was {} but is not in the file any more", id, record.kind,
                                        journaled_summary(record.inputs_json),
                                        is_done(record.outcome) ? "done" : "in doubt"));
   return problems;
}

std::optional<RetryHistory::Pending> ResumeState::take_retry(const std::string& id)
{
   return resuming_ ? retry_history_.take(id) : std::nullopt;
}

TimeMs ResumeState::take_unwatched_gap(TimeMs now)
{
   const TimeMs gap = unwatched_since_ ? std::max(0.0, now - *unwatched_since_) : 0;
   unwatched_since_.reset();
   return gap;
}

std::optional<TimeMs> ResumeState::take_resumed_watch(const std::string& id)
{
   if (!resumed_watch_ || resumed_watch_->id != id) return std::nullopt;
   const TimeMs unobserved = resumed_watch_->unobserved_ms;
   resumed_watch_.reset();
   return unobserved;
}

}  // namespace runbook
