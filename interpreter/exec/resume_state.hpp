// What the journal says about a run that is resumed: its step records, the
// answers given, retries and timers under way, when monitoring stopped. The
// write-ahead protocol (exec/step_journal.cpp, exec/step_resume.cpp) asks it
// what to do with each step; a run started afresh has an empty one
// (resuming() is false).
//
// It also carries the two walks over done steps that run nothing:
// replay-only (rebuild captures and the undo stack before a rollback) and
// verifying (`resume --use-current`: collect the done steps that changed).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/clock.hpp"
#include "exec/retry_history.hpp"
#include "exec/timers.hpp"
#include "journal/journal.hpp"

namespace runbook {

/// A step record's outcome that means the step took effect (done, or marked done).
bool is_done(const std::string& outcome);
/// A step record that started but has no outcome, or was stopped cleanly
/// (Ctrl-C, a trigger): its effect may or may not have happened.
bool is_unfinished(const StepRecord& record);
/// The "summary" of a journaled step's inputs ("POST https://...", "./deploy.sh").
std::string journaled_summary(const std::string& inputs_json);

class ResumeState {
public:
   /// Reads the run's step records and events; `each_event` sees every event
   /// too (what other parts of the interpreter keep of them). Throws JournalError.
   void load(Journal& journal, const std::string& run_id,
             const std::function<void(const JournalEvent&)>& each_event);
   bool resuming() const { return resuming_; }

   // ---- step records
   /// The journal's record of step `id`, when resuming and there is one.
   const StepRecord* record_of(const std::string& id) const;
   /// Steps the journal has as done (or marked done).
   std::size_t done_count() const;
   /// Drops the records of the steps inside `id` (see Impl::forget_inner_records).
   void forget_inner_records(const std::string& id, const RetryHistory::Pending* only_before);

   // ---- answers
   /// The answers journaled for step `id`, oldest first.
   std::vector<nlohmann::json> answers_for(const std::string& id) const;
   void add_answer(const std::string& id, nlohmann::json answer) { answers_.emplace(id, std::move(answer)); }
   /// The step's question changed since it was answered: its answers stand no more.
   void forget_answers(const std::string& id) { answers_.erase(id); }

   // ---- walks that run nothing
   bool replay_only() const { return replay_only_; }
   void set_replay_only(bool on) { replay_only_ = on; }
   /// Starts the --use-current walk (replay-only, collecting changes).
   void begin_verifying();
   /// Ends it: the done or in-doubt steps that changed or are gone, in words.
   std::vector<std::string> end_verifying();
   bool verifying() const { return verifying_; }
   void visited(const std::string& id) { visited_done_.insert(id); }
   void changed(std::string what) { changed_done_.push_back(std::move(what)); }

   // ---- retries, timers
   /// The step's retry the journal says was under way, handed out once.
   std::optional<RetryHistory::Pending> take_retry(const std::string& id);
   const TimerHistory& timers() const { return timer_history_; }
   bool last_failure_retryable() const { return last_failure_retryable_; }
   void set_last_failure_retryable(bool retryable) { last_failure_retryable_ = retryable; }

   // ---- time nobody watched
   /// The time since the last journaled event (0 once taken, or afresh).
   /// The first in-doubt wait or watch resumed takes it.
   TimeMs take_unwatched_gap(TimeMs now);
   /// Resumed inside watch `id`, which nobody sampled for `unobserved_ms`.
   void resume_watch(const std::string& id, TimeMs unobserved_ms) { resumed_watch_ = ResumedWatch{id, unobserved_ms}; }
   /// For watch `id`: the time nobody sampled it, once, when it is the watch resumed inside.
   std::optional<TimeMs> take_resumed_watch(const std::string& id);

private:
   bool resuming_ = false;
   std::map<std::string, StepRecord> records_;
   std::multimap<std::string, nlohmann::json> answers_;   ///< step id -> answers journaled for it.
   bool replay_only_ = false;                  ///< Walk done steps only (rebuild captures and undo).
   bool verifying_ = false;                    ///< --use-current: collect changed done steps.
   std::set<std::string> visited_done_;
   std::vector<std::string> changed_done_;
   RetryHistory retry_history_;                ///< Retries the journal says were under way.
   TimerHistory timer_history_;                ///< Timers the journal says fired or settled.
   /// The failure that ended the last journaled step may be retried (a call
   /// retried as a whole is, when the step that failed inside it would be).
   bool last_failure_retryable_ = false;
   /// The runbook time of the last journaled event, when monitoring stopped.
   std::optional<TimeMs> unwatched_since_;
   /// Resumed inside a watch: its id and the time nobody sampled it. The
   /// watch restores its trackers from its journaled samples (exec/watch_resume.hpp).
   struct ResumedWatch {
      std::string id;
      TimeMs unobserved_ms = 0;
   };
   std::optional<ResumedWatch> resumed_watch_;
};

}  // namespace runbook
