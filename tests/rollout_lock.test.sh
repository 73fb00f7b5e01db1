#!/usr/bin/env bash
# One rollout at a time (issue 13), with two real `runbook run` processes on
# one journal:
#   1. while a run of a runbook is in progress, a second `runbook run` of the
#      same runbook (other parameters too) is refused, naming the holder;
#   2. when the holder dies (kill -9), its lease is dead and the next run
#      takes the lock over;
#   3. a run that ended released the lock: the next one starts;
#   4. two runbooks naming one lock (`lock "name"`) exclude each other, and a
#      runbook naming another lock is not held back.
set -uo pipefail
: "${RUNBOOK:?set RUNBOOK to the runbook binary}"

work=$(mktemp -d)
first=
cleanup()
{
   if [ -n "$first" ]; then kill -9 "$first" 2>/dev/null; fi
   if [ -f "$work/sh.pid" ]; then kill -9 -- "-$(cat "$work/sh.pid")" 2>/dev/null; fi
   rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cat >slow.rb <<'EOF2'
runbook "Slow rollout"
param hold = "0"
phase "Hold" {
  sh "echo $$ > sh.pid; touch started; sleep ${hold}"
}
EOF2

"$RUNBOOK" run slow.rb -p hold=60 --journal j.db --yes </dev/null >first.txt 2>&1 &
first=$!
for _ in $(seq 200); do [ -f started ] && break; sleep 0.1; done
[ -f started ] || { fail "the first run never started its step"; cat first.txt >&2; exit 1; }

# 1. Refused while the first holds the lock, whatever the parameters.
"$RUNBOOK" run slow.rb -p hold=0 --journal j.db --yes </dev/null >second.txt 2>&1
rc=$?
[ "$rc" -ne 0 ] || fail "a second run started while the first was in progress"
grep -q "one rollout at a time" second.txt || fail "the refusal does not say why: $(cat second.txt)"
grep -q "pid $first " second.txt || fail "the refusal does not name the holder (pid $first): $(cat second.txt)"
kill -0 "$first" 2>/dev/null || fail "the first run did not keep going"

# 2. The holder dies: its lease is dead, the lock is taken over.
kill -9 "$first"
wait "$first" 2>/dev/null
first=
kill -9 -- "-$(cat sh.pid)" 2>/dev/null
rm -f sh.pid
"$RUNBOOK" run slow.rb -p hold=0 --journal j.db --yes </dev/null >third.txt 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "the lock of a dead holder was not taken over (exit $rc): $(cat third.txt)"

# 3. Released at the end: the next run starts.
"$RUNBOOK" run slow.rb -p hold=0 --journal j.db --yes </dev/null >fourth.txt 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "the lock was not released when the run ended (exit $rc): $(cat fourth.txt)"

# 4. Named locks: a rollout and a planned rollback of one service.
cat >rollout.rb <<'EOF2'
runbook "Service rollout"
lock "mailsender-traffic"
param hold = "0"
phase "Shift" {
  sh "echo $$ > sh.pid; touch started; sleep ${hold}"
}
EOF2
cat >rollback.rb <<'EOF2'
runbook "Service planned rollback"
lock "mailsender-traffic"
phase "Shift back" {
  sh "touch rolled-back"
}
EOF2
cat >other.rb <<'EOF2'
runbook "Another service"
lock "billing-traffic"
phase "Shift" {
  sh "touch other-ran"
}
EOF2
rm -f started
"$RUNBOOK" run rollout.rb -p hold=60 --journal j.db --yes </dev/null >rollout.txt 2>&1 &
first=$!
for _ in $(seq 200); do [ -f started ] && break; sleep 0.1; done
[ -f started ] || { fail "the named-lock rollout never started its step"; cat rollout.txt >&2; exit 1; }

"$RUNBOOK" run rollback.rb --journal j.db --yes </dev/null >rollback.txt 2>&1
rc=$?
[ "$rc" -ne 0 ] || fail "the planned rollback ran while the rollout held the lock"
[ ! -f rolled-back ] || fail "the refused rollback ran its step"
grep -q 'holds the lock "mailsender-traffic"' rollback.txt || fail "the refusal does not name the lock: $(cat rollback.txt)"
grep -q "pid $first " rollback.txt || fail "the refusal does not name the holder (pid $first): $(cat rollback.txt)"

"$RUNBOOK" run other.rb --journal j.db --yes </dev/null >other.txt 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "a runbook naming another lock was held back (exit $rc): $(cat other.txt)"
[ -f other-ran ] || fail "the runbook naming another lock did not run its step"

kill -9 "$first"
wait "$first" 2>/dev/null
first=
kill -9 -- "-$(cat sh.pid)" 2>/dev/null
rm -f sh.pid
"$RUNBOOK" run rollback.rb --journal j.db --yes </dev/null >rollback2.txt 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "the lock of a dead rollout was not taken over by the rollback (exit $rc): $(cat rollback2.txt)"
[ -f rolled-back ] || fail "the rollback did not run its step after the holder died"

echo "rollout lock: refused while held, taken over from a dead holder, released at the end, named locks; $failures failures"
[ "$failures" -eq 0 ]
