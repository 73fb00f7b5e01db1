// Who holds a run, and whether that holder still lives.
//
// A run is held by one process at a time: its host name, pid and the pid's
// start time (so a pid reused after a crash or reboot is not mistaken for the
// holder), with a heartbeat it refreshes. On the same host the kernel knows
// whether the holder lives; on another host only the heartbeat can tell.
#pragma once

#include <cstdint>
#include <string>

namespace runbook {

/// A remote holder whose heartbeat is older than this is considered gone.
inline constexpr double remote_lease_timeout_ms = 60'000;

/// The lease timeout in force: RUNBOOK_LEASE_TIMEOUT_S (seconds, > 0) when
/// set, else remote_lease_timeout_ms. A team sets it longer than any pause
/// its machines may take (a VM migration, a network partition).
double lease_timeout_ms();

/// This machine's name in leases: RUNBOOK_HOST when set (two "hosts" on one
/// machine in tests, or a stable name for a container), else gethostname().
std::string lease_host_name();

struct LeaseHolder {
   std::string host;
   int pid = 0;                       ///< 0: nobody holds the run.
   std::int64_t start_ticks = 0;      ///< Process start time (/proc/PID/stat field 22); 0 when unknown.
   double since = 0;                  ///< Wall ms when the lease was taken.
   double heartbeat_at = 0;           ///< Wall ms of the latest heartbeat.
};

/// This process as a lease holder (since/heartbeat left for the caller).
LeaseHolder current_process_holder();

/// True when `holder` is this very process.
bool is_current_process(const LeaseHolder& holder);

/// True when nobody holds the lease or its holder is gone: on this host the
/// process no longer exists, is a zombie, or its pid now belongs to a newer
/// process; on another host its heartbeat is older than lease_timeout_ms().
bool holder_is_gone(const LeaseHolder& holder, double now_wall_ms);

/// "pid 4242 on host build-7 since 2026-11-26 14:45:12 UTC (last heartbeat 3 s ago)".
std::string describe_holder(const LeaseHolder& holder, double now_wall_ms);

/// Wall clock in ms since the epoch.
double wall_now_ms();

/// "2026-11-26 14:45:12 UTC".
std::string format_wall_time(double wall_ms);

}  // namespace runbook
