#include "journal/pg_schema.hpp"

#include <fmt/format.h>

namespace runbook {

namespace {

// pg_migrations[i] takes the schema from version i to i + 1. Append; never edit
// a migration that has shipped.
const char* const pg_migrations[] = {
   // 0 -> 1: the first schema, with SQLite's version 3 in it.
   R"sql(
   -- One row per run. The lease (host, pid, process start ticks, since,
   -- heartbeat) names the process that may write the run; lease_epoch grows
   -- at every takeover, and every write checks it (the fence).
   CREATE TABLE runs (
      id                text PRIMARY KEY,
      runbook_path      text NOT NULL,
      title             text NOT NULL,
      source_hash       text NOT NULL,
      params_json       text NOT NULL,
      status            text NOT NULL,
      mode              text NOT NULL DEFAULT 'forward',
      rollback_name     text NOT NULL DEFAULT '',
      detail            text NOT NULL DEFAULT '',
      started_at        double precision NOT NULL,
      updated_at        double precision NOT NULL,
      time_scale        double precision NOT NULL,
      clock_origin_ms   double precision NOT NULL,
      lease_host        text NOT NULL DEFAULT '',
      lease_pid         integer NOT NULL DEFAULT 0,
      lease_start_ticks bigint NOT NULL DEFAULT 0,
      lease_since       double precision NOT NULL DEFAULT 0,
      heartbeat_at      double precision NOT NULL DEFAULT 0,
      lease_epoch       bigint NOT NULL DEFAULT 1,
      schema_version    integer NOT NULL,
      lock_name         text NOT NULL DEFAULT '',
      operator_name     text NOT NULL DEFAULT ''
   );
   CREATE INDEX runs_by_status ON runs (status);
   CREATE INDEX runs_by_start ON runs (started_at DESC, id DESC);
   -- `runbook runs --runbook --status --operator` on a team's many runs.
   CREATE INDEX runs_by_runbook ON runs (runbook_path, started_at DESC);
   CREATE INDEX runs_by_operator ON runs (operator_name, started_at DESC);

   CREATE TABLE sources (
      run_id   text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      ordinal  integer NOT NULL,
      path     text NOT NULL,
      text     text NOT NULL,
      PRIMARY KEY (run_id, ordinal)
   );

   CREATE TABLE events (
      run_id    text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      seq       bigint NOT NULL,
      kind      text NOT NULL,
      step_id   text NOT NULL DEFAULT '',
      at        double precision NOT NULL,
      wall_at   double precision NOT NULL,
      data_json text NOT NULL DEFAULT '',
      PRIMARY KEY (run_id, seq)
   );
   CREATE INDEX events_step_started ON events (run_id, seq) WHERE kind = 'step_started';

   CREATE TABLE attempts (
      run_id      text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      step_id     text NOT NULL,
      attempt     integer NOT NULL,
      start_seq   bigint NOT NULL,
      kind        text NOT NULL,
      def_hash    text NOT NULL,
      inputs_json text NOT NULL,
      deadline_ms double precision,
      started_at  double precision NOT NULL,
      outcome     text,
      result_json text NOT NULL DEFAULT '',
      finished_at double precision,
      PRIMARY KEY (run_id, step_id, attempt)
   );

   CREATE TABLE requests (
      id        bigserial PRIMARY KEY,
      run_id    text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      kind      text NOT NULL,
      data_json text NOT NULL,
      posted_at double precision NOT NULL,
      taken_at  double precision
   );
   CREATE INDEX requests_pending ON requests (run_id) WHERE taken_at IS NULL;
   )sql",
};

constexpr int pg_known_version = static_cast<int>(std::size(pg_migrations));

/// An arbitrary constant ("rbkb"): the advisory lock key of "migrating the runbook journal".
constexpr const char* pg_migration_lock = "SELECT pg_advisory_xact_lock(72627562)";

}  // namespace

int pg_journal_schema_version()
{
   return pg_known_version;
}

void migrate_pg_journal(pg::Connection& db)
{
   const auto refuse_newer = [&](std::int64_t version) {
      throw JournalError(fmt::format(
         "the journal {} was written by a newer runbook (schema {}, this build knows {}): upgrade runbook, "
         "or pass --journal with another database", db.name(), version, pg_known_version));
   };
   const auto read_version = [&]() -> std::int64_t {
      auto exists = db.exec("SELECT to_regclass('runbook_schema_version') IS NOT NULL", {}, "reading the schema version");
      if (exists.text(0, 0) != "t") return 0;
      auto row = db.exec("SELECT max(version) FROM runbook_schema_version", {}, "reading the schema version");
      return row.integer(0, 0);
   };
   // Read first without a lock: an up-to-date journal (the usual case) takes none.
   auto version = read_version();
   if (version == pg_known_version) return;
   if (version > pg_known_version) refuse_newer(version);

   pg::Transaction transaction(db, "upgrading the journal schema");
   db.exec(pg_migration_lock, "waiting for another process upgrading the journal schema");
   version = read_version();   // another process may have migrated while we waited
   if (version > pg_known_version) refuse_newer(version);
   if (version == pg_known_version) return;
   if (version == 0) {
      auto runs = db.exec("SELECT to_regclass('runs') IS NOT NULL", {}, "inspecting the journal");
      if (runs.text(0, 0) == "t") {
         throw JournalError(fmt::format("the database {} has a table named runs but is not a runbook journal: "
                                        "pass --journal with another database", db.name()));
      }
      db.exec("CREATE TABLE runbook_schema_version (version integer NOT NULL, migrated_at timestamptz NOT NULL "
              "DEFAULT now())", "creating the schema version table");
   }
   for (; version < pg_known_version; ++version) {
      db.exec(pg_migrations[version], fmt::format("migrating the journal schema to version {}", version + 1));
   }
   db.exec("INSERT INTO runbook_schema_version (version) VALUES ($1)", {std::to_string(pg_known_version)},
           "recording the schema version");
   transaction.commit();
}

}  // namespace runbook
