// A watch resumed after its process died keeps what it had seen.
//
// A watch journals every sample that is bad (its condition in the deciding
// state), every sample error, and every change of verdict: enough to rebuild
// its trackers, because a clear sample that changes nothing also changes no
// tracker state. On resume the watch's window restarts (the time while the
// process was dead was not observed), but its trackers are first fed the
// samples its interrupted attempts journaled, then told to skip the gap, so
// a failure budget or a `for W` total counts the bad samples from before the
// kill and after the resume, and nothing for the dead time in between.
#pragma once

#include <string>
#include <vector>

#include "journal/journal.hpp"
#include "metrics/condition_tracker.hpp"

namespace runbook {

/// Feeds `trackers` (one per condition, in `conditions` order, as `describe`
/// prints them) the watch samples journaled for `step_id` among `events`,
/// oldest first. Returns how many samples were replayed. Trigger samples,
/// and the window-end verdicts, are not watch samples and are left out.
int replay_watch_samples(const std::vector<JournalEvent>& events, const std::string& step_id,
                         const std::vector<std::string>& conditions, std::vector<ConditionTracker>& trackers);

}  // namespace runbook
