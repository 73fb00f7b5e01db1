// The Journal on PostgreSQL, for a team sharing one database. The same
// contract as the SQLite journal (journal.hpp); what differs is the lease:
// holders live on other machines, so a takeover bumps the run's fencing
// epoch and every write of a run first checks, in its own transaction, that
// this process still holds the epoch it took (docs/team.md).
//
// A running run's frequent writes (a step's start and outcome, an event, a
// heartbeat) take a fast path: one call of a journal function that takes the
// same fence on the server (pg_schema.cpp), so each is one round trip and
// one commit. Whenever the function refuses, the write takes the slow path:
// the same work as statements in a transaction, which says precisely why.
// Only a step's outcome does not wait for the disk: the next write that does
// flushes it, and what a server crash loses before then is written again
// on reconnect (docs/team.md, "When a write reaches the disk").

#include "journal/pg_journal.hpp"

#include "journal/lease.hpp"
#include "journal/pg_schema.hpp"
#include "journal/run_id.hpp"
#include "journal/sha256.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace runbook {

namespace {

std::string number(double value)
{
   return fmt::format("{}", value);
}

std::string pg_source_hash(const std::vector<JournalSource>& sources)
{
   // As the SQLite journal's: path and text, each length-prefixed.
   Sha256 hash;
   for (const auto& source : sources) {
      hash.update(fmt::format("{}:{}\n{}:", source.path.size(), source.path, source.text.size()));
      hash.update(source.text);
   }
   return hash.hex_digest();
}

bool pg_known_status(const std::string& status)
{
   for (const char* known : {run_status::Running, run_status::Interrupted, run_status::Completed,
                             run_status::Failed, run_status::Aborted, run_status::RolledBack,
                             run_status::RollbackFailed}) {
      if (status == known) return true;
   }
   return false;
}

/// A step_started event's data without its attempt number (the writer adds it).
nlohmann::json step_started_data(const std::string& kind, const std::string& def_hash,
                                 std::optional<double> deadline_ms)
{
   nlohmann::json data{{"kind", kind}, {"def_hash", def_hash}};
   if (deadline_ms) data["deadline_ms"] = *deadline_ms;
   return data;
}

constexpr const char* run_columns =
   "r.id, r.runbook_path, r.title, r.source_hash, r.params_json, r.status, r.mode, r.rollback_name, r.detail, "
   "r.started_at, r.updated_at, r.time_scale, r.clock_origin_ms, r.lease_host, r.lease_pid, r.heartbeat_at, "
   "r.lease_since, r.lock_name, r.operator_name, "
   "(SELECT e.step_id FROM events e WHERE e.run_id = r.id AND e.kind = 'step_started' ORDER BY e.seq DESC "
   "LIMIT 1)";

RunInfo run_from_row(const pg::Result& row, int i)
{
   RunInfo info;
   info.id = row.text(i, 0);
   info.runbook_path = row.text(i, 1);
   info.title = row.text(i, 2);
   info.source_hash = row.text(i, 3);
   info.params_json = row.text(i, 4);
   info.status = row.text(i, 5);
   info.mode = row.text(i, 6);
   info.rollback_name = row.text(i, 7);
   info.detail = row.text(i, 8);
   info.started_at = row.real(i, 9);
   info.updated_at = row.real(i, 10);
   info.time_scale = row.real(i, 11);
   info.clock_origin_ms = row.real(i, 12);
   info.lease_host = row.text(i, 13);
   info.lease_pid = static_cast<int>(row.integer(i, 14));
   info.heartbeat_at = row.real(i, 15);
   info.lease_since = row.real(i, 16);
   info.lock_name = row.text(i, 17);
   info.operator_name = row.text(i, 18);
   info.current_step = row.text(i, 19);
   return info;
}

}  // namespace

PgJournal::PgJournal(const std::string& url) : db_(url)
{
   migrate_pg_journal(db_);
}

// --- the fence and the retry

template <typename Attempt>
auto PgJournal::retry(Attempt&& attempt)
{
   // The server may restart or be unreachable for a while: the journal waits
   // for it rather than let a step run unjournaled. What was not committed
   // was not written, so the whole transaction is tried again.
   double delay_ms = 100;
   const auto give_up_at =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(reconnect_for_ms_));
   bool reconnect = false;   // libpq may still call a connection that was cut off OK
   for (retries_ = 0;; ++retries_) {
      try {
         if (reconnect || db_.broken()) {
            db_.reconnect();
            reconnect = false;
            rewrite_pending_ = !unflushed_.empty();
            journal_back();   // Said only after an outage was told (journal.hpp).
         }
         if (rewrite_pending_) rewrite_unflushed_outcomes();
         return attempt();
      } catch (const pg::ConnectionLost& lost) {
         reconnect = true;
         if (std::chrono::steady_clock::now() >= give_up_at) throw;
         journal_unreachable(lost.what(), reconnect_for_ms_);   // Told once per outage (journal.hpp).
         std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(delay_ms)));
         delay_ms = std::min(delay_ms * 2, 2000.0);
      }
   }
}

template <typename Work>
auto PgJournal::in_transaction(std::string_view operation, Work&& work)
{
   pg::Transaction transaction(db_, operation);
   if constexpr (std::is_void_v<decltype(work())>) {
      work();
      transaction.commit();
   } else {
      auto result = work();
      transaction.commit();
      return result;
   }
}

template <typename Work>
auto PgJournal::write(std::string_view operation, Work&& work)
{
   return retry([&] { return in_transaction(operation, work); });
}

std::optional<pg::Result> PgJournal::fast_write(const std::string& run_id, const std::string& call,
                                                std::vector<pg::Param> params, std::string_view operation,
                                                Flush flush)
{
   // Only a run this process took, and only on the first try: after the
   // connection broke the write may have committed, which the slow path checks.
   const auto mine = epochs_.find(run_id);
   if (mine == epochs_.end() || retries_ > 0) return std::nullopt;
   params.insert(params.begin(), {run_id, lease_host_name(), std::to_string(getpid()), std::to_string(mine->second)});
   // Committed without waiting for the disk: the server's log is flushed in
   // order, so the next write that waits flushes this one too.
   const std::string later = flush == Flush::WithNextWrite ? ", set_config('synchronous_commit', 'off', true)" : "";
   try {
      auto result = db_.exec_prepared("SELECT " + call + later, params, operation);
      if (flush == Flush::Now) unflushed_.clear();
      return result;
   } catch (const pg::Refused&) {
      return std::nullopt;   // nothing written: the slow path says why
   }
}

void PgJournal::rewrite_unflushed_outcomes()
{
   // The server went away: if it crashed, what it had not flushed is gone.
   for (const auto& outcome : unflushed_) {
      in_transaction("journaling again the outcome of a step", [&] {
         finish_step_slowly(outcome.run_id, outcome.step_id, outcome.outcome, outcome.result_json, outcome.at, true);
      });
   }
   unflushed_.clear();
   rewrite_pending_ = false;
}

pg::Result PgJournal::query(const std::string& sql, const std::vector<pg::Param>& params, std::string_view operation)
{
   return retry([&] { return db_.exec(sql, params, operation); });
}

LeaseHolder PgJournal::read_lease(const std::string& run_id, std::int64_t* epoch, std::string* status, bool lock)
{
   auto row = db_.exec(std::string("SELECT lease_host, lease_pid, lease_start_ticks, lease_since, heartbeat_at, "
                                   "status, lease_epoch FROM runs WHERE id = $1") + (lock ? " FOR UPDATE" : ""),
                       {run_id}, "reading the run's lease");
   if (row.rows() == 0) no_such_run(run_id);
   LeaseHolder holder;
   holder.host = row.text(0, 0);
   holder.pid = static_cast<int>(row.integer(0, 1));
   holder.start_ticks = row.integer(0, 2);
   holder.since = row.real(0, 3);
   holder.heartbeat_at = row.real(0, 4);
   if (status != nullptr) *status = row.text(0, 5);
   if (epoch != nullptr) *epoch = row.integer(0, 6);
   return holder;
}

void PgJournal::require_lease(const std::string& run_id, std::string_view action)
{
   // Locks the run's row for the transaction: writes to one run are serialized.
   std::int64_t epoch = 0;
   std::string status;
   const LeaseHolder holder = read_lease(run_id, &epoch, &status, true);
   const auto mine = epochs_.find(run_id);
   if (is_current_process(holder) && (mine == epochs_.end() || mine->second == epoch)) {
      epochs_[run_id] = epoch;
      return;
   }
   if (mine != epochs_.end() && mine->second != epoch) throw_lost(run_id, action, mine->second, epoch, status);
   if (holder.pid == 0) {
      throw JournalError(fmt::format("cannot {} of run {}: this process does not hold the run (nobody does): "
                                     "take it first (`runbook resume {}`)", action, run_id, run_id));
   }
   throw LeaseLost(fmt::format("cannot {} of run {}: it is now held by {}; this process lost it and stops",
                               action, run_id, describe_holder(holder, wall_now_ms())),
                   holder.host, holder.pid);
}

void PgJournal::throw_lost(const std::string& run_id, std::string_view action, std::int64_t mine, std::int64_t epoch,
                           const std::string& status)
{
   // Name the process that took the run: the latest takeover event says.
   std::string taker = "another process";
   std::string host;
   int pid = 0;
   auto row = db_.exec("SELECT data_json FROM events WHERE run_id = $1 AND kind = 'lease_takeover' "
                       "ORDER BY seq DESC LIMIT 1", {run_id}, "reading the run's takeover");
   if (row.rows() == 1) {
      const auto data = nlohmann::json::parse(row.text(0, 0), nullptr, false);
      if (data.is_object()) {
         host = data.value("host", "");
         pid = data.value("pid", 0);
         taker = fmt::format("pid {} on host {}", pid, host);
      }
   }
   throw LeaseLost(fmt::format("cannot {} of run {}: this process lost the run: {} took it over (lease epoch {} -> "
                               "{}) after this process's heartbeat had stopped for longer than the lease timeout "
                               "({:.0f} s); the run is {} now. This process stops and changes nothing more; `runbook status {}` "
                               "follows the run from any host",
                               action, run_id, taker, mine, epoch, lease_timeout_ms() / 1000, status, run_id),
                   host, pid);
}

void PgJournal::lock_run(const std::string& run_id)
{
   auto row = db_.exec("SELECT 1 FROM runs WHERE id = $1 FOR UPDATE", {run_id}, "locking the run");
   if (row.rows() == 0) no_such_run(run_id);
}

std::int64_t PgJournal::append_event(const std::string& run_id, const std::string& kind, const std::string& step_id,
                                     const std::string& data_json, double at)
{
   // The caller holds the run's row lock (runbook_append_event numbers it).
   auto row = db_.exec("SELECT runbook_append_event($1, $2, $3, $4, $5, $6)",
                       {run_id, kind, step_id, number(at), number(wall_now_ms()), data_json}, "journaling an event");
   return row.integer(0, 0);
}

void PgJournal::no_such_run(const std::string& run_id) const
{
   throw JournalError(fmt::format("there is no run {} in the journal {}: `runbook runs --journal {}` lists them",
                                  run_id, path(), path()));
}

// --- runs

std::string PgJournal::create_run(const NewRun& run)
{
   std::lock_guard lock(mutex_);
   const std::string hash = pg_source_hash(run.sources);
   const auto id = write("creating a run", [&] {
      const double now = wall_now_ms();
      std::string id;
      for (;;) {
         id = make_run_id(now);   // 16 random bits: retry in the rare same-second collision
         auto inserted = db_.exec(
            "INSERT INTO runs (id, runbook_path, title, source_hash, params_json, status, started_at, updated_at, "
            "time_scale, clock_origin_ms, lease_host, lease_pid, lease_start_ticks, lease_since, heartbeat_at, "
            "lease_epoch, schema_version, lock_name, operator_name) VALUES ($1, $2, $3, $4, $5, 'running', $6, $6, "
            "$7, $8, $9, $10, $11, $6, $6, 1, $12, $13, $14) ON CONFLICT (id) DO NOTHING",
            {id, run.runbook_path, run.title, hash, run.params_json, number(now), number(run.time_scale),
             number(run.clock_origin_ms), self_.host, std::to_string(self_.pid), std::to_string(self_.start_ticks),
             std::to_string(pg_journal_schema_version()), run.lock_name, run.operator_name},
            "creating a run");
         if (inserted.changed() == 1) break;
      }
      int ordinal = 0;
      for (const auto& source : run.sources) {
         db_.exec("INSERT INTO sources (run_id, ordinal, path, text) VALUES ($1, $2, $3, $4)",
                  {id, std::to_string(ordinal++), source.path, source.text}, "storing the runbook source");
      }
      append_event(id, "run", "",
                   nlohmann::json{{"status", run_status::Running}, {"event", "created"},
                                  {"host", self_.host}, {"pid", self_.pid}}.dump(),
                   now);
      return id;
   });
   epochs_[id] = 1;
   return id;
}

void PgJournal::acquire_lease(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   const auto epoch = write("taking the run's lease", [&] {
      const double now = wall_now_ms();
      std::int64_t epoch = 0;
      const LeaseHolder holder = read_lease(run_id, &epoch, nullptr, true);
      const bool ours = is_current_process(holder);
      if (!ours && !holder_is_gone(holder, now)) {
         throw LeaseHeld(fmt::format("run {} is held by {}: wait for it to finish, or stop that process "
                                     "(`runbook abort {}` or kill it) and try again",
                                     run_id, describe_holder(holder, now), run_id),
                         holder.host, holder.pid);
      }
      // A new holder fences off every earlier one: their writes check the epoch.
      if (!ours) ++epoch;
      db_.exec("UPDATE runs SET lease_host = $1, lease_pid = $2, lease_start_ticks = $3, lease_since = $4, "
               "heartbeat_at = $5, updated_at = $5, lease_epoch = $6 WHERE id = $7",
               {self_.host, std::to_string(self_.pid), std::to_string(self_.start_ticks),
                number(ours ? holder.since : now), number(now), std::to_string(epoch), run_id},
               "taking the run's lease");
      if (!ours && holder.pid != 0) {
         append_event(run_id, "lease_takeover", "",
                      nlohmann::json{{"previous_host", holder.host}, {"previous_pid", holder.pid},
                                     {"previous_heartbeat_at", holder.heartbeat_at},
                                     {"host", self_.host}, {"pid", self_.pid}, {"epoch", epoch}}.dump(),
                      now);
      }
      return epoch;
   });
   epochs_[run_id] = epoch;
}

void PgJournal::heartbeat(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   constexpr std::string_view operation = "recording a heartbeat";
   retry([&] {
      if (fast_write(run_id, "runbook_heartbeat($1, $2, $3, $4, $5)", {number(wall_now_ms())}, operation)) return;
      in_transaction(operation, [&] {
         require_lease(run_id, "record a heartbeat");
         db_.exec("UPDATE runs SET heartbeat_at = $1 WHERE id = $2", {number(wall_now_ms()), run_id}, operation);
      });
   });
}

void PgJournal::release_lease(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   write("releasing the run's lease", [&] {
      // Releasing a lease held by someone else does nothing: it is theirs.
      std::int64_t epoch = 0;
      const LeaseHolder holder = read_lease(run_id, &epoch, nullptr, true);
      const auto mine = epochs_.find(run_id);
      if (!is_current_process(holder) || (mine != epochs_.end() && mine->second != epoch)) return;
      db_.exec("UPDATE runs SET lease_host = '', lease_pid = 0, lease_start_ticks = 0, lease_since = 0, "
               "updated_at = $1 WHERE id = $2", {number(wall_now_ms()), run_id}, "releasing the run's lease");
   });
   epochs_.erase(run_id);
}

void PgJournal::set_status(const std::string& run_id, const std::string& status, const std::string& detail)
{
   if (!pg_known_status(status)) {
      throw JournalError(fmt::format("cannot set run {} to unknown status '{}'", run_id, status));
   }
   std::lock_guard lock(mutex_);
   write("recording the run's status", [&] {
      fence_if_held(run_id, "record the status");
      const double now = wall_now_ms();
      db_.exec("UPDATE runs SET status = $1, detail = $2, updated_at = $3 WHERE id = $4",
               {status, detail, number(now), run_id}, "recording the run's status");
      append_event(run_id, "run", "", nlohmann::json{{"status", status}, {"detail", detail}}.dump(), now);
   });
}

void PgJournal::fence_if_held(const std::string& run_id, std::string_view action)
{
   // A run this process took is written only while it still holds it; other
   // writers (`runbook abort` on a dead run, marking it interrupted) only
   // lock the row.
   if (epochs_.count(run_id) != 0) {
      require_lease(run_id, action);
   } else {
      lock_run(run_id);
   }
}

void PgJournal::enter_rollback(const std::string& run_id, const std::string& rollback_name)
{
   std::lock_guard lock(mutex_);
   write("recording the switch to rollback", [&] {
      fence_if_held(run_id, "switch to rollback");
      const double now = wall_now_ms();
      db_.exec("UPDATE runs SET mode = 'rollback', rollback_name = $1, updated_at = $2 WHERE id = $3",
               {rollback_name, number(now), run_id}, "recording the switch to rollback");
      append_event(run_id, "mode", "", nlohmann::json{{"mode", "rollback"}, {"rollback", rollback_name}}.dump(),
                   now);
   });
}

std::optional<RunInfo> PgJournal::read_run(const std::string& run_id)
{
   auto row = query(fmt::format("SELECT {} FROM runs r WHERE r.id = $1", run_columns), {run_id}, "reading a run");
   if (row.rows() == 0) return std::nullopt;
   return run_from_row(row, 0);
}

void PgJournal::mark_if_abandoned(const std::string& run_id)
{
   std::string status;
   const LeaseHolder seen = retry([&] { return read_lease(run_id, nullptr, &status, false); });
   if (status != run_status::Running || !holder_is_gone(seen, wall_now_ms())) return;
   write("marking an abandoned run interrupted", [&] {
      const double now = wall_now_ms();
      const LeaseHolder holder = read_lease(run_id, nullptr, &status, true);   // again, under the lock
      if (status != run_status::Running || !holder_is_gone(holder, now)) return;
      const std::string detail =
         holder.pid == 0 ? std::string("the run was left running with nobody holding it")
                         : fmt::format("the process running it ({}) is gone", describe_holder(holder, now));
      db_.exec("UPDATE runs SET status = $1, detail = $2, updated_at = $3 WHERE id = $4",
               {run_status::Interrupted, detail, number(now), run_id}, "marking an abandoned run interrupted");
      append_event(run_id, "run", "",
                   nlohmann::json{{"status", run_status::Interrupted}, {"detail", detail},
                                  {"previous_host", holder.host}, {"previous_pid", holder.pid}}.dump(),
                   now);
   });
}

void PgJournal::mark_abandoned_runs()
{
   std::vector<std::string> running;
   {
      auto rows = query("SELECT id FROM runs WHERE status = 'running'", {}, "listing running runs");
      for (int i = 0; i < rows.rows(); ++i) running.push_back(rows.text(i, 0));
   }
   for (const auto& id : running) mark_if_abandoned(id);
}

std::optional<RunInfo> PgJournal::run(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   auto info = read_run(run_id);
   if (info && info->status == run_status::Running) {
      mark_if_abandoned(run_id);
      info = read_run(run_id);
   }
   return info;
}

std::vector<RunInfo> PgJournal::runs()
{
   std::lock_guard lock(mutex_);
   mark_abandoned_runs();
   auto rows = query(fmt::format("SELECT {} FROM runs r ORDER BY r.started_at DESC, r.id DESC", run_columns), {},
                        "listing runs");
   std::vector<RunInfo> result;
   result.reserve(static_cast<std::size_t>(rows.rows()));
   for (int i = 0; i < rows.rows(); ++i) result.push_back(run_from_row(rows, i));
   return result;
}

std::vector<RunInfo> PgJournal::find_runs(const RunFilter& filter)
{
   // One query the indexes answer: a team's journal holds many runs.
   std::lock_guard lock(mutex_);
   mark_abandoned_runs();
   auto rows = query(fmt::format("SELECT {} FROM runs r WHERE ($1 = '' OR r.runbook_path = $1) "
                                 "AND ($2 = '' OR r.status = $2) AND ($3 = '' OR r.operator_name = $3) "
                                 "ORDER BY r.started_at DESC, r.id DESC", run_columns),
                     {filter.runbook_path, filter.status, filter.operator_name}, "listing runs");
   std::vector<RunInfo> result;
   result.reserve(static_cast<std::size_t>(rows.rows()));
   for (int i = 0; i < rows.rows(); ++i) result.push_back(run_from_row(rows, i));
   return result;
}

std::optional<RunInfo> PgJournal::latest_resumable()
{
   std::lock_guard lock(mutex_);
   mark_abandoned_runs();
   auto rows = query(fmt::format("SELECT {} FROM runs r WHERE r.status = 'interrupted' "
                                    "ORDER BY r.started_at DESC, r.id DESC LIMIT 1", run_columns),
                        {}, "finding the latest interrupted run");
   if (rows.rows() == 0) return std::nullopt;
   return run_from_row(rows, 0);
}

std::vector<JournalSource> PgJournal::sources(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   auto rows = query("SELECT path, text FROM sources WHERE run_id = $1 ORDER BY ordinal", {run_id},
                        "reading the run's sources");
   std::vector<JournalSource> result;
   for (int i = 0; i < rows.rows(); ++i) result.push_back({rows.text(i, 0), rows.text(i, 1)});
   return result;
}

void PgJournal::adopt_sources(const std::string& run_id, const std::vector<JournalSource>& sources)
{
   std::lock_guard lock(mutex_);
   const std::string hash = pg_source_hash(sources);
   write("adopting the current runbook", [&] {
      fence_if_held(run_id, "adopt the current runbook");
      const double now = wall_now_ms();
      auto old = db_.exec("SELECT source_hash FROM runs WHERE id = $1", {run_id}, "adopting the current runbook");
      const std::string old_hash = old.text(0, 0);
      db_.exec("DELETE FROM sources WHERE run_id = $1", {run_id}, "adopting the current runbook");
      int ordinal = 0;
      for (const auto& source : sources) {
         db_.exec("INSERT INTO sources (run_id, ordinal, path, text) VALUES ($1, $2, $3, $4)",
                  {run_id, std::to_string(ordinal++), source.path, source.text}, "adopting the current runbook");
      }
      db_.exec("UPDATE runs SET source_hash = $1, updated_at = $2 WHERE id = $3", {hash, number(now), run_id},
               "adopting the current runbook");
      append_event(run_id, "sources", "",
                   nlohmann::json{{"event", "adopted"}, {"from_hash", old_hash}, {"to_hash", hash}}.dump(), now);
   });
}

// --- steps

int PgJournal::step_started(const std::string& run_id, const std::string& step_id, const std::string& kind,
                            const std::string& def_hash, const std::string& inputs_json,
                            std::optional<double> deadline_ms, double at)
{
   std::lock_guard lock(mutex_);
   // The write-ahead rule: this commit happens before the side effect. If it
   // throws, the caller must not perform the step.
   constexpr std::string_view operation = "journaling the start of a step";
   const pg::Param deadline = deadline_ms ? pg::Param(number(*deadline_ms)) : std::nullopt;
   // The event's data but the attempt, which the server numbers.
   const std::string data_rest = step_started_data(kind, def_hash, deadline_ms).dump();
   return retry([&] {
      auto fast = fast_write(run_id, "runbook_step_started($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                             {step_id, kind, def_hash, inputs_json, deadline, number(at), number(wall_now_ms()),
                              data_rest},
                             operation);
      if (fast) return static_cast<int>(fast->integer(0, 0));
      return in_transaction(operation, [&] {
         return start_step_slowly(run_id, step_id, kind, def_hash, inputs_json, deadline_ms, at);
      });
   });
}

int PgJournal::start_step_slowly(const std::string& run_id, const std::string& step_id, const std::string& kind,
                                 const std::string& def_hash, const std::string& inputs_json,
                                 std::optional<double> deadline_ms, double at)
{
   require_lease(run_id, fmt::format("start step {}", step_id));
   if (retries_ > 0) {
      // The connection broke after COMMIT was sent: it may have committed.
      auto latest = db_.exec("SELECT attempt FROM attempts WHERE run_id = $1 AND step_id = $2 AND outcome IS NULL "
                             "AND def_hash = $3 AND started_at = $4 ORDER BY attempt DESC LIMIT 1",
                             {run_id, step_id, def_hash, number(at)}, "checking a start journaled before");
      if (latest.rows() == 1) return static_cast<int>(latest.integer(0, 0));
   }
   auto next = db_.exec("SELECT coalesce(max(attempt), 0) + 1 FROM attempts WHERE run_id = $1 AND step_id = $2",
                        {run_id, step_id}, "numbering the step's attempt");
   const int attempt = static_cast<int>(next.integer(0, 0));
   nlohmann::json data = step_started_data(kind, def_hash, deadline_ms);
   data["attempt"] = attempt;
   const std::int64_t seq = append_event(run_id, "step_started", step_id, data.dump(), at);
   db_.exec("INSERT INTO attempts (run_id, step_id, attempt, start_seq, kind, def_hash, inputs_json, "
            "deadline_ms, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            {run_id, step_id, std::to_string(attempt), std::to_string(seq), kind, def_hash, inputs_json,
             deadline_ms ? pg::Param(number(*deadline_ms)) : std::nullopt, number(at)},
            "journaling the start of a step");
   return attempt;
}

void PgJournal::step_finished(const std::string& run_id, const std::string& step_id, const std::string& outcome,
                              const std::string& result_json, double at)
{
   std::lock_guard lock(mutex_);
   constexpr std::string_view operation = "journaling the outcome of a step";
   retry([&] {
      // The outcome reaches the disk with the next step's start: a flush
      // saved per step (docs/team.md, "When a write reaches the disk").
      if (fast_write(run_id, "runbook_step_finished($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                     {step_id, outcome, result_json, number(at), number(wall_now_ms())}, operation,
                     Flush::WithNextWrite)) {
         unflushed_.push_back({run_id, step_id, outcome, result_json, at});
         return;
      }
      in_transaction(operation, [&] { finish_step_slowly(run_id, step_id, outcome, result_json, at, retries_ > 0); });
   });
}

void PgJournal::finish_step_slowly(const std::string& run_id, const std::string& step_id, const std::string& outcome,
                                   const std::string& result_json, double at, bool may_have_committed)
{
   require_lease(run_id, fmt::format("finish step {}", step_id));
   auto row = db_.exec(
      "UPDATE attempts SET outcome = $1, result_json = $2, finished_at = $3 "
      "WHERE run_id = $4 AND step_id = $5 "
      "AND (outcome IS NULL OR (outcome = 'interrupted' AND $1 = 'marked_done')) "
      "AND attempt = (SELECT max(attempt) FROM attempts WHERE run_id = $4 AND step_id = $5) RETURNING attempt",
      {outcome, result_json, number(at), run_id, step_id}, "journaling the outcome of a step");
   if (row.rows() == 0 && may_have_committed) {
      auto done = db_.exec("SELECT 1 FROM attempts WHERE run_id = $1 AND step_id = $2 AND outcome = $3 "
                           "AND finished_at = $4 AND attempt = (SELECT max(attempt) FROM attempts "
                           "WHERE run_id = $1 AND step_id = $2)",
                           {run_id, step_id, outcome, number(at)}, "checking an outcome journaled before");
      if (done.rows() == 1) return;
   }
   if (row.rows() == 0) {
      throw JournalError(fmt::format("cannot finish step {} of run {}: it has no unfinished attempt in the "
                                     "journal {}", step_id, run_id, path()));
   }
   append_event(run_id, "step_finished", step_id,
                nlohmann::json{{"attempt", row.integer(0, 0)}, {"outcome", outcome}}.dump(), at);
}

std::vector<StepRecord> PgJournal::steps(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   // The latest attempt of each step, ordered by the seq of its first start.
   auto rows = query(
      "SELECT DISTINCT ON (step_id) step_id, attempt, def_hash, kind, inputs_json, deadline_ms, started_at, outcome, "
      "result_json, finished_at, min(start_seq) OVER (PARTITION BY step_id) AS first_seq "
      "FROM attempts WHERE run_id = $1 ORDER BY step_id, attempt DESC",
      {run_id}, "reading the run's steps");
   std::vector<std::pair<std::int64_t, StepRecord>> found;
   for (int i = 0; i < rows.rows(); ++i) {
      StepRecord record;
      record.step_id = rows.text(i, 0);
      record.attempt = static_cast<int>(rows.integer(i, 1));
      record.def_hash = rows.text(i, 2);
      record.kind = rows.text(i, 3);
      record.inputs_json = rows.text(i, 4);
      record.deadline_ms = rows.optional_real(i, 5);
      record.started_at = rows.real(i, 6);
      record.outcome = rows.text(i, 7);   // NULL reads as "": in doubt
      record.result_json = rows.text(i, 8);
      record.finished_at = rows.real(i, 9);
      found.emplace_back(rows.integer(i, 10), std::move(record));
   }
   std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
   std::vector<StepRecord> result;
   result.reserve(found.size());
   for (auto& entry : found) result.push_back(std::move(entry.second));
   return result;
}

// --- events

void PgJournal::record(const std::string& run_id, const std::string& kind, const std::string& step_id,
                       const std::string& data_json, double at)
{
   std::lock_guard lock(mutex_);
   constexpr std::string_view operation = "journaling an event";
   retry([&] {
      if (fast_write(run_id, "runbook_record($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                     {kind, step_id, number(at), number(wall_now_ms()), data_json}, operation)) {
         return;
      }
      in_transaction(operation, [&] {
         fence_if_held(run_id, "journal an event");
         append_event(run_id, kind, step_id, data_json, at);
      });
   });
}

std::vector<JournalEvent> PgJournal::events(const std::string& run_id, std::int64_t after_seq)
{
   std::lock_guard lock(mutex_);
   auto rows = query("SELECT seq, at, wall_at, kind, step_id, data_json FROM events WHERE run_id = $1 AND seq > $2 "
                     "ORDER BY seq",
                     {run_id, std::to_string(after_seq)}, "reading the run's events");
   std::vector<JournalEvent> result;
   result.reserve(static_cast<std::size_t>(rows.rows()));
   for (int i = 0; i < rows.rows(); ++i) {
      JournalEvent event;
      event.seq = rows.integer(i, 0);
      event.at = rows.real(i, 1);
      event.wall_at = rows.real(i, 2);
      event.kind = rows.text(i, 3);
      event.step_id = rows.text(i, 4);
      event.data_json = rows.text(i, 5);
      result.push_back(std::move(event));
   }
   return result;
}

// --- requests

void PgJournal::post_request(const std::string& run_id, const std::string& kind, const std::string& data_json)
{
   std::lock_guard lock(mutex_);
   write("posting a request", [&] {
      auto exists = db_.exec("SELECT 1 FROM runs WHERE id = $1", {run_id}, "posting a request");
      if (exists.rows() == 0) no_such_run(run_id);
      db_.exec("INSERT INTO requests (run_id, kind, data_json, posted_at) VALUES ($1, $2, $3, $4)",
               {run_id, kind, data_json, number(wall_now_ms())}, "posting a request");
   });
}

std::vector<std::pair<std::string, std::string>> PgJournal::take_requests(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   {
      // The running interpreter polls often: an empty poll costs no transaction.
      auto pending = query("SELECT 1 FROM requests WHERE run_id = $1 AND taken_at IS NULL LIMIT 1", {run_id},
                              "reading pending requests");
      if (pending.rows() == 0) return {};
   }
   return write("taking pending requests", [&] {
      auto rows = db_.exec("UPDATE requests SET taken_at = $2 WHERE id IN (SELECT id FROM requests WHERE run_id = $1 "
                           "AND taken_at IS NULL ORDER BY id FOR UPDATE) RETURNING id, kind, data_json",
                           {run_id, number(wall_now_ms())}, "taking pending requests");
      std::vector<std::pair<std::int64_t, std::pair<std::string, std::string>>> taken;
      for (int i = 0; i < rows.rows(); ++i) taken.push_back({rows.integer(i, 0), {rows.text(i, 1), rows.text(i, 2)}});
      std::sort(taken.begin(), taken.end());
      std::vector<std::pair<std::string, std::string>> result;
      for (auto& entry : taken) result.push_back(std::move(entry.second));
      return result;
   });
}

}  // namespace runbook
