#!/usr/bin/env bash
# The journal conformance suite on PostgreSQL: the same unit tests the SQLite
# journal passes ([conformance]), against a real server this test starts and
# stops (tests/support/postgres.sh). No PostgreSQL installed: a failure.
set -uo pipefail
: "${UNIT_TESTS:?set UNIT_TESTS to the runbook_unit_tests binary}"
here=$(cd "$(dirname "$0")" && pwd)

bash "$here/support/postgres.sh" bash -c '
   [ -n "${RUNBOOK_TEST_PG:-}" ] || { echo "FAIL: no PostgreSQL server" >&2; exit 1; }
   "$0" "[conformance],[postgres]"' "$UNIT_TESTS"
