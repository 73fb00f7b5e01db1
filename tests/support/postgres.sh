# A throwaway PostgreSQL server for the tests: initdb into a temporary
# folder, listening only on a Unix socket in that folder (no TCP port to
# clash with anything), stopped and removed by pg_stop. Source it, then:
#   pg_start || exit 1      # sets PG_URL (a fresh database), PG_DIR
#   ...                     # pg_restart restarts the server mid-test
#   pg_stop                 # from the caller's EXIT trap: nothing is left running
# Run as a command (bash tests/support/postgres.sh CMD ARGS...) it runs CMD
# with RUNBOOK_TEST_PG naming the server, and stops it afterwards.
#
# PostgreSQL refuses to run as root, so as root the server runs as nobody
# (setpriv, util-linux). A missing PostgreSQL is a failure, not a skip: CI
# installs it (scripts/setup.sh), and a journal backend nobody tests rots.

pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PG_DIR=
PG_URL=
pg_as=()

pg_start()
{
   if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
      echo "FAIL: PostgreSQL's initdb is not installed (scripts/setup.sh installs postgresql)" >&2
      return 1
   fi
   PG_DIR=$(mktemp -d /tmp/runbook-pg-XXXXXX) || return 1
   chmod 755 "$PG_DIR"
   if [ "$(id -u)" = 0 ]; then
      chown 65534:65534 "$PG_DIR"
      pg_as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
   fi
   (cd "$PG_DIR" && "${pg_as[@]}" "$pg_bin/initdb" -D "$PG_DIR/data" -U runbook --auth=trust -E UTF8 \
      --no-sync >"$PG_DIR/initdb.log" 2>&1) || { echo "FAIL: initdb failed:" >&2; cat "$PG_DIR/initdb.log" >&2; return 1; }
   pg_ctl_start || return 1
   local db="runbook_$$_$RANDOM"
   "$pg_bin/createdb" -h "$PG_DIR" -U runbook "$db" || { echo "FAIL: createdb failed" >&2; return 1; }
   PG_URL="postgresql:///$db?host=$PG_DIR&user=runbook"
   export PG_URL PG_DIR
}

pg_ctl_start()
{
   # fsync off: a test's server dies with the test; speed matters more here.
   # A benchmark sets PG_FSYNC=on to measure what a real server costs.
   (cd "$PG_DIR" && "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
      -o "-k $PG_DIR -c listen_addresses='' -c fsync=${PG_FSYNC:-off} -c max_connections=200" >/dev/null) ||
      { echo "FAIL: the PostgreSQL server did not start:" >&2; cat "$PG_DIR/server.log" >&2; return 1; }
}

pg_restart()
{
   (cd "$PG_DIR" && "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null)
   sleep "${1:-0}"
   pg_ctl_start
}

pg_stop()
{
   [ -n "$PG_DIR" ] || return 0
   if [ -f "$PG_DIR/data/postmaster.pid" ]; then
      (cd "$PG_DIR" && "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1)
   fi
   rm -rf "$PG_DIR"
   PG_DIR=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
   trap pg_stop EXIT
   pg_start || exit 1
   RUNBOOK_TEST_PG="postgresql:///postgres?host=$PG_DIR&user=runbook" "$@"
fi
