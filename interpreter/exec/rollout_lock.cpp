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

/// Two runs exclude each other when they run one runbook or name one lock.
bool wants_same_lock(const RunInfo& run, const RolloutLock& lock, const std::string& lock_file)
{
   if (!lock.name.empty() && run.lock_name == lock.name) return true;
   return run.title == lock.title && same_file_key(run.runbook_path) == lock_file;
}

}  // namespace

std::optional<RunInfo> rollout_lock_holder(Journal& journal, const RolloutLock& lock,
                                           const std::string& self_run_id, bool only_earlier)
{
   const std::string lock_file = same_file_key(lock.runbook_path);
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
      if (!wants_same_lock(run, lock, lock_file)) continue;
      if (only_earlier && self && !started_before(run, *self)) continue;
      if (!holder || started_before(run, *holder)) holder = run;
   }
   return holder;
}

std::string rollout_lock_refusal(const RunInfo& holder, const RolloutLock& wanted)
{
   LeaseHolder lease;
   lease.host = holder.lease_host;
   lease.pid = holder.lease_pid;
   lease.since = holder.lease_since;
   lease.heartbeat_at = holder.heartbeat_at;
   const bool by_name = !wanted.name.empty() && holder.lock_name == wanted.name;
   const std::string what = by_name ? fmt::format(" holds the lock \"{}\"", wanted.name) : " is in progress";
   return fmt::format("run {} of \"{}\" ({}){}, held by {}: one rollout at a time. Wait for it to "
                      "end, or stop it (runbook abort {}); a holder that died gives the lock up by itself",
                      holder.id, holder.title, holder.runbook_path, what, describe_holder(lease, wall_now_ms()),
                      holder.id);
}

}  // namespace runbook
