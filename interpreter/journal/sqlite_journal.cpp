// The Journal on SQLite. See journal.hpp for the contract and docs/journal.md
// for the schema and the write-ahead protocol.

#include "journal/journal.hpp"

#include "journal/lease.hpp"
#include "journal/run_id.hpp"
#include "journal/schema.hpp"
#include "journal/sha256.hpp"
#include "journal/sqlite.hpp"
#include "journal/testing.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace runbook {

namespace {

constexpr int default_busy_timeout_ms = 5000;

/// Creates the folder that will hold the journal; SQLite creates only the file.
void create_parent_folder(const std::string& path)
{
   const auto parent = std::filesystem::path(path).parent_path();
   if (parent.empty()) return;
   std::error_code error;
   std::filesystem::create_directories(parent, error);
   if (error) {
      throw JournalError(fmt::format("cannot create the folder {} for the journal {}: {}: check its permissions, "
                                     "or pass --journal PATH to use another journal",
                                     parent.string(), path, error.message()));
   }
}

bool is_known_status(const std::string& status)
{
   for (const char* known : {run_status::Running, run_status::Interrupted, run_status::Completed,
                             run_status::Failed, run_status::Aborted, run_status::RolledBack,
                             run_status::RollbackFailed}) {
      if (status == known) return true;
   }
   return false;
}

std::string source_hash(const std::vector<JournalSource>& sources)
{
   // Path and text, each length-prefixed, so no two different source sets hash alike.
   Sha256 hash;
   for (const auto& source : sources) {
      hash.update(fmt::format("{}:{}\n{}:", source.path.size(), source.path, source.text.size()));
      hash.update(source.text);
   }
   return hash.hex_digest();
}

}  // namespace

std::string default_journal_path()
{
   return ".runbook/journal.db";
}

class SqliteJournal final : public Journal {
public:
   explicit SqliteJournal(const std::string& path);
   struct InMemory {};
   explicit SqliteJournal(InMemory);

   const std::string& path() const override { return db_.path(); }
   std::string file_problem() const override;

   std::string create_run(const NewRun& run) override;
   void acquire_lease(const std::string& run_id) override;
   void heartbeat(const std::string& run_id) override;
   void release_lease(const std::string& run_id) override;
   void set_status(const std::string& run_id, const std::string& status, const std::string& detail) override;
   void enter_rollback(const std::string& run_id, const std::string& rollback_name) override;
   std::optional<RunInfo> run(const std::string& run_id) override;
   std::vector<RunInfo> runs() override;
   std::optional<RunInfo> latest_resumable() override;
   std::vector<JournalSource> sources(const std::string& run_id) override;
   void adopt_sources(const std::string& run_id, const std::vector<JournalSource>& sources) override;

   int step_started(const std::string& run_id, const std::string& step_id, const std::string& kind,
                    const std::string& def_hash, const std::string& inputs_json,
                    std::optional<double> deadline_ms, double at) override;
   void step_finished(const std::string& run_id, const std::string& step_id, const std::string& outcome,
                      const std::string& result_json, double at) override;
   std::vector<StepRecord> steps(const std::string& run_id) override;
   void defer_flushes(bool deferred) override;

   void record(const std::string& run_id, const std::string& kind, const std::string& step_id,
               const std::string& data_json, double at) override;
   using Journal::events;
   std::vector<JournalEvent> events(const std::string& run_id, std::int64_t after_seq) override;

   void post_request(const std::string& run_id, const std::string& kind, const std::string& data_json) override;
   std::vector<std::pair<std::string, std::string>> take_requests(const std::string& run_id) override;

   // Test hooks (journal/testing.hpp).
   void limit_pages(int pages);
   int page_count();
   void set_busy_timeout(int milliseconds);
   void set_flushes(bool flush);
   int synchronous();

private:
   void configure();
   void configure_in_memory();
   /// Fails unless this process holds the run. Inside a write transaction.
   void require_lease(const std::string& run_id, std::string_view action);
   /// require_lease() for a run this object took: once taken over, every
   /// write of it is refused. Others (`runbook abort` on a dead run) may write.
   void fence_if_held(const std::string& run_id, std::string_view action);
   LeaseHolder read_lease(const std::string& run_id, std::string* status = nullptr);
   /// Appends an event inside the caller's transaction; returns its seq.
   std::int64_t append_event(const std::string& run_id, const std::string& kind, const std::string& step_id,
                             const std::string& data_json, double at);
   std::optional<RunInfo> read_run(const std::string& run_id);
   /// Marks the run interrupted when it says "running" but its holder is gone.
   void mark_if_abandoned(const std::string& run_id);
   [[noreturn]] void no_such_run(const std::string& run_id) const;

   sqlite::Database db_;
   std::mutex mutex_;
   bool deferred_ = false;   ///< defer_flushes(): synchronous=NORMAL instead of FULL.
   bool in_memory_ = false;  ///< open_in_memory(): no file, never flushed.
   std::set<std::string> runs_with_requests_;   ///< In memory: runs with requests posted and not taken yet.
   std::set<std::string> held_;   ///< Runs this object took (created or acquired) and has not released.
   /// The identity (device, inode) of the journal file and of its WAL as opened.
   struct FileId { dev_t dev = 0; ino_t ino = 0; bool known = false; };
   FileId opened_;
   mutable FileId opened_wal_;
   /// The WAL's largest size seen: SQLite reuses the log from its start after
   /// a checkpoint but never shrinks it (no journal_size_limit, no TRUNCATE
   /// checkpoint here), so a smaller file means someone cut commits off it.
   mutable off_t wal_size_seen_ = 0;
   const LeaseHolder self_ = current_process_holder();

   // Prepared once after the schema exists; declared after db_ so they are
   // finalized before the connection closes.
   struct Statements;
   std::unique_ptr<Statements> sql_;
};

// Every statement the journal runs, prepared once and reused.
struct SqliteJournal::Statements {
   explicit Statements(sqlite::Database& db)
      : insert_run(db, "INSERT INTO runs (id, runbook_path, title, source_hash, params_json, status, started_at, "
                       "updated_at, time_scale, clock_origin_ms, lease_host, lease_pid, lease_start_ticks, "
                       "lease_since, heartbeat_at, schema_version, lock_name, operator_name) "
                       "VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        run_exists(db, "SELECT 1 FROM runs WHERE id = ?"),
        insert_source(db, "INSERT INTO sources (run_id, ordinal, path, text) VALUES (?, ?, ?, ?)"),
        delete_sources(db, "DELETE FROM sources WHERE run_id = ?"),
        set_source_hash(db, "UPDATE runs SET source_hash = ?, updated_at = ? WHERE id = ?"),
        select_lease(db, "SELECT lease_host, lease_pid, lease_start_ticks, lease_since, heartbeat_at, status "
                         "FROM runs WHERE id = ?"),
        take_lease(db, "UPDATE runs SET lease_host = ?, lease_pid = ?, lease_start_ticks = ?, lease_since = ?, "
                       "heartbeat_at = ?, updated_at = ? WHERE id = ?"),
        heartbeat(db, "UPDATE runs SET heartbeat_at = ? WHERE id = ? AND lease_host = ? AND lease_pid = ?"),
        release_lease(db, "UPDATE runs SET lease_host = '', lease_pid = 0, lease_start_ticks = 0, lease_since = 0, "
                          "updated_at = ? WHERE id = ? AND lease_host = ? AND lease_pid = ?"),
        set_status(db, "UPDATE runs SET status = ?, detail = ?, updated_at = ? WHERE id = ?"),
        enter_rollback(db, "UPDATE runs SET mode = 'rollback', rollback_name = ?, updated_at = ? WHERE id = ?"),
        select_run(db, "SELECT id, runbook_path, title, source_hash, params_json, status, mode, rollback_name, "
                       "detail, started_at, updated_at, time_scale, clock_origin_ms, lease_host, lease_pid, "
                       "heartbeat_at, lease_since, lock_name, operator_name FROM runs WHERE id = ?"),
        select_run_ids(db, "SELECT id FROM runs ORDER BY started_at DESC, id DESC"),
        select_running(db, "SELECT id FROM runs WHERE status = 'running'"),
        select_latest_interrupted(db, "SELECT id FROM runs WHERE status = 'interrupted' "
                                      "ORDER BY started_at DESC, id DESC LIMIT 1"),
        select_current_step(db, "SELECT step_id FROM events WHERE run_id = ? AND kind = 'step_started' "
                                "ORDER BY seq DESC LIMIT 1"),
        select_sources(db, "SELECT path, text FROM sources WHERE run_id = ? ORDER BY ordinal"),
        next_attempt(db, "SELECT coalesce(max(attempt), 0) + 1 FROM attempts WHERE run_id = ? AND step_id = ?"),
        insert_attempt(db, "INSERT INTO attempts (run_id, step_id, attempt, start_seq, kind, def_hash, "
                           "inputs_json, deadline_ms, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        // The latest attempt, if it has no outcome yet, or if it was
        // interrupted (Ctrl-C: its effect unknown, like a crash's) and is now
        // settled as marked done in doubt.
        finish_attempt(db, "UPDATE attempts SET outcome = ?1, result_json = ?2, finished_at = ?3 "
                           "WHERE run_id = ?4 AND step_id = ?5 "
                           "AND (outcome IS NULL OR (outcome = 'interrupted' AND ?1 = 'marked_done')) "
                           "AND attempt = (SELECT max(attempt) FROM attempts WHERE run_id = ?4 AND step_id = ?5) "
                           "RETURNING attempt"),
        // Every attempt in primary-key order: each step's attempts together, oldest first.
        select_attempts(db, "SELECT step_id, attempt, start_seq, def_hash, kind, inputs_json, deadline_ms, "
                            "started_at, outcome, result_json, finished_at "
                            "FROM attempts WHERE run_id = ? ORDER BY step_id, attempt"),
        insert_event(db, "INSERT INTO events (run_id, seq, kind, step_id, at, wall_at, data_json) "
                         "VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM events WHERE run_id = ?1), "
                         "?2, ?3, ?4, ?5, ?6) RETURNING seq"),
        select_events(db, "SELECT seq, at, wall_at, kind, step_id, data_json FROM events "
                          "WHERE run_id = ? AND seq > ? ORDER BY seq"),
        insert_request(db, "INSERT INTO requests (run_id, kind, data_json, posted_at) VALUES (?, ?, ?, ?)"),
        select_pending_requests(db, "SELECT id, kind, data_json FROM requests "
                                    "WHERE run_id = ? AND taken_at IS NULL ORDER BY id"),
        mark_request_taken(db, "UPDATE requests SET taken_at = ? WHERE id = ?")
   {
   }

   sqlite::Statement insert_run, run_exists, insert_source, delete_sources, set_source_hash, select_lease, take_lease, heartbeat, release_lease,
      set_status, enter_rollback, select_run, select_run_ids, select_running, select_latest_interrupted,
      select_current_step, select_sources, next_attempt, insert_attempt, finish_attempt, select_attempts,
      insert_event, select_events, insert_request, select_pending_requests, mark_request_taken;
};

std::unique_ptr<Journal> Journal::open(const std::string& path)
{
   if (path.empty()) throw JournalError("the journal path is empty: pass --journal PATH or omit it");
   std::error_code ignored;
   if (std::filesystem::is_directory(path, ignored)) {
      throw JournalError(fmt::format("the journal path {} is a folder: pass --journal with a file path, "
                                     "e.g. {}/journal.db", path, path));
   }
   create_parent_folder(path);
   return std::make_unique<SqliteJournal>(path);
}

SqliteJournal::SqliteJournal(const std::string& path)
   : db_(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, default_busy_timeout_ms)
{
   configure();
   sql_ = std::make_unique<Statements>(db_);
   struct stat st {};
   if (::stat(path.c_str(), &st) == 0) opened_ = {st.st_dev, st.st_ino, true};
}

std::unique_ptr<Journal> Journal::open_in_memory()
{
   return std::make_unique<SqliteJournal>(SqliteJournal::InMemory{});
}

// No file: file_problem() has nothing to watch (opened_ stays unknown).
SqliteJournal::SqliteJournal(InMemory)
   : db_(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_MEMORY,
         default_busy_timeout_ms)
{
   in_memory_ = true;
   configure_in_memory();
   sql_ = std::make_unique<Statements>(db_);
}

namespace {

/// A WAL file begins with SQLite's magic number (big-endian 0x377f0682 or
/// 0x377f0683: https://www.sqlite.org/fileformat.html#the_write_ahead_log).
bool starts_like_a_wal(const std::string& path)
{
   unsigned char magic[4] = {};
   const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
   if (fd < 0) return true;   // Unreadable here says nothing about its content.
   const ssize_t got = ::pread(fd, magic, sizeof magic, 0);
   ::close(fd);
   return got == 4 && magic[0] == 0x37 && magic[1] == 0x7f && magic[2] == 0x06 && (magic[3] & 0xfe) == 0x82;
}

}  // namespace

std::string SqliteJournal::file_problem() const
{
   struct stat st {};
   if (!opened_.known) return "";
   if (::stat(path().c_str(), &st) != 0)
      return fmt::format("the journal {} was deleted while the run was writing it", path());
   if (st.st_dev != opened_.dev || st.st_ino != opened_.ino)
      return fmt::format("the journal {} was replaced by another file while the run was writing it", path());
   // The WAL holds the latest commits until a checkpoint: losing it loses them.
   const std::string wal = path() + "-wal";
   if (::stat(wal.c_str(), &st) != 0) {
      if (opened_wal_.known) return fmt::format("the journal's write-ahead log {} was deleted during the run", wal);
      return "";
   }
   if (!opened_wal_.known) {
      opened_wal_ = {st.st_dev, st.st_ino, true};
   } else if (st.st_dev != opened_wal_.dev || st.st_ino != opened_wal_.ino) {
      return fmt::format("the journal's write-ahead log {} was replaced during the run", wal);
   }
   // Cut in place: smaller than it was, or grown back by our own next write
   // over a hole where its header was.
   if (wal_size_seen_ > 0 && (st.st_size < wal_size_seen_ || !starts_like_a_wal(wal)))
      return fmt::format("the journal's write-ahead log {} was truncated during the run: the commits in it are lost",
                         wal);
   wal_size_seen_ = st.st_size;
   return "";
}

void SqliteJournal::configure()
{
   // SQLite silently opens a file it cannot write read-only; refuse here, at
   // open, rather than at the first step.
   if (sqlite3_db_readonly(db_.handle(), "main") == 1) {
      throw JournalError(fmt::format("the journal {} is read-only: make it writable (chmod u+w {}), or pass "
                                     "--journal PATH to use another journal", path(), path()));
   }
   // WAL: readers (`runbook status`) never block the writer. The mode is
   // persistent and the pragma answers with the mode in force, so check it.
   const auto mode = db_.query_text("PRAGMA journal_mode = WAL", "switching to WAL mode");
   if (mode != "wal") {
      throw JournalError(fmt::format("the journal {} could not switch to WAL mode (it stays in '{}' mode): make "
                                     "its folder writable, or pass --journal PATH to use another journal",
                                     path(), mode.value_or("unknown")));
   }
   // FULL: a committed step record survives power loss, not only a crash.
   db_.exec("PRAGMA synchronous = FULL", "setting synchronous=FULL");
   db_.exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
   migrate_journal(db_);
}

namespace {

/// The bytes of an empty, fully migrated journal, built once per process:
/// a simulation opens a journal per path, and creating the schema from
/// nothing each time was a twentieth of a simulated path.
const std::string& blank_journal_image()
{
   static const std::string image = [] {
      sqlite::Database db(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY, 0);
      migrate_journal(db);
      sqlite3_int64 size = 0;
      unsigned char* bytes = sqlite3_serialize(db.handle(), "main", &size, 0);
      if (bytes == nullptr) throw JournalError("cannot serialize an empty journal (out of memory)");
      std::string copy(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
      sqlite3_free(bytes);
      return copy;
   }();
   return image;
}

}  // namespace

void SqliteJournal::configure_in_memory()
{
   const std::string& image = blank_journal_image();
   auto* bytes = static_cast<unsigned char*>(sqlite3_malloc64(image.size()));
   if (bytes == nullptr) throw JournalError("cannot open a journal in memory (out of memory)");
   std::memcpy(bytes, image.data(), image.size());
   const auto size = static_cast<sqlite3_int64>(image.size());
   if (sqlite3_deserialize(db_.handle(), "main", bytes, size, size,
                           SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
      throw JournalError("cannot open a journal in memory (out of memory)");
   // Nothing survives the process anyway: no rollback journal to write, no flushes.
   db_.exec("PRAGMA journal_mode = MEMORY", "keeping the rollback journal in memory");
   db_.exec("PRAGMA synchronous = OFF", "setting synchronous=OFF");
   db_.exec("PRAGMA foreign_keys = ON", "enabling foreign keys");
   migrate_journal(db_);   // Up to date already: it only reads the version.
}

// --- runs

std::string SqliteJournal::create_run(const NewRun& run)
{
   std::lock_guard lock(mutex_);
   const double now = wall_now_ms();
   const std::string hash = source_hash(run.sources);
   sqlite::Transaction transaction(db_, "creating a run");
   std::string id;
   do {
      id = make_run_id(now);   // 16 random bits: retry in the rare same-second collision
      auto exists = sql_->run_exists.use("creating a run");
      if (!exists.bind(id).step()) break;
   } while (true);
   sql_->insert_run.use("creating a run")
      .bind(id).bind(run.runbook_path).bind(run.title).bind(hash).bind(run.params_json)
      .bind(now).bind(now).bind(run.time_scale).bind(run.clock_origin_ms)
      .bind(self_.host).bind(self_.pid).bind(self_.start_ticks).bind(now).bind(now)
      .bind(journal_schema_version()).bind(run.lock_name).bind(run.operator_name)
      .run();
   int ordinal = 0;
   for (const auto& source : run.sources) {
      sql_->insert_source.use("storing the runbook source")
         .bind(id).bind(ordinal++).bind(source.path).bind(source.text).run();
   }
   append_event(id, "run", "",
                nlohmann::json{{"status", run_status::Running}, {"event", "created"},
                               {"host", self_.host}, {"pid", self_.pid}}.dump(),
                now);
   transaction.commit();
   held_.insert(id);
   return id;
}

LeaseHolder SqliteJournal::read_lease(const std::string& run_id, std::string* status)
{
   auto row = sql_->select_lease.use("reading the run's lease");
   if (!row.bind(run_id).step()) no_such_run(run_id);
   LeaseHolder holder;
   holder.host = row.text(0);
   holder.pid = static_cast<int>(row.integer(1));
   holder.start_ticks = row.integer(2);
   holder.since = row.real(3);
   holder.heartbeat_at = row.real(4);
   if (status != nullptr) *status = row.text(5);
   return holder;
}

void SqliteJournal::acquire_lease(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   // Check and take in one IMMEDIATE transaction: of two processes racing for
   // the run, the second sees the first's lease.
   sqlite::Transaction transaction(db_, "taking the run's lease");
   const double now = wall_now_ms();
   const LeaseHolder holder = read_lease(run_id);
   const bool ours = is_current_process(holder);
   if (!ours && !holder_is_gone(holder, now)) {
      throw LeaseHeld(fmt::format("run {} is held by {}: wait for it to finish, or stop that process "
                                  "(`runbook abort {}` or kill it) and try again",
                                  run_id, describe_holder(holder, now), run_id),
                      holder.host, holder.pid);
   }
   sql_->take_lease.use("taking the run's lease")
      .bind(self_.host).bind(self_.pid).bind(self_.start_ticks).bind(ours ? holder.since : now).bind(now)
      .bind(now).bind(run_id)
      .run();
   if (!ours && holder.pid != 0) {
      append_event(run_id, "lease_takeover", "",
                   nlohmann::json{{"previous_host", holder.host}, {"previous_pid", holder.pid},
                                  {"previous_heartbeat_at", holder.heartbeat_at},
                                  {"host", self_.host}, {"pid", self_.pid}}.dump(),
                   now);
   }
   transaction.commit();
   held_.insert(run_id);
}

void SqliteJournal::require_lease(const std::string& run_id, std::string_view action)
{
   const LeaseHolder holder = read_lease(run_id);
   if (is_current_process(holder)) return;
   if (holder.pid == 0) {
      throw JournalError(fmt::format("cannot {} of run {}: this process does not hold the run (nobody does): "
                                     "take it first (`runbook resume {}`)", action, run_id, run_id));
   }
   throw LeaseLost(fmt::format("cannot {} of run {}: it is now held by {}; this process lost it and stops",
                               action, run_id, describe_holder(holder, wall_now_ms())),
                   holder.host, holder.pid);
}

void SqliteJournal::fence_if_held(const std::string& run_id, std::string_view action)
{
   if (held_.count(run_id) != 0) require_lease(run_id, action);
}

void SqliteJournal::heartbeat(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   sqlite::Transaction transaction(db_, "recording a heartbeat");
   sql_->heartbeat.use("recording a heartbeat").bind(wall_now_ms()).bind(run_id).bind(self_.host)
      .bind(self_.pid).run();
   if (db_.changes() == 0) require_lease(run_id, "record a heartbeat");   // throws with who holds it
   transaction.commit();
}

void SqliteJournal::release_lease(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   sqlite::Transaction transaction(db_, "releasing the run's lease");
   // Releasing a lease held by someone else does nothing: it is theirs.
   sql_->release_lease.use("releasing the run's lease").bind(wall_now_ms()).bind(run_id).bind(self_.host)
      .bind(self_.pid).run();
   transaction.commit();
   held_.erase(run_id);
}

void SqliteJournal::set_status(const std::string& run_id, const std::string& status, const std::string& detail)
{
   if (!is_known_status(status)) {
      throw JournalError(fmt::format("cannot set run {} to unknown status '{}'", run_id, status));
   }
   std::lock_guard lock(mutex_);
   const double now = wall_now_ms();
   sqlite::Transaction transaction(db_, "recording the run's status");
   fence_if_held(run_id, "record the status");
   sql_->set_status.use("recording the run's status").bind(status).bind(detail).bind(now).bind(run_id).run();
   if (db_.changes() == 0) no_such_run(run_id);
   append_event(run_id, "run", "", nlohmann::json{{"status", status}, {"detail", detail}}.dump(), now);
   transaction.commit();
}

void SqliteJournal::enter_rollback(const std::string& run_id, const std::string& rollback_name)
{
   std::lock_guard lock(mutex_);
   const double now = wall_now_ms();
   sqlite::Transaction transaction(db_, "recording the switch to rollback");
   fence_if_held(run_id, "switch to rollback");
   sql_->enter_rollback.use("recording the switch to rollback").bind(rollback_name).bind(now).bind(run_id).run();
   if (db_.changes() == 0) no_such_run(run_id);
   append_event(run_id, "mode", "", nlohmann::json{{"mode", "rollback"}, {"rollback", rollback_name}}.dump(), now);
   transaction.commit();
}

std::optional<RunInfo> SqliteJournal::read_run(const std::string& run_id)
{
   RunInfo info;
   {
      auto row = sql_->select_run.use("reading a run");
      if (!row.bind(run_id).step()) return std::nullopt;
      info.id = row.text(0);
      info.runbook_path = row.text(1);
      info.title = row.text(2);
      info.source_hash = row.text(3);
      info.params_json = row.text(4);
      info.status = row.text(5);
      info.mode = row.text(6);
      info.rollback_name = row.text(7);
      info.detail = row.text(8);
      info.started_at = row.real(9);
      info.updated_at = row.real(10);
      info.time_scale = row.real(11);
      info.clock_origin_ms = row.real(12);
      info.lease_host = row.text(13);
      info.lease_pid = static_cast<int>(row.integer(14));
      info.heartbeat_at = row.real(15);
      info.lease_since = row.real(16);
      info.lock_name = row.text(17);
      info.operator_name = row.text(18);
   }
   auto current = sql_->select_current_step.use("reading a run's current step");
   if (current.bind(run_id).step()) info.current_step = current.text(0);
   return info;
}

void SqliteJournal::mark_if_abandoned(const std::string& run_id)
{
   // Look first without a write lock: in the usual case nothing is abandoned,
   // and `runbook status` must not wait for the writer.
   std::string status;
   const LeaseHolder seen = read_lease(run_id, &status);
   if (status != run_status::Running || !holder_is_gone(seen, wall_now_ms())) return;

   sqlite::Transaction transaction(db_, "marking an abandoned run interrupted");
   const double now = wall_now_ms();
   const LeaseHolder holder = read_lease(run_id, &status);   // again, under the lock
   if (status != run_status::Running || !holder_is_gone(holder, now)) return;
   const std::string detail =
      holder.pid == 0 ? std::string("the run was left running with nobody holding it")
                      : fmt::format("the process running it ({}) is gone", describe_holder(holder, now));
   sql_->set_status.use("marking an abandoned run interrupted")
      .bind(run_status::Interrupted).bind(detail).bind(now).bind(run_id).run();
   append_event(run_id, "run", "",
                nlohmann::json{{"status", run_status::Interrupted}, {"detail", detail},
                               {"previous_host", holder.host}, {"previous_pid", holder.pid}}.dump(),
                now);
   transaction.commit();
}

std::optional<RunInfo> SqliteJournal::run(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   auto info = read_run(run_id);
   if (info && info->status == run_status::Running) {
      mark_if_abandoned(run_id);
      info = read_run(run_id);
   }
   return info;
}

std::vector<RunInfo> SqliteJournal::runs()
{
   std::lock_guard lock(mutex_);
   std::vector<std::string> running;
   {
      auto row = sql_->select_running.use("listing running runs");
      while (row.step()) running.push_back(row.text(0));
   }
   for (const auto& id : running) mark_if_abandoned(id);

   std::vector<std::string> ids;
   {
      auto row = sql_->select_run_ids.use("listing runs");
      while (row.step()) ids.push_back(row.text(0));
   }
   std::vector<RunInfo> result;
   result.reserve(ids.size());
   for (const auto& id : ids) {
      if (auto info = read_run(id)) result.push_back(std::move(*info));
   }
   return result;
}

std::optional<RunInfo> SqliteJournal::latest_resumable()
{
   std::lock_guard lock(mutex_);
   std::vector<std::string> running;
   {
      auto row = sql_->select_running.use("listing running runs");
      while (row.step()) running.push_back(row.text(0));
   }
   for (const auto& id : running) mark_if_abandoned(id);

   std::string id;
   {
      auto row = sql_->select_latest_interrupted.use("finding the latest interrupted run");
      if (!row.step()) return std::nullopt;
      id = row.text(0);
   }
   return read_run(id);
}

std::vector<JournalSource> SqliteJournal::sources(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   std::vector<JournalSource> result;
   auto row = sql_->select_sources.use("reading the run's sources");
   row.bind(run_id);
   while (row.step()) result.push_back({row.text(0), row.text(1)});
   return result;
}

void SqliteJournal::adopt_sources(const std::string& run_id, const std::vector<JournalSource>& sources)
{
   std::lock_guard lock(mutex_);
   const double now = wall_now_ms();
   const std::string hash = source_hash(sources);
   sqlite::Transaction transaction(db_, "adopting the current runbook");
   fence_if_held(run_id, "adopt the current runbook");
   std::string old_hash;
   {
      auto row = sql_->select_run.use("adopting the current runbook");
      if (!row.bind(run_id).step()) no_such_run(run_id);
      old_hash = row.text(3);
   }
   sql_->delete_sources.use("adopting the current runbook").bind(run_id).run();
   int ordinal = 0;
   for (const auto& source : sources) {
      sql_->insert_source.use("adopting the current runbook")
         .bind(run_id).bind(ordinal++).bind(source.path).bind(source.text).run();
   }
   sql_->set_source_hash.use("adopting the current runbook").bind(hash).bind(now).bind(run_id).run();
   append_event(run_id, "sources", "",
                nlohmann::json{{"event", "adopted"}, {"from_hash", old_hash}, {"to_hash", hash}}.dump(), now);
   transaction.commit();
}

// --- steps

int SqliteJournal::step_started(const std::string& run_id, const std::string& step_id, const std::string& kind,
                                const std::string& def_hash, const std::string& inputs_json,
                                std::optional<double> deadline_ms, double at)
{
   std::lock_guard lock(mutex_);
   // The write-ahead rule: this commit happens before the side effect. If it
   // throws, the caller must not perform the step.
   sqlite::Transaction transaction(db_, "journaling the start of a step");
   require_lease(run_id, fmt::format("start step {}", step_id));
   int attempt = 0;
   {
      auto row = sql_->next_attempt.use("numbering the step's attempt");
      row.bind(run_id).bind(step_id).step();
      attempt = static_cast<int>(row.integer(0));
   }
   nlohmann::json data{{"attempt", attempt}, {"kind", kind}, {"def_hash", def_hash}};
   if (deadline_ms) data["deadline_ms"] = *deadline_ms;
   const std::int64_t seq = append_event(run_id, "step_started", step_id, data.dump(), at);
   sql_->insert_attempt.use("journaling the start of a step")
      .bind(run_id).bind(step_id).bind(attempt).bind(seq).bind(kind).bind(def_hash).bind(inputs_json)
      .bind(deadline_ms).bind(at)
      .run();
   transaction.commit();
   return attempt;
}

void SqliteJournal::step_finished(const std::string& run_id, const std::string& step_id, const std::string& outcome,
                                  const std::string& result_json, double at)
{
   std::lock_guard lock(mutex_);
   sqlite::Transaction transaction(db_, "journaling the outcome of a step");
   require_lease(run_id, fmt::format("finish step {}", step_id));
   int attempt = 0;
   {
      auto row = sql_->finish_attempt.use("journaling the outcome of a step");
      row.bind(outcome).bind(result_json).bind(at).bind(run_id).bind(step_id);
      if (!row.step()) {
         throw JournalError(fmt::format("cannot finish step {} of run {}: it has no unfinished attempt in the "
                                        "journal {}", step_id, run_id, path()));
      }
      attempt = static_cast<int>(row.integer(0));
      row.run();   // completes the UPDATE before the Use resets it
   }
   append_event(run_id, "step_finished", step_id, nlohmann::json{{"attempt", attempt}, {"outcome", outcome}}.dump(),
                at);
   transaction.commit();
}

std::vector<StepRecord> SqliteJournal::steps(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   // One pass over the run's attempts in key order (each step's attempts
   // together, oldest first): keep the last attempt of each step and the seq
   // of its first start, then order the steps by that.
   std::deque<StepRecord> latest;   // grows without moving what it holds
   std::vector<std::pair<std::int64_t, std::size_t>> first_start;   // (seq of first start, index in latest)
   {
      auto row = sql_->select_attempts.use("reading the run's steps");
      row.bind(run_id);
      while (row.step()) {
         std::string step_id = row.text(0);
         if (latest.empty() || latest.back().step_id != step_id) {
            first_start.emplace_back(row.integer(2), latest.size());
            latest.emplace_back().step_id = std::move(step_id);
         }
         StepRecord& record = latest.back();
         record.attempt = static_cast<int>(row.integer(1));
         record.def_hash = row.text(3);
         record.kind = row.text(4);
         record.inputs_json = row.text(5);
         record.deadline_ms = row.optional_real(6);
         record.started_at = row.real(7);
         record.outcome = row.text(8);   // NULL reads as "": in doubt
         record.result_json = row.text(9);
         record.finished_at = row.is_null(10) ? 0 : row.real(10);
      }
   }
   // Sort small pairs, then move each record once.
   std::sort(first_start.begin(), first_start.end());
   std::vector<StepRecord> result;
   result.reserve(latest.size());
   for (const auto& [seq, index] : first_start) result.push_back(std::move(latest[index]));
   return result;
}

// --- events

std::int64_t SqliteJournal::append_event(const std::string& run_id, const std::string& kind,
                                         const std::string& step_id, const std::string& data_json, double at)
{
   auto row = sql_->insert_event.use("journaling an event");
   row.bind(run_id).bind(kind).bind(step_id).bind(at).bind(wall_now_ms()).bind(data_json);
   if (!row.step()) db_.fail(SQLITE_INTERNAL, "journaling an event (no sequence number returned)");
   const std::int64_t seq = row.integer(0);
   row.run();   // completes the INSERT before the Use resets it
   return seq;
}

void SqliteJournal::record(const std::string& run_id, const std::string& kind, const std::string& step_id,
                           const std::string& data_json, double at)
{
   std::lock_guard lock(mutex_);
   sqlite::Transaction transaction(db_, "journaling an event");
   {
      auto exists = sql_->run_exists.use("journaling an event");
      if (!exists.bind(run_id).step()) no_such_run(run_id);
   }
   fence_if_held(run_id, "journal an event");
   append_event(run_id, kind, step_id, data_json, at);
   transaction.commit();
}

std::vector<JournalEvent> SqliteJournal::events(const std::string& run_id, std::int64_t after_seq)
{
   std::lock_guard lock(mutex_);
   std::vector<JournalEvent> result;
   auto row = sql_->select_events.use("reading the run's events");
   row.bind(run_id).bind(after_seq);
   while (row.step()) {
      JournalEvent event;
      event.seq = row.integer(0);
      event.at = row.real(1);
      event.wall_at = row.real(2);
      event.kind = row.text(3);
      event.step_id = row.text(4);
      event.data_json = row.text(5);
      result.push_back(std::move(event));
   }
   return result;
}

// --- requests

void SqliteJournal::post_request(const std::string& run_id, const std::string& kind, const std::string& data_json)
{
   std::lock_guard lock(mutex_);
   sqlite::Transaction transaction(db_, "posting a request");
   {
      auto exists = sql_->run_exists.use("posting a request");
      if (!exists.bind(run_id).step()) no_such_run(run_id);
   }
   sql_->insert_request.use("posting a request").bind(run_id).bind(kind).bind(data_json).bind(wall_now_ms()).run();
   transaction.commit();
   if (in_memory_) runs_with_requests_.insert(run_id);
}

std::vector<std::pair<std::string, std::string>> SqliteJournal::take_requests(const std::string& run_id)
{
   std::lock_guard lock(mutex_);
   // In memory, requests come only through this object: nothing posted, nothing to read.
   if (in_memory_ && runs_with_requests_.erase(run_id) == 0) return {};
   // The running interpreter polls often: look without a write lock first,
   // so an empty poll costs no commit.
   {
      auto pending = sql_->select_pending_requests.use("reading pending requests");
      if (!pending.bind(run_id).step()) return {};
   }
   sqlite::Transaction transaction(db_, "taking pending requests");
   std::vector<std::int64_t> ids;
   std::vector<std::pair<std::string, std::string>> result;
   {
      auto row = sql_->select_pending_requests.use("taking pending requests");
      row.bind(run_id);
      while (row.step()) {
         ids.push_back(row.integer(0));
         result.emplace_back(row.text(1), row.text(2));
      }
   }
   const double now = wall_now_ms();
   for (const auto id : ids) sql_->mark_request_taken.use("taking pending requests").bind(now).bind(id).run();
   transaction.commit();
   return result;
}

void SqliteJournal::no_such_run(const std::string& run_id) const
{
   throw JournalError(fmt::format("there is no run {} in the journal {}: `runbook runs --journal {}` lists them",
                                  run_id, path(), path()));
}

// --- test hooks

void SqliteJournal::limit_pages(int pages)
{
   std::lock_guard lock(mutex_);
   db_.exec(fmt::format("PRAGMA max_page_count = {}", pages), "limiting the journal's size");
}

int SqliteJournal::page_count()
{
   std::lock_guard lock(mutex_);
   return static_cast<int>(db_.query_int("PRAGMA page_count", "reading the journal's size"));
}

void SqliteJournal::set_busy_timeout(int milliseconds)
{
   std::lock_guard lock(mutex_);
   db_.set_busy_timeout(milliseconds);
}

void SqliteJournal::defer_flushes(bool deferred)
{
   std::lock_guard lock(mutex_);
   if (deferred == deferred_ || in_memory_) return;   // In memory: never flushed anyway.
   // NORMAL in WAL mode: commits are not flushed, but the next FULL commit's
   // flush of the WAL carries them; a crash in between loses only them.
   db_.exec(deferred ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = FULL", "changing synchronous");
   deferred_ = deferred;
}

void SqliteJournal::set_flushes(bool flush)
{
   std::lock_guard lock(mutex_);
   db_.exec(flush ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF", "changing synchronous");
}

int SqliteJournal::synchronous()
{
   std::lock_guard lock(mutex_);
   return static_cast<int>(db_.query_int("PRAGMA synchronous", "reading synchronous"));
}

namespace journal_testing {

namespace {
SqliteJournal& sqlite_journal(Journal& journal)
{
   auto* concrete = dynamic_cast<SqliteJournal*>(&journal);
   if (concrete == nullptr) throw JournalError("journal_testing hooks need the SQLite journal");
   return *concrete;
}
}  // namespace

void limit_pages(Journal& journal, int pages) { sqlite_journal(journal).limit_pages(pages); }
int page_count(Journal& journal) { return sqlite_journal(journal).page_count(); }
void set_busy_timeout(Journal& journal, int milliseconds) { sqlite_journal(journal).set_busy_timeout(milliseconds); }
void set_flushes(Journal& journal, bool flush) { sqlite_journal(journal).set_flushes(flush); }
int synchronous(Journal& journal) { return sqlite_journal(journal).synchronous(); }

}  // namespace journal_testing

}  // namespace runbook
