// How the journal-reading views (runs, status, log, serve) show runs and events.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "journal/journal.hpp"

namespace runbook {

/// "2026-11-26 14:05:30" (UTC) from wall milliseconds.
std::string wall_time_text(double wall_ms);
/// "rolled_back (rollback emergency)", "running (pid 123 on host)".
std::string status_text(const RunInfo& run);
nlohmann::json run_json(const RunInfo& run);
/// Whether the run's runbook time differs from wall time (--time-scale):
/// then the audit trail shows both, labelled.
bool has_two_clocks(const RunInfo& run);
/// One line of the audit trail for an event: its wall time, or with
/// `two_clocks` "runbook TIME  wall TIME".
std::string event_text(const JournalEvent& event, bool two_clocks = false);

}  // namespace runbook
