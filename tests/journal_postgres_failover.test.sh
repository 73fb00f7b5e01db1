#!/usr/bin/env bash
# Issue 16's done-when, on a PostgreSQL journal: the shipped rollout
# (runbooks/rollout.rb, sandbox profile) started on "host-a" is killed with
# kill -9 mid-canary, resumed on "host-b" once host-a's lease times out, and
# completes with every traffic change applied exactly once (the sandbox's
# request log: accepted, not replayed, one per Idempotency-Key). The
# approvals of the resumed run come from a third process (`runbook approve`)
# and are journaled under that operator's name (RUNBOOK_OPERATOR).
set -uo pipefail
source "$SOURCE_DIR/tests/support/rollout_env.sh"
source "$SOURCE_DIR/tests/support/postgres.sh"

work=$(mktemp -d)
chmod 755 "$work"
trap 'for p in $(jobs -p); do kill -KILL "$p" 2>/dev/null; done; sandbox_stop; pg_stop; rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

pg_start || exit 1
export RUNBOOK_JOURNAL=$PG_URL
export RUNBOOK_LEASE_TIMEOUT_S=6   # above the 5 s heartbeat
secret_env failover-secret
export RUNBOOK_SANDBOX_TOKEN=$LB_ADMIN_TOKEN
sandbox_start "$work" || exit 1
profile_flags "$SOURCE_DIR/runbooks/rollout.rb"
# The questions wait long enough (4 h of runbook time: 24 s at 600x) for the
# third process to answer them.
flags=()
for ((i = 0; i < ${#PROFILE_FLAGS[@]}; i += 2)); do
   [[ ${PROFILE_FLAGS[i + 1]} == answer_timeout=* ]] || flags+=("${PROFILE_FLAGS[i]}" "${PROFILE_FLAGS[i + 1]}")
done
rollout=("$SOURCE_DIR/runbooks/rollout.rb" "${flags[@]}" -p answer_timeout=4h)
scale=600

green() { curl -sf "$SANDBOX_URL/api/traffic" | jq '.green'; }
accepted_keys() {
   curl -sf "$SANDBOX_URL/sandbox/requests?path=/api/traffic" |
      jq -r '.requests[] | select(.status < 300 and (.replayed | not)) | .idempotency_key'
}

# host-a: up to the canary, then kill -9 while green carries a canary share.
RUNBOOK_HOST=host-a "$RUNBOOK" run "${rollout[@]}" --yes --time-scale "$scale" --output plain >host-a.out 2>&1 </dev/null &
runner=$!
for _ in $(seq 1200); do
   g=$(green); [ -n "$g" ] && [ "$g" -gt 0 ] && [ "$g" -lt 100 ] && break
   kill -0 "$runner" 2>/dev/null || break
   sleep 0.05
done
g=$(green)
[ -n "$g" ] && [ "$g" -gt 0 ] && [ "$g" -lt 100 ] || { fail "host-a never reached the canary (green $g): $(tail -5 host-a.out)"; exit 1; }
kill -KILL "$runner"; wait "$runner" 2>/dev/null
echo "killed host-a mid-canary (green $g%)"
run=$("$RUNBOOK" runs --json | jq -r '.[0].id')

# host-b: refused while host-a's heartbeat is fresh, takes over after.
sleep 7
RUNBOOK_HOST=host-b RUNBOOK_OPERATOR=bob python3 "$SOURCE_DIR/tests/live/pty_run.py" host-b.out 120 \
   "$RUNBOOK" resume "$run" --in-doubt redo --time-scale "$scale" --output plain &
resumer=$!

# A third process answers every question the run asks, as carol.
answered=0
for _ in $(seq 1800); do
   kill -0 "$resumer" 2>/dev/null || break
   "$RUNBOOK" status "$run" >status.txt 2>&1
   if waiting=$(grep -o "waiting: for an answer (runbook approve $run [^ )]*" status.txt); then
      step=${waiting##* }
      args=()
      # The DNS question: leave DNS as it is (the sandbox has no zone to change).
      grep -q -- "--answer CHOICE" status.txt && args=(--answer "leave DNS unchanged")
      RUNBOOK_HOST=host-c RUNBOOK_OPERATOR=carol "$RUNBOOK" approve "$run" "$step" "${args[@]}" >>approve.out 2>&1 &&
         answered=$((answered + 1))
      # The run takes the answer at its next poll: wait for the next question
      # (a checklist asks several under one step) before answering again.
      for _ in $(seq 20); do
         "$RUNBOOK" status "$run" >status.next 2>&1
         cmp -s status.txt status.next || break
         sleep 0.1
      done
   fi
   sleep 0.1
done
wait "$resumer"
rc=$?
[ "$rc" = 0 ] || { fail "host-b's resume exited $rc:"; grep -E "rolling back|approve|answer|in doubt|fail" host-b.out | head -20 >&2; }
[ "$(green)" = 100 ] || fail "green carries $(green)%, not 100%"
[ "$answered" -gt 0 ] || fail "no question was answered from the third process"

# Every traffic change exactly once: one accepted request per key.
dups=$(accepted_keys | sort | uniq -d)
[ -z "$dups" ] || fail "traffic changes applied more than once: $dups"
echo "traffic changes accepted: $(accepted_keys | wc -l), answered from host-c: $answered"

"$RUNBOOK" log "$run" --json >log.json 2>/dev/null
jq -e '[.events[] | select(.kind == "lease_takeover") | .data.host] == ["host-b"]' log.json >/dev/null ||
   fail "the journal does not show host-b's takeover: $(jq -c '[.events[] | select(.kind == "lease_takeover")]' log.json)"
"$RUNBOOK" log "$run" >log.txt 2>&1
grep -q "carol" log.txt || fail "the log does not name carol for the approvals: $(grep -i approv log.txt | head -5)"
"$RUNBOOK" runs --json | jq -e --arg run "$run" '.[] | select(.id == $run) | .status == "completed"' >/dev/null ||
   fail "the run is not completed"

[ "$failures" = 0 ] && echo "ok: killed mid-canary on host-a, completed on host-b, every traffic change once, approved by carol"
exit $((failures > 0))
