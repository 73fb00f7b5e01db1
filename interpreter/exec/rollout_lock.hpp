// One rollout at a time.
//
// Two `runbook run` of one runbook on one journal must not both change
// production. The lock is the runbook (its path and title) and, when it
// declares `lock "name"`, that name too: two runbooks that touch one service
// (the rollout and its planned rollback) name one lock and exclude each
// other. A run holds its lock
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

/// What a run holds while it runs.
struct RolloutLock {
   std::string runbook_path;
   std::string title;
   std::string name;   ///< From `lock "name"`; empty when the runbook declares none.

   static RolloutLock of(const RunInfo& run) { return {run.runbook_path, run.title, run.lock_name}; }
};

/// The run, other than `self_run_id`, that holds `lock`; with
/// `only_earlier`, only one that started before `self_run_id`.
std::optional<RunInfo> rollout_lock_holder(Journal& journal, const RolloutLock& lock,
                                           const std::string& self_run_id = "", bool only_earlier = false);

/// Why a run cannot start or resume: who holds the lock and what to do.
std::string rollout_lock_refusal(const RunInfo& holder, const RolloutLock& wanted);

}  // namespace runbook
