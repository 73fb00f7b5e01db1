// One rollout at a time.
//
// Two `runbook run` of one runbook on one journal must not both change
// production. The lock is the runbook (its path and title): a run holds it
// while it is running with a live lease holder (journal/lease.hpp). It is
// released when the run ends, and taken over only when the holder's lease is
// dead: Journal::runs() marks a run whose holder is gone as interrupted, and
// an interrupted run holds nothing until it is resumed.
//
// A start checks twice: before creating its run (the usual refusal, nothing
// journaled) and after (two starts at the same moment both see each other
// then; the later one, by start time and then id, gives way).
#pragma once

#include <optional>
#include <string>

#include "journal/journal.hpp"

namespace runbook {

/// The run, other than `self_run_id`, that holds the lock of this runbook;
/// with `only_earlier`, only one that started before `self_run_id`.
std::optional<RunInfo> rollout_lock_holder(Journal& journal, const std::string& runbook_path, const std::string& title,
                                           const std::string& self_run_id = "", bool only_earlier = false);

/// Why a run cannot start or resume: who holds the lock and what to do.
std::string rollout_lock_refusal(const RunInfo& holder);

}  // namespace runbook
