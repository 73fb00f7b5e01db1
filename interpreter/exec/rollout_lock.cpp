// One rollout at a time (see rollout_lock.hpp).
#include "exec/rollout_lock.hpp"

#include <filesystem>
#include <system_error>

#include <fmt/core.h>

#include "journal/lease.hpp"

namespace runbook {

namespace {

/// The same file however it was named (`./rollout.rb`, `runbooks/../rollout.rb`).
std::string same_file_key(const std::string& path)
{
   std::error_code ec;
   const std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
   return ec ? std::filesystem::path(path).lexically_normal().string() : canonical.string();
}

bool started_before(const RunInfo& a, const RunInfo& b)
{
   return a.started_at < b.started_at || (a.started_at == b.started_at && a.id < b.id);
}

}  // namespace

std::optional<RunInfo> rollout_lock_holder(Journal& journal, const std::string& runbook_path, const std::string& title,
                                           const std::string& self_run_id, bool only_earlier)
{
   const std::string key = same_file_key(runbook_path);
   // runs() first marks the runs whose lease holder is gone as interrupted:
   // what is still running has a live holder.
   const std::vector<RunInfo> runs = journal.runs();
   std::optional<RunInfo> self;
   for (const auto& run : runs)
      if (run.id == self_run_id) self = run;
   // A run this very process left running (a test's simulated crash) is not
   // another rollout: one process drives one run at a time.
   const LeaseHolder me = current_process_holder();
   std::optional<RunInfo> holder;
   for (const auto& run : runs) {
      if (run.id == self_run_id || run.status != run_status::Running) continue;
      if (run.lease_pid == me.pid && run.lease_host == me.host) continue;
      if (run.title != title || same_file_key(run.runbook_path) != key) continue;
      if (only_earlier && self && !started_before(run, *self)) continue;
      if (!holder || started_before(run, *holder)) holder = run;
   }
   return holder;
}

std::string rollout_lock_refusal(const RunInfo& holder)
{
   LeaseHolder lease;
   lease.host = holder.lease_host;
   lease.pid = holder.lease_pid;
   lease.since = holder.lease_since;
   lease.heartbeat_at = holder.heartbeat_at;
   return fmt::format("run {} of \"{}\" ({}) is in progress, held by {}: one rollout at a time. Wait for it to "
                      "end, or stop it (runbook abort {}); a holder that died gives the lock up by itself",
                      holder.id, holder.title, holder.runbook_path, describe_holder(lease, wall_now_ms()), holder.id);
}

}  // namespace runbook
