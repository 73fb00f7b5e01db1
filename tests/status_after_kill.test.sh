#!/usr/bin/env bash
# `runbook status` after the process running a step was killed (issue 13):
# the step is not "in progress" (nobody runs it) but in doubt until
# `runbook resume` settles it; while the run is alive it is in progress.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
run_pid=
cleanup_extra='[ -n "$run_pid" ] && kill -KILL "$run_pid" 2>/dev/null'

cat >slow.rb <<'EOF2'
runbook "Slow step"
phase "Deploy" {
  sh "touch started; sleep 5"
  sh "touch finished"
}
EOF2

"$RUNBOOK" run slow.rb --journal j.db --yes </dev/null >run.txt 2>&1 &
run_pid=$!
for _ in $(seq 100); do [ -f started ] && break; sleep 0.1; done
[ -f started ] || { fail "the step never started: $(cat run.txt)"; exit 1; }

"$RUNBOOK" status --journal j.db >alive.txt 2>&1 || fail "status of a live run failed: $(cat alive.txt)"
grep -q "^step: .* in progress$" alive.txt || fail "a live run's step should be in progress: $(cat alive.txt)"

kill -KILL "$run_pid"
wait "$run_pid" 2>/dev/null
run_pid=

"$RUNBOOK" status --journal j.db >dead.txt 2>&1 || fail "status of a killed run failed: $(cat dead.txt)"
grep -q "^status:  interrupted$" dead.txt || fail "a killed run should be interrupted: $(cat dead.txt)"
grep -q "is gone" dead.txt || fail "status should say the process is gone: $(cat dead.txt)"
grep -q "in progress" dead.txt && fail "a killed run's step is not in progress: $(cat dead.txt)"
grep -q "^step: .* in doubt: .*runbook resume" dead.txt || fail "the step should be in doubt until resume: $(cat dead.txt)"
grep -q "^next:    runbook resume" dead.txt || fail "no next step: $(cat dead.txt)"
grep -q "^waiting:" dead.txt && fail "a dead run waits for nothing: $(cat dead.txt)"

echo "status after SIGKILL: step in doubt, not in progress; $failures failures"
[ "$failures" -eq 0 ]
