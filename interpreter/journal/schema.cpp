#include "journal/schema.hpp"

#include "journal/journal.hpp"

#include <fmt/format.h>

namespace runbook {

namespace {

// migrations[i] takes the schema from version i to i + 1. Append; never edit
// a migration that has shipped.
const char* const migrations[] = {
   // 0 -> 1: the first schema.
   R"sql(
   -- One row per run. The lease (host, pid, process start ticks, since,
   -- heartbeat) names the process that may write the run's steps; pid 0
   -- means nobody holds it.
   CREATE TABLE runs (
      id                TEXT PRIMARY KEY NOT NULL,
      runbook_path      TEXT NOT NULL,
      title             TEXT NOT NULL,
      source_hash       TEXT NOT NULL,
      params_json       TEXT NOT NULL,
      status            TEXT NOT NULL,
      mode              TEXT NOT NULL DEFAULT 'forward',
      rollback_name     TEXT NOT NULL DEFAULT '',
      detail            TEXT NOT NULL DEFAULT '',
      started_at        REAL NOT NULL,
      updated_at        REAL NOT NULL,
      time_scale        REAL NOT NULL,
      clock_origin_ms   REAL NOT NULL,
      lease_host        TEXT NOT NULL DEFAULT '',
      lease_pid         INTEGER NOT NULL DEFAULT 0,
      lease_start_ticks INTEGER NOT NULL DEFAULT 0,
      lease_since       REAL NOT NULL DEFAULT 0,
      heartbeat_at      REAL NOT NULL DEFAULT 0,
      schema_version    INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX runs_by_status ON runs (status);

   -- The runbook text and every module it used, as the run started with them.
   CREATE TABLE sources (
      run_id   TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      ordinal  INTEGER NOT NULL,
      path     TEXT NOT NULL,
      text     TEXT NOT NULL,
      PRIMARY KEY (run_id, ordinal)
   ) STRICT;

   -- The story of a run in order: step starts and ends, samples, triggers,
   -- answers, logs, status changes, lease takeovers. seq counts per run.
   -- WITHOUT ROWID, keyed by (run, seq): appending an event touches one
   -- b-tree page, which keeps a journaled step close to a bare commit.
   CREATE TABLE events (
      run_id    TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      seq       INTEGER NOT NULL,
      kind      TEXT NOT NULL,
      step_id   TEXT NOT NULL DEFAULT '',
      at        REAL NOT NULL,
      wall_at   REAL NOT NULL,
      data_json TEXT NOT NULL DEFAULT '',
      PRIMARY KEY (run_id, seq)
   ) STRICT, WITHOUT ROWID;

   -- Every attempt of every step, keyed for the resume query (latest attempt
   -- per step). A NULL outcome is a step that started and never finished: in
   -- doubt. start_seq is the seq of its step_started event and orders steps
   -- by first start.
   CREATE TABLE attempts (
      run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      step_id     TEXT NOT NULL,
      attempt     INTEGER NOT NULL,
      start_seq   INTEGER NOT NULL,
      kind        TEXT NOT NULL,
      def_hash    TEXT NOT NULL,
      inputs_json TEXT NOT NULL,
      deadline_ms REAL,
      started_at  REAL NOT NULL,
      outcome     TEXT,
      result_json TEXT NOT NULL DEFAULT '',
      finished_at REAL,
      PRIMARY KEY (run_id, step_id, attempt)
   ) STRICT, WITHOUT ROWID;

   -- Requests from other terminals (`runbook approve`, `runbook abort`).
   CREATE TABLE requests (
      id        INTEGER PRIMARY KEY,
      run_id    TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      kind      TEXT NOT NULL,
      data_json TEXT NOT NULL,
      posted_at REAL NOT NULL,
      taken_at  REAL
   ) STRICT;
   CREATE INDEX requests_pending ON requests (run_id) WHERE taken_at IS NULL;
   )sql",
   // 1 -> 2: `lock "name"`, so runbooks naming one lock exclude each other's
   // runs. Runs from before have none: each is its runbook's own lock.
   R"sql(
   ALTER TABLE runs ADD COLUMN lock_name TEXT NOT NULL DEFAULT '';
   )sql",
   // 2 -> 3: who started each run, and `runbook runs --runbook/--operator`.
   // Runs from before have no operator.
   R"sql(
   ALTER TABLE runs ADD COLUMN operator_name TEXT NOT NULL DEFAULT '';
   CREATE INDEX runs_by_runbook ON runs (runbook_path);
   CREATE INDEX runs_by_operator ON runs (operator_name);
   )sql",
};

constexpr int known_version = static_cast<int>(std::size(migrations));

}  // namespace

int journal_schema_version()
{
   return known_version;
}

void migrate_journal(sqlite::Database& db)
{
   // Read once outside a transaction: an up-to-date journal (the usual case)
   // needs no write lock at all, so opening never waits for a running writer.
   const auto refuse_newer = [&](std::int64_t version) {
      throw JournalError(fmt::format(
         "the journal {} was written by a newer runbook (schema {}, this build knows {}): upgrade runbook, "
         "or pass --journal PATH to use another journal", db.path(), version, known_version));
   };
   auto version = db.query_int("PRAGMA user_version", "reading the schema version");
   if (version == known_version) return;
   if (version > known_version) refuse_newer(version);

   sqlite::Transaction transaction(db, "upgrading the journal schema");
   // Another process may have migrated while we waited for the lock.
   version = db.query_int("PRAGMA user_version", "reading the schema version");
   if (version > known_version) refuse_newer(version);
   if (version == known_version) return;   // the transaction's destructor ends it
   if (version == 0) {
      const auto tables = db.query_int("SELECT count(*) FROM sqlite_schema", "inspecting the journal");
      if (tables > 0) {
         throw JournalError(fmt::format(
            "{} is a SQLite database but not a runbook journal: pass --journal PATH to use another file",
            db.path()));
      }
   }
   for (; version < known_version; ++version) {
      db.exec(migrations[version], fmt::format("migrating the journal schema to version {}", version + 1));
   }
   db.exec(fmt::format("PRAGMA user_version = {}", known_version), "recording the schema version");
   transaction.commit();
}

}  // namespace runbook
