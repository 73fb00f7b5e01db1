// Retries across a resume: which try of a step's `retry N every D` comes next.
//
// Before waiting to retry a failed step the interpreter journals a `retry`
// event, {"attempt": 3, "of": 4, "due_at": T}: try 3 of 4 is due at T. A
// resumed run reads the journal's events in order (note); a step whose story
// ends with such an event (the process stopped during the backoff) or with
// the start of that try (it stopped during the try) carries on from try 3 of
// 4, with the backoff that follows it, instead of starting its retries over.
// A step whose last try finished (done, or failed with no retry after it)
// has nothing pending: resuming a failed run tries it afresh.
//
// A call retried as a whole redoes its steps: their records from an earlier
// try are not the current try's, and are not applied (from_earlier_try).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "journal/journal.hpp"

namespace runbook {

class RetryHistory {
public:
   struct Pending {
      int attempt = 0;            ///< The try that was due (2, 3, ...).
      int of = 0;                 ///< Tries in all.
      double due_at = 0;          ///< Runbook time it was due at.
      bool started = false;       ///< Its start is journaled: the process stopped during the try.
      std::int64_t seq = 0;       ///< The retry event's place in the journal.
   };

   /// Reads one event of the journal; keeps what retries need.
   void note(const JournalEvent& event);
   /// The step's unfinished retry, handed out once.
   std::optional<Pending> take(const std::string& step_id);
   /// Whether the journaled record of `step_id` was started before `retry`:
   /// it belongs to an earlier try of the step retried.
   bool from_earlier_try(const std::string& step_id, const Pending& retry) const;

private:
   std::map<std::string, Pending> pending_;
   std::map<std::string, std::int64_t> last_started_;   ///< Step id -> seq of its latest start.
};

}  // namespace runbook
