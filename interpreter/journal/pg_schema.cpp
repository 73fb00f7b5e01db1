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
   // 1 -> 2: a run's frequent writes as one function call each.
   R"sql(
   -- A step's start and outcome, an event and a heartbeat are written as one
   -- statement: one round trip and one commit, where BEGIN, the fence, the
   -- reads, the inserts and COMMIT sent one by one took five or six. Each
   -- function first takes the fence as the client's slow path does (the
   -- run's row locked; held by this host and pid at this lease epoch). When
   -- it does not hold, or the write is refused, it raises SQLSTATE RB001 and
   -- the client takes the slow path, which says who took the run and why.
   CREATE FUNCTION runbook_fence(p_run text, p_host text, p_pid integer, p_epoch bigint)
   RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
      PERFORM 1 FROM runs WHERE id = p_run AND lease_host = p_host AND lease_pid = p_pid
                            AND lease_epoch = p_epoch FOR UPDATE;
      IF NOT FOUND THEN
         RAISE EXCEPTION 'run % is not held by pid % on host % at lease epoch %', p_run, p_pid, p_host, p_epoch
            USING ERRCODE = 'RB001';
      END IF;
   END $$;

   -- The caller holds the run's row lock, so max(seq) + 1 is the run's next.
   -- PL/pgSQL, not SQL: a session keeps its plan, where a SQL function's
   -- body is planned again in every transaction (twice the cost of a write).
   CREATE FUNCTION runbook_append_event(p_run text, p_kind text, p_step text, p_at double precision,
                                        p_wall_at double precision, p_data text)
   RETURNS bigint LANGUAGE plpgsql AS $$
   DECLARE
      v_seq bigint;
   BEGIN
      INSERT INTO events (run_id, seq, kind, step_id, at, wall_at, data_json)
      VALUES (p_run, (SELECT coalesce(max(e.seq), 0) + 1 FROM events e WHERE e.run_id = p_run),
              p_kind, p_step, p_at, p_wall_at, p_data)
      RETURNING seq INTO v_seq;
      RETURN v_seq;
   END $$;

   CREATE FUNCTION runbook_record(p_run text, p_host text, p_pid integer, p_epoch bigint, p_kind text,
                                  p_step text, p_at double precision, p_wall_at double precision, p_data text)
   RETURNS bigint LANGUAGE plpgsql AS $$
   BEGIN
      PERFORM runbook_fence(p_run, p_host, p_pid, p_epoch);
      RETURN runbook_append_event(p_run, p_kind, p_step, p_at, p_wall_at, p_data);
   END $$;

   CREATE FUNCTION runbook_heartbeat(p_run text, p_host text, p_pid integer, p_epoch bigint,
                                     p_wall_at double precision)
   RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
      PERFORM runbook_fence(p_run, p_host, p_pid, p_epoch);
      UPDATE runs SET heartbeat_at = p_wall_at WHERE id = p_run;
   END $$;

   -- p_data_rest is the step_started event's data without the attempt, which
   -- is numbered here and put first, where the client's sorted keys put it.
   CREATE FUNCTION runbook_step_started(p_run text, p_host text, p_pid integer, p_epoch bigint, p_step text,
                                        p_kind text, p_def_hash text, p_inputs text, p_deadline_ms double precision,
                                        p_at double precision, p_wall_at double precision, p_data_rest text)
   RETURNS integer LANGUAGE plpgsql AS $$
   DECLARE
      v_attempt integer;
      v_seq bigint;
   BEGIN
      PERFORM runbook_fence(p_run, p_host, p_pid, p_epoch);
      SELECT coalesce(max(a.attempt), 0) + 1 INTO v_attempt FROM attempts a
       WHERE a.run_id = p_run AND a.step_id = p_step;
      v_seq := runbook_append_event(p_run, 'step_started', p_step, p_at, p_wall_at,
                                    '{"attempt":' || v_attempt || ',' || substr(p_data_rest, 2));
      INSERT INTO attempts (run_id, step_id, attempt, start_seq, kind, def_hash, inputs_json, deadline_ms, started_at)
      VALUES (p_run, p_step, v_attempt, v_seq, p_kind, p_def_hash, p_inputs, p_deadline_ms, p_at);
      RETURN v_attempt;
   END $$;

   CREATE FUNCTION runbook_step_finished(p_run text, p_host text, p_pid integer, p_epoch bigint, p_step text,
                                         p_outcome text, p_result text, p_at double precision,
                                         p_wall_at double precision)
   RETURNS void LANGUAGE plpgsql AS $$
   DECLARE
      v_attempt integer;
   BEGIN
      PERFORM runbook_fence(p_run, p_host, p_pid, p_epoch);
      UPDATE attempts a SET outcome = p_outcome, result_json = p_result, finished_at = p_at
       WHERE a.run_id = p_run AND a.step_id = p_step
         AND (a.outcome IS NULL OR (a.outcome = 'interrupted' AND p_outcome = 'marked_done'))
         AND a.attempt = (SELECT max(b.attempt) FROM attempts b WHERE b.run_id = p_run AND b.step_id = p_step)
      RETURNING a.attempt INTO v_attempt;
      IF NOT FOUND THEN
         RAISE EXCEPTION 'step % of run % has no unfinished attempt', p_step, p_run USING ERRCODE = 'RB001';
      END IF;
      PERFORM runbook_append_event(p_run, 'step_finished', p_step, p_at, p_wall_at,
                                   '{"attempt":' || v_attempt || ',"outcome":' || to_json(p_outcome)::text || '}');
   END $$;
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
