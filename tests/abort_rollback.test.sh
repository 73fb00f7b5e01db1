#!/usr/bin/env bash
# `runbook abort RUN --rollback NAME` on a run that failed (issue 13): the
# operator sends it into its rollback, and `runbook resume RUN` runs that
# block with the forward path's undo stack, ending rolled back (exit 3).
# Without --rollback a stopped run is still refused ("not running").
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"

cat >deploy.rb <<'EOF2'
runbook "Deploy that fails"
phase "Deploy" {
  sh "touch deployed" undo { sh "touch undone" }
  sh "false"
}
rollback restore {
  sh "touch restored"
  undo all
}
EOF2

"$RUNBOOK" run deploy.rb --journal j.db --yes </dev/null >run.txt 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "the run should fail (exit 1), got $rc: $(cat run.txt)"
run=$("$RUNBOOK" status --journal j.db | awk '/^run:/ {print $2}')
[ -n "$run" ] || { fail "no run id"; exit 1; }

"$RUNBOOK" abort "$run" --journal j.db >abort-plain.txt 2>&1 && fail "abort without --rollback accepted a failed run"
grep -q "not running; to roll it back, give --rollback NAME" abort-plain.txt || fail "no hint: $(cat abort-plain.txt)"

"$RUNBOOK" abort "$run" --rollback restore --journal j.db >abort.txt 2>&1 || fail "abort --rollback refused: $(cat abort.txt)"
grep -q "will roll back via 'restore'" abort.txt || fail "abort did not say what happens: $(cat abort.txt)"
[ ! -f restored ] || fail "the rollback ran before the resume"

"$RUNBOOK" resume "$run" --journal j.db --yes </dev/null >resume.txt 2>&1
rc=$?
[ "$rc" -eq 3 ] || fail "the resume should end rolled back (exit 3), got $rc: $(cat resume.txt)"
[ -f restored ] || fail "the rollback block did not run"
[ -f undone ] || fail "undo all did not undo the deploy step"

echo "abort --rollback on a failed run: rolled back on resume; $failures failures"
[ "$failures" -eq 0 ]
