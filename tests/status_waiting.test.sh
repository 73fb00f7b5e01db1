#!/usr/bin/env bash
# `runbook status` of a run waiting at a question says how to answer it
# from another terminal, and `runbook approve` answers it: an approval
# (`runbook approve RUN STEP`) and an ask, which needs `--answer CHOICE`
# and lists its choices.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
pty_run() { python3 "$SOURCE_DIR/tests/live/pty_run.py" "$@"; }

cat >ask.rb <<'EOF2'
runbook "Waits for people"
phase "Decide" on fail stop {
  approve "Start the rollout?" timeout 2m
  ask "Which region first?" choices ["eu", "us"] timeout 2m as region
  sh "touch answered-${region}"
}
EOF2

# The run waits on a terminal (a question needs someone to ask), in the background.
pty_run run.out 120 "$RUNBOOK" run ask.rb --journal j.db &
runner=$!
cleanup_extra='kill $runner 2>/dev/null; wait $runner 2>/dev/null'

# Polls `runbook status` until its output has $1 (up to 10 s); leaves it in status.txt.
wait_for_status() {
   for _ in $(seq 1 100); do
      "$RUNBOOK" status --journal j.db >status.txt 2>&1
      grep -qF -- "$1" status.txt && return 0
      sleep 0.1
   done
   return 1
}

wait_for_status "step:    decide/1 (approve" || fail "the run never reached its approval: $(cat status.txt)"
run=$(awk '/^run:/ {print $2}' status.txt)
grep -qF "waiting: for an answer (runbook approve $run decide/1)" status.txt ||
   fail "status does not say how to approve: $(cat status.txt)"
"$RUNBOOK" approve "$run" decide/1 --journal j.db >approve.txt 2>&1 || fail "approve refused: $(cat approve.txt)"

wait_for_status "step:    decide/2 (ask" || fail "the run never reached its ask: $(cat status.txt)"
grep -qF "waiting: for an answer (runbook approve $run decide/2 --answer CHOICE); choices: eu | us" status.txt ||
   fail "status does not say how to answer the ask, or its choices: $(cat status.txt)"
"$RUNBOOK" approve "$run" decide/2 --answer us --journal j.db >answer.txt 2>&1 || fail "answering the ask refused: $(cat answer.txt)"

wait $runner
rc=$?
cleanup_extra=:
[ "$rc" -eq 0 ] || fail "the run should complete once answered, got exit $rc: $(tail -c 1500 run.out)"
[ -f answered-us ] || fail "the ask's answer did not reach the run"

echo "status of a waiting run: $failures failures"
[ "$failures" -eq 0 ]
