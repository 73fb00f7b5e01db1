#!/usr/bin/env bash
# `runbook serve`'s runs page on a team's journal: 10,000 runs of 40 events
# each on a throwaway PostgreSQL server, the page fetched three times, and a
# filtered later page. Reported, never a timed test.
#
#   bench/serve_runs_page.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
source "$here/../tests/support/postgres.sh"
trap 'kill $(jobs -p) 2>/dev/null; pg_stop' EXIT
pg_start
"$build/interpreter/runbook" runs --journal "$PG_URL" >/dev/null   # creates the schema
psql "$PG_URL" -Xq <<'SQL'
INSERT INTO runs (id, runbook_path, title, source_hash, params_json, status, started_at, updated_at, time_scale,
                  clock_origin_ms, schema_version, operator_name)
SELECT 'rbench-' || i, 'runbooks/r' || (i % 20) || '.rb', 'bench', '', '{}',
       (ARRAY['completed','failed','rolled_back','aborted'])[1 + i % 4], i, i, 1, 0, 1, 'op' || (i % 7)
FROM generate_series(1, 10000) AS i;
INSERT INTO events (run_id, seq, kind, step_id, at, wall_at, data_json)
SELECT 'rbench-' || i, s, CASE WHEN s % 10 = 0 THEN 'phase' ELSE 'log' END, '', s, s,
       CASE WHEN s % 10 = 0 THEN '{"phase":"Canary"}' ELSE '{"text":"x"}' END
FROM generate_series(1, 10000) AS i, generate_series(1, 40) AS s;
ANALYZE;
SQL
"$build/interpreter/runbook" serve --journal "$PG_URL" --listen 127.0.0.1:0 >"$PG_DIR/serve.out" 2>&1 &
for _ in $(seq 100); do grep -q listening "$PG_DIR/serve.out" && break; sleep 0.1; done
base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$PG_DIR/serve.out")
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in 1 2 3; do
   echo "runs page on 10,000 runs:      $(curl -s -o "$PG_DIR/page.html" -w '%{time_total}' "$base/") s" \
        "($(wc -c <"$PG_DIR/page.html") bytes)"
done
echo "?operator=op3&page=3:          $(curl -s -o /dev/null -w '%{time_total}' "$base/?operator=op3&page=3") s"
