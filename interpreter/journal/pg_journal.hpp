// The Journal on PostgreSQL (pg_journal.cpp). Opened through open_journal().
#pragma once

#include "journal/journal.hpp"
#include "journal/lease.hpp"
#include "journal/pg.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

namespace runbook {

class PgJournal final : public Journal {
public:
   /// Connects to `url` and creates or migrates the schema. Throws JournalError.
   explicit PgJournal(const std::string& url);

   const std::string& path() const override { return db_.name(); }

   std::string create_run(const NewRun& run) override;
   void acquire_lease(const std::string& run_id) override;
   void heartbeat(const std::string& run_id) override;
   void release_lease(const std::string& run_id) override;
   void set_status(const std::string& run_id, const std::string& status, const std::string& detail) override;
   void enter_rollback(const std::string& run_id, const std::string& rollback_name) override;
   std::optional<RunInfo> run(const std::string& run_id) override;
   std::vector<RunInfo> runs() override;
   std::vector<RunInfo> find_runs(const RunFilter& filter) override;
   std::optional<RunInfo> latest_resumable() override;
   std::vector<JournalSource> sources(const std::string& run_id) override;
   void adopt_sources(const std::string& run_id, const std::vector<JournalSource>& sources) override;

   int step_started(const std::string& run_id, const std::string& step_id, const std::string& kind,
                    const std::string& def_hash, const std::string& inputs_json,
                    std::optional<double> deadline_ms, double at) override;
   void step_finished(const std::string& run_id, const std::string& step_id, const std::string& outcome,
                      const std::string& result_json, double at) override;
   std::vector<StepRecord> steps(const std::string& run_id) override;

   void record(const std::string& run_id, const std::string& kind, const std::string& step_id,
               const std::string& data_json, double at) override;
   using Journal::events;
   std::vector<JournalEvent> events(const std::string& run_id, std::int64_t after_seq) override;

   void post_request(const std::string& run_id, const std::string& kind, const std::string& data_json) override;
   std::vector<std::pair<std::string, std::string>> take_requests(const std::string& run_id) override;

   /// How long a write waits for a server that went away before it fails
   /// (RUNBOOK_JOURNAL_RECONNECT_S, default 300 s).
   void set_reconnect_for_ms(double ms) { reconnect_for_ms_ = ms; }

private:
   /// Runs `attempt` again from the start while the server is away (up to
   /// reconnect_for_ms_, with backoff), telling the listener (or stderr) once
   /// and when it is back (journal.hpp: JournalListener).
   template <typename Attempt>
   auto retry(Attempt&& attempt);
   /// Runs `work` in one transaction (within retry()).
   template <typename Work>
   auto in_transaction(std::string_view operation, Work&& work);
   /// Runs `work` in one transaction, retried as a whole.
   template <typename Work>
   auto write(std::string_view operation, Work&& work);
   /// When a write must be on the server's disk (docs/team.md, "When a write
   /// reaches the disk"): before the call returns, or with the next write that
   /// waits for the disk, which flushes the server's log up to itself.
   enum class Flush { Now, WithNextWrite };
   /// The fast path (within retry()): `SELECT call`, a journal function
   /// whose $1..$4 are the run and this process's fence (host, pid, epoch)
   /// and the rest `params`. Nothing when the write must take the slow path:
   /// this process never took the run, the connection broke mid-write, or
   /// the function refused.
   std::optional<pg::Result> fast_write(const std::string& run_id, const std::string& call,
                                        std::vector<pg::Param> params, std::string_view operation,
                                        Flush flush = Flush::Now);
   /// A step's outcome committed with Flush::WithNextWrite: a server crash
   /// before the next flush may lose it, so it is kept until then.
   struct UnflushedOutcome {
      std::string run_id, step_id, outcome, result_json;
      double at = 0;
   };
   /// After a reconnect (within retry()): journals again each outcome the
   /// server may have lost, and forgets them.
   void rewrite_unflushed_outcomes();
   /// step_started() and step_finished() as statements in the caller's transaction.
   int start_step_slowly(const std::string& run_id, const std::string& step_id, const std::string& kind,
                         const std::string& def_hash, const std::string& inputs_json,
                         std::optional<double> deadline_ms, double at);
   /// `may_have_committed`: the same outcome may be in the journal already
   /// (a connection that broke after COMMIT was sent, or a rewrite).
   void finish_step_slowly(const std::string& run_id, const std::string& step_id, const std::string& outcome,
                           const std::string& result_json, double at, bool may_have_committed);
   /// One statement outside a transaction (a read), retried.
   pg::Result query(const std::string& sql, const std::vector<pg::Param>& params, std::string_view operation);
   /// The run's lease row, locked FOR UPDATE when `lock`.
   LeaseHolder read_lease(const std::string& run_id, std::int64_t* epoch, std::string* status, bool lock);
   /// The fence: fails unless this process holds the run at the epoch it
   /// took. Locks the run's row for the caller's transaction.
   void require_lease(const std::string& run_id, std::string_view action);
   /// Throws LeaseLost naming who took the run from this process.
   [[noreturn]] void throw_lost(const std::string& run_id, std::string_view action, std::int64_t mine,
                                std::int64_t epoch, const std::string& status);
   /// require_lease() for a run this object took, else only the row lock.
   void fence_if_held(const std::string& run_id, std::string_view action);
   void lock_run(const std::string& run_id);
   std::int64_t append_event(const std::string& run_id, const std::string& kind, const std::string& step_id,
                             const std::string& data_json, double at);
   std::optional<RunInfo> read_run(const std::string& run_id);
   void mark_if_abandoned(const std::string& run_id);
   void mark_abandoned_runs();
   [[noreturn]] void no_such_run(const std::string& run_id) const;

   pg::Connection db_;
   std::mutex mutex_;
   std::map<std::string, std::int64_t> epochs_;   ///< Runs this object took, and the lease epoch it took them at.
   double reconnect_for_ms_ = 300'000;
   int retries_ = 0;   ///< Within retry(): 0 on the first try of the current work.
   std::vector<UnflushedOutcome> unflushed_;   ///< Since the last write flushed on this connection.
   bool rewrite_pending_ = false;              ///< A reconnect happened with unflushed_ not empty.
   const LeaseHolder self_ = current_process_holder();
};

}  // namespace runbook
