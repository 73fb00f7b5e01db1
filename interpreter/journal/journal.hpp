// The journal: one database (SQLite, or PostgreSQL for a team) that remembers
// every run and every step.
//
// The rule it exists for: a step's start is committed before its side effect
// and its result after, so that after Ctrl-C, a crash, kill -9 or power loss a
// resumed run knows exactly what was done, what was not, and what is in doubt.
//
// Settings: WAL, synchronous=FULL (a step record must survive power loss),
// every write in BEGIN IMMEDIATE, a busy timeout, a schema version in
// PRAGMA user_version. A database written by a newer runbook is refused.
//
// Nothing secret is ever passed in: callers redact before they journal.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace runbook {

/// Any failure to read or write the journal. The message says what, where and
/// what to do ("the journal .runbook/journal.db is read-only: ...").
class JournalError : public std::runtime_error {
public:
   using std::runtime_error::runtime_error;
};

/// Another live process holds the run.
class LeaseHeld : public JournalError {
public:
   LeaseHeld(const std::string& message, std::string host, int pid)
      : JournalError(message), host(std::move(host)), pid(pid) {}
   std::string host;
   int pid;
};

/// This process held the run and lost it: another took it over (its
/// heartbeat had stopped for longer than the lease timeout) and every write
/// of this process is refused from then on. The run must stop at once.
class LeaseLost : public LeaseHeld {
public:
   using LeaseHeld::LeaseHeld;
};

/// Run status values, as stored.
namespace run_status {
inline constexpr const char* Running = "running";
inline constexpr const char* Interrupted = "interrupted";
inline constexpr const char* Completed = "completed";
inline constexpr const char* Failed = "failed";
inline constexpr const char* Aborted = "aborted";
inline constexpr const char* RolledBack = "rolled_back";
inline constexpr const char* RollbackFailed = "rollback_failed";
}  // namespace run_status

/// Step outcomes, as stored. A step with a start and no outcome is in doubt.
namespace step_outcome {
inline constexpr const char* Done = "done";
inline constexpr const char* Failed = "failed";
inline constexpr const char* MarkedDone = "marked_done";   ///< Settled in doubt by operator/policy.
inline constexpr const char* Interrupted = "interrupted";  ///< Stopped cleanly by Ctrl-C or a trigger.
}  // namespace step_outcome

struct JournalSource { std::string path; std::string text; };

struct NewRun {
   std::string runbook_path;
   std::string title;
   std::string lock_name;                ///< From `lock "name"`; empty: the runbook is its own lock.
   std::vector<JournalSource> sources;   ///< The runbook first, then every module.
   std::string params_json;              ///< Redacted: secrets never appear.
   double time_scale = 1;
   double clock_origin_ms = 0;           ///< Runbook time at start (scaled clocks).
   std::string operator_name;            ///< Who started it (RUNBOOK_OPERATOR, default user@host).
};

struct RunInfo {
   std::string id;
   std::string runbook_path;
   std::string title;
   std::string lock_name;                ///< From `lock "name"`; empty: the runbook is its own lock.
   std::string source_hash;
   std::string params_json;
   std::string status;
   std::string mode;                     ///< "forward" or "rollback".
   std::string rollback_name;            ///< When mode is rollback.
   std::string detail;                   ///< Why it ended (failure message, abort reason).
   double started_at = 0;                ///< Wall ms since epoch.
   double updated_at = 0;
   double time_scale = 1;
   double clock_origin_ms = 0;
   std::string lease_host;
   int lease_pid = 0;
   double heartbeat_at = 0;
   double lease_since = 0;               ///< Wall ms when the current holder took the lease.
   std::string current_step;             ///< Latest started step id.
   std::string operator_name;            ///< Who started it; empty for runs from before it was kept.
};

/// `runbook runs --runbook --status --operator`: empty fields match every run.
struct RunFilter {
   std::string runbook_path;
   std::string status;
   std::string operator_name;
   bool matches(const RunInfo& run) const;
};

/// The latest record of one step id within a run.
struct StepRecord {
   std::string step_id;
   int attempt = 0;
   std::string def_hash;                 ///< Hash of the resolved definition.
   std::string kind;                     ///< "sh", "http", "wait", ...
   std::string inputs_json;              ///< Redacted.
   std::optional<double> deadline_ms;    ///< Runbook time; waits keep it across interruptions.
   double started_at = 0;                ///< Runbook time.
   std::string outcome;                  ///< Empty: started, never finished (in doubt).
   std::string result_json;              ///< Redacted; captured values are restored from it.
   double finished_at = 0;
};

struct JournalEvent {
   std::int64_t seq = 0;                 ///< 1, 2, 3... within the run: the order of the story.
   double at = 0;                        ///< Runbook time.
   double wall_at = 0;
   std::string kind;                     ///< "step_started", "step_finished", "sample", "trigger", "answer", "log", "run"...
   std::string step_id;
   std::string data_json;
};

/// Where the journal lives unless --journal says otherwise: `.runbook/journal.db`
/// under the working directory.
std::string default_journal_path();


/// A journal server that went away (journal_listener.cpp): what its owner is told.
struct JournalOutage {
   std::string journal;          ///< The journal's name, as path() says it: a URL's password redacted.
   std::string reason;           ///< Why it is unreachable, as the error says it (redacted too).
   double retry_for_ms = 0;      ///< How long a write waits for it before it fails.
   double held_ms = 0;           ///< When it is back: how long it was away (wall time).
};

/// Who hears that the journal's server went away and came back: a running
/// interpreter, which tells the people watching (the journal itself cannot
/// record it: it is what is down). Called once when writes start holding and
/// once when the server is back, from the thread whose write holds, while the
/// journal is locked: a listener must not call the journal.
class JournalListener {
public:
   virtual ~JournalListener() = default;
   virtual void journal_unreachable(const JournalOutage& outage) = 0;
   virtual void journal_back(const JournalOutage& outage) = 0;
};

/// Thread-safe: calls on one Journal are serialized. Not fork-safe: a forked
/// child must open its own.
class Journal {
public:
   /// Opens (creating folders and schema as needed). Throws JournalError.
   static std::unique_ptr<Journal> open(const std::string& path);
   /// A journal in this process's memory, gone with it: for rehearsals
   /// (`simulate`, `verify`) that no other process resumes or approves.
   /// No file, no fsync, no locks.
   static std::unique_ptr<Journal> open_in_memory();
   virtual ~Journal() = default;

   virtual const std::string& path() const = 0;

   /// Who is told when the server goes away and comes back; null (the
   /// default): stderr is ("runbook: WHY; retrying until it is back (up to
   /// N s)", "runbook: the journal NAME is back"), so that a command without
   /// a live view still says what it waits for. Returns the previous one.
   JournalListener* set_listener(JournalListener* listener) { return listener_.exchange(listener); }
   /// Why the file at path() is no longer the journal this object writes (it
   /// was deleted, or replaced by another file, or its WAL was), or "" when
   /// it still is. Writes to a deleted file succeed and are lost: a run
   /// checks this before every side effect.
   virtual std::string file_problem() const { return ""; }

   // --- runs
   /// Creates a run and takes its lease for this process. Returns the run id.
   virtual std::string create_run(const NewRun& run) = 0;
   /// Takes the lease; throws LeaseHeld when a live process on this host holds it.
   virtual void acquire_lease(const std::string& run_id) = 0;
   virtual void heartbeat(const std::string& run_id) = 0;
   virtual void release_lease(const std::string& run_id) = 0;
   virtual void set_status(const std::string& run_id, const std::string& status, const std::string& detail = "") = 0;
   virtual void enter_rollback(const std::string& run_id, const std::string& rollback_name) = 0;
   virtual std::optional<RunInfo> run(const std::string& run_id) = 0;
   /// All runs, newest first. Runs whose lease holder is gone are marked interrupted first.
   virtual std::vector<RunInfo> runs() = 0;
   /// The runs `filter` matches, newest first, as runs() would list them. The
   /// default filters runs(); a backend for many runs answers from its indexes.
   virtual std::vector<RunInfo> find_runs(const RunFilter& filter);
   /// The newest interrupted (or dead "running") run, if any.
   virtual std::optional<RunInfo> latest_resumable() = 0;
   virtual std::vector<JournalSource> sources(const std::string& run_id) = 0;
   /// `resume --use-current` adopted the runbook on disk: its text and its
   /// modules' replace the journaled ones, so that a later resume without the
   /// flag continues with what the run now runs (the journal's step records
   /// were written against it). A "sources" event keeps the old and new hashes.
   virtual void adopt_sources(const std::string& run_id, const std::vector<JournalSource>& sources) = 0;

   // --- steps: the write-ahead protocol
   /// Commits the start of a step before its side effect. Returns the attempt number (1, 2, ...).
   virtual int step_started(const std::string& run_id, const std::string& step_id, const std::string& kind,
                            const std::string& def_hash, const std::string& inputs_json,
                            std::optional<double> deadline_ms, double at) = 0;
   /// Commits the outcome of the latest attempt: one not finished yet, or an
   /// interrupted one (effect unknown) settled as step_outcome::MarkedDone.
   virtual void step_finished(const std::string& run_id, const std::string& step_id, const std::string& outcome,
                              const std::string& result_json, double at) = 0;
   /// Latest record per step id, in order of first start.
   virtual std::vector<StepRecord> steps(const std::string& run_id) = 0;

   /// While true, writes are committed (a crash leaves the journal consistent)
   /// but do not wait for the disk's flush: the next flushed commit makes them
   /// durable with it, because the WAL is flushed as one file, in order. Only
   /// for the records of a step without side effects (an HTTP GET, a log line):
   /// losing them to a power cut means redoing that step, which a resume does
   /// for such a step anyway. Off by default; an implementation may ignore it
   /// and always flush.
   virtual void defer_flushes(bool /*deferred*/) {}

   // --- everything else that tells the story (samples, triggers, answers, logs)
   virtual void record(const std::string& run_id, const std::string& kind, const std::string& step_id,
                       const std::string& data_json, double at) = 0;
   /// The run's events after seq `after_seq`, in order: a reader following a
   /// run (the live web page) asks only for what is new.
   virtual std::vector<JournalEvent> events(const std::string& run_id, std::int64_t after_seq) = 0;
   std::vector<JournalEvent> events(const std::string& run_id) { return events(run_id, 0); }

   // --- requests from other terminals (`runbook approve`, `runbook abort`)
   virtual void post_request(const std::string& run_id, const std::string& kind, const std::string& data_json) = 0;
   /// Pending requests not yet taken; taking them marks them taken.
   virtual std::vector<std::pair<std::string, std::string>> take_requests(const std::string& run_id) = 0;

protected:
   /// For a backend whose server can go away: writes hold from now on,
   /// retried for up to `retry_for_ms`. Told once per outage (later calls
   /// before journal_back() are ignored). Called with the journal locked.
   void journal_unreachable(const std::string& why, double retry_for_ms);
   /// The server answers again (a connection was made): told only when
   /// journal_unreachable() was, then the outage is over.
   void journal_back();

private:
   std::atomic<JournalListener*> listener_{nullptr};
   bool away_ = false;                ///< journal_unreachable() told, journal_back() not yet.
   double away_since_ms_ = 0;         ///< Monotonic ms when it was told.
   std::string away_why_;
   double away_retry_for_ms_ = 0;
};

/// The journal to open: `flag` (from --journal) when given, else the
/// environment variable RUNBOOK_JOURNAL, else default_journal_path().
std::string journal_spec(const std::string& flag);

/// True for a PostgreSQL URL (postgresql://... or postgres://...).
bool is_postgres_spec(const std::string& spec);

/// Opens the journal `spec` names: a PostgreSQL URL, or a SQLite file path.
/// The one place a command opens a journal. Throws JournalError.
std::unique_ptr<Journal> open_journal(const std::string& spec);

/// `spec` as messages may show it: a URL's password redacted.
std::string journal_display_name(const std::string& spec);

}  // namespace runbook
