#!/usr/bin/env bash
# PostgreSQL going away mid-run: the server is restarted (down for 3 s) while
# a run journals to it. No step may run unjournaled: the run waits for the
# server, says so where the operator looks (the plain lines, `--output json`,
# the live view on a terminal: once when it holds, once when the server is
# back, never with the URL's password), continues when it is back, and
# completes with every step's side effect exactly once.
set -uo pipefail
source "$SOURCE_DIR/tests/support/scratch.sh"
source "$SOURCE_DIR/tests/support/postgres.sh"
cleanup_extra='for p in $(jobs -p); do kill -KILL "$p" 2>/dev/null; done; pg_stop'

pg_start || exit 1
# The test server trusts local users: the password is accepted, ignored, and
# must appear nowhere in what the run shows.
password=hunter2-journal-pw
export RUNBOOK_JOURNAL="$PG_URL&password=$password"

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

# restarted RUN_ARGS...: runs steps.rb in the background (stdout to
# $out, stderr to $out.err), restarts the server in its first wait, and
# checks the run completed with every effect once, journaled.
restarted()
{
   local label=$1 run rc done_steps
   shift
   rm -f effects
   "$@" >"$label.out" 2>"$label.err" </dev/null &
   runner=$!
   for _ in $(seq 200); do [ -s effects ] && break; sleep 0.05; done
   [ -s effects ] || fail "$label: the run did not start its first step"
   pg_restart 3 || fail "$label: the server did not come back"
   wait "$runner"
   rc=$?
   [ "$rc" = 0 ] || fail "$label: the run exited $rc across the restart: $(cat "$label.out" "$label.err")"
   [ "$(tr '\n' ' ' <effects)" = "1 2 3 4 5 6 " ] ||
      fail "$label: side effects: $(tr '\n' ' ' <effects), expected each once, in order"
   run=$("$RUNBOOK" runs --json | jq -r '.[0].id')
   "$RUNBOOK" runs --json | jq -e '.[0].status == "completed"' >/dev/null ||
      fail "$label: the run is not completed: $("$RUNBOOK" runs --json)"
   done_steps=$("$RUNBOOK" log "$run" --json 2>/dev/null | jq '[.steps[] | select(.outcome == "done")] | length')
   [ "$done_steps" = 8 ] || fail "$label: $done_steps steps done in the journal, expected 8"
   # The journal was what was down: the notices are shown, never journaled.
   "$RUNBOOK" log "$run" --json 2>/dev/null | grep -q 'journal_unreachable\|unreachable since' &&
      fail "$label: the outage notice was journaled"
   ! grep -q "$password" "$label.out" "$label.err" || fail "$label: the journal's password was shown: $(grep "$password" "$label.out" "$label.err")"
}

# ---- plain lines (a pipe, CI, a log file): once when it holds, once when back
# The waits make the run last ~4 s: the restart lands in the first one.
restarted plain "$RUNBOOK" run steps.rb --yes --output plain
[ "$(grep -c "retrying until it is back" plain.out)" = 1 ] ||
   fail "the plain output does not say once that the journal went away: $(cat plain.out plain.err)"
[ "$(grep -c "is back after" plain.out)" = 1 ] ||
   fail "the plain output does not say once that the journal came back: $(cat plain.out plain.err)"
grep -q '^[0-9:]* !! journal postgresql:.*password=\*\*\*.* unreachable: holding before the next step, retrying until it is back (up to 5m)' plain.out ||
   fail "the hold line does not say what it waits for, its password redacted: $(grep -m1 retrying plain.out)"
[ "$(grep -n retrying plain.out | cut -d: -f1)" -lt "$(grep -n 'is back after' plain.out | cut -d: -f1)" ] ||
   fail "the plain output says back before away"
! grep -q "retrying until it is back" plain.err || fail "stderr repeats what the run's output says: $(cat plain.err)"
echo "the plain output said: $(grep -m1 retrying plain.out)"
echo "                  then: $(grep -m1 'is back after' plain.out)"

# ---- --output json: the hold and the return are events, in order
restarted json "$RUNBOOK" run steps.rb --yes --output json
jq -se '[.[] | select(.kind == "journal_unreachable" or .kind == "journal_back") | .kind]
        == ["journal_unreachable", "journal_back"]' json.out >/dev/null ||
   fail "--output json lacks the hold and back events, in order: $(grep journal_ json.out)"
jq -se '(map(.kind) | index("journal_back")) < (map(.kind) | index("run_finished"))
        and ([.[] | select(.kind == "journal_unreachable")][0].data
             | (.journal | contains("password=***")) and .retry_for_ms == 300000 and (.reason | length > 0))
        and ([.[] | select(.kind == "journal_back")][0].data.held_ms > 0)' json.out >/dev/null ||
   fail "the json hold/back events lack their data: $(grep journal_ json.out)"

# ---- the live view on a terminal: a line that says the run holds, and why
restarted live python3 "$SOURCE_DIR/tests/live/pty_run.py" live.tty 200 "$RUNBOOK" run steps.rb --yes
grep -qaP 'JOURNAL UNREACHABLE since \d\d:\d\d:\d\d \(\ds\): holding before the next step, retrying until it is back \(up to 5m00s\)' live.tty ||
   fail "the live view does not show the hold: $(tail -c 3000 live.tty | cat -v)"
grep -qaP '   journal postgresql:[^\r\n]*password=\*\*\*' live.tty || fail "the live view does not name the journal"
grep -qa "is back after" live.tty || fail "the live view does not say the journal came back"
! grep -qa "$password" live.tty || fail "the live view shows the journal's password"
# Drawn more than once while it held: the run is seen waiting, not frozen.
[ "$(grep -aoP 'JOURNAL UNREACHABLE since' live.tty | wc -l)" -ge 3 ] ||
   fail "the hold line was not redrawn while the run held"

# Without a run to show it (`runbook status`, `runbook approve`), stderr still
# says it: the unit tests ([outage]) check that wording.

[ "$failures" = 0 ] && echo "ok: the runs waited for the journal's restarts, said so once each way, and completed, every effect once"
exit $((failures > 0))
