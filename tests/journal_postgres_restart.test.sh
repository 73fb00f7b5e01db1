#!/usr/bin/env bash
# PostgreSQL going away mid-run: the server is restarted (down for 3 s) while
# a run journals to it. No step may run unjournaled: the run waits for the
# server, says so on stderr, continues when it is back, and completes with
# every step's side effect exactly once.
set -uo pipefail
source "$SOURCE_DIR/tests/support/scratch.sh"
source "$SOURCE_DIR/tests/support/postgres.sh"
cleanup_extra='for p in $(jobs -p); do kill -KILL "$p" 2>/dev/null; done; pg_stop'

pg_start || exit 1
export RUNBOOK_JOURNAL=$PG_URL

cat >steps.rb <<'EOF2'
runbook "Through a journal restart"
on fail stop
phase "Count" {
  sh "echo 1 >> effects"
  sh "echo 2 >> effects"
  wait 2s
  sh "echo 3 >> effects"
  sh "echo 4 >> effects"
  wait 2s
  sh "echo 5 >> effects"
  sh "echo 6 >> effects"
}
EOF2

# The waits make the run last ~4 s: the restart lands in the first one.
"$RUNBOOK" run steps.rb --yes --output plain >run.out 2>run.err </dev/null &
runner=$!
for _ in $(seq 200); do [ -s effects ] && break; sleep 0.05; done
[ -s effects ] || fail "the run did not start its first step"
pg_restart 3 || fail "the server did not come back"
wait "$runner"
rc=$?

[ "$rc" = 0 ] || fail "the run exited $rc across the restart: $(cat run.out run.err)"
[ "$(tr '\n' ' ' <effects)" = "1 2 3 4 5 6 " ] || fail "side effects: $(tr '\n' ' ' <effects), expected each once, in order"
grep -q "retrying until it is back" run.err || fail "stderr does not say the journal went away: $(cat run.err)"
grep -q "is back" run.err || fail "stderr does not say the journal came back: $(cat run.err)"
run=$("$RUNBOOK" runs --json | jq -r '.[0].id')
"$RUNBOOK" runs --json | jq -e '.[0].status == "completed"' >/dev/null || fail "the run is not completed: $("$RUNBOOK" runs --json)"
done_steps=$("$RUNBOOK" log "$run" --json 2>/dev/null | jq '[.steps[] | select(.outcome == "done")] | length')
[ "$done_steps" = 8 ] || fail "$done_steps steps done in the journal, expected 8"

echo "stderr said: $(grep -m1 retrying run.err)"
[ "$failures" = 0 ] && echo "ok: the run waited for the journal's restart and completed, every effect once"
exit $((failures > 0))
