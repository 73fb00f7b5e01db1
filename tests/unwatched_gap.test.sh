#!/usr/bin/env bash
# Time while the process was dead is not monitoring time (issue 13), with a
# real `runbook run` killed by SIGKILL in the middle of a watched wait:
#   1. the run is killed 1 s into `wait 20s` (time scale 10: 20 s of runbook
#      time is 2 s of wall time) while a P0 trigger is armed;
#   2. it stays dead for longer than the wait had left, so its deadline passes
#      with nothing sampling the trigger;
#   3. on resume the wait does not return at once: it extends by the gap, says
#      so, and journals it (`runbook log` shows the unwatched_gap record);
#   4. a breach that appears during the extension is caught by the trigger,
#      and the run ends in its rollback (exit 3) with the rollback's step run.
# Before the rule, the resumed wait returned at once and the run completed
# (exit 0) with the breach unseen.
set -uo pipefail
: "${RUNBOOK:?set RUNBOOK to the runbook binary}"

work=$(mktemp -d)
run_pid=
cleanup()
{
   if [ -n "$run_pid" ]; then kill -9 "$run_pid" 2>/dev/null; fi
   rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cat >watched.rb <<'EOF2'
runbook "Watched wait"
metric errors = sh "cat errors.txt" unit count
trigger broken "Errors seen" when errors > 0 severity P0 every 1s -> rollback back
phase "Soak" arms broken {
  sh "touch soaking"
  wait 20s
}
rollback back {
  sh "touch rolled-back"
}
EOF2
echo 0 >errors.txt

"$RUNBOOK" run watched.rb --time-scale 10 --journal j.db --yes </dev/null >first.txt 2>&1 &
run_pid=$!
for _ in $(seq 100); do [ -f soaking ] && break; sleep 0.1; done
[ -f soaking ] || { fail "the run never reached its wait"; cat first.txt >&2; exit 1; }
sleep 1
kill -9 "$run_pid"
wait "$run_pid" 2>/dev/null
run_pid=
# 5 s of wall time dead: 50 s of runbook time, more than the wait had left
# (and the extension it owes leaves a loaded machine time to resume).
sleep 5

run_id=$("$RUNBOOK" runs --journal j.db 2>/dev/null | grep -oE '^r[0-9]{8}-[0-9]{6}-[0-9a-f]{4}' | head -1)
[ -n "$run_id" ] || { fail "no run id in 'runbook runs'"; "$RUNBOOK" runs --journal j.db >&2; exit 1; }

"$RUNBOOK" resume "$run_id" --journal j.db --yes </dev/null >resume.txt 2>&1 &
run_pid=$!
# The breach appears 1 s (10 s of runbook time) into the extended wait.
sleep 1
echo 5 >errors.txt
wait "$run_pid"
rc=$?
run_pid=

[ "$rc" -eq 3 ] || fail "the resumed run should end in its rollback (exit 3), got $rc: $(tail -5 resume.txt)"
[ -f rolled-back ] || fail "the rollback's step did not run"
grep -q "wait extends by" resume.txt || fail "the resume does not say the wait extends: $(cat resume.txt)"
grep -q "P0 broken\|broken" resume.txt || fail "the output does not name the trigger: $(cat resume.txt)"
"$RUNBOOK" log "$run_id" --journal j.db >log.txt 2>&1
grep -q "unwatched_gap" log.txt || fail "the journal does not record the unwatched gap: $(cat log.txt)"

echo "unwatched gap: a resumed watched wait owes the time nobody sampled; $failures failures"
[ "$failures" -eq 0 ]
