#!/usr/bin/env bash
# The PostgreSQL journal benchmark (bench/pg_journal_bench.cpp) on a
# throwaway server with fsync on, like a real one: journaled steps/s against
# a bare commit loop, 50 runs at once, and `runbook runs` on 10,000 runs.
# Reported, never a timed test.
#
#   bench/pg_journal.sh [BUILD_DIR] [--seconds S] [--runs N]
#
# The server's data folder is under /tmp: on a RAM disk the numbers show the
# CPU cost, not the disk's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
shift || true
source "$here/../tests/support/postgres.sh"
trap pg_stop EXIT
PG_FSYNC=on pg_start
echo "PostgreSQL data in $PG_DIR ($(stat -f -c %T "$PG_DIR")), fsync on; load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/bench_pg_journal_bench" "$PG_URL" "$@"
