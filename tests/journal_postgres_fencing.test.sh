#!/usr/bin/env bash
# Leases across machines, fenced, through the real binaries on a PostgreSQL
# journal: a run held by "host-a" is frozen (SIGSTOP) past the lease timeout,
# "host-b" takes it over with `runbook resume` and completes it; then the
# frozen process wakes (SIGCONT) while host-b is still in the same wait. It
# must stop at once (not when its wait would have ended) and exit non-zero
# saying it lost the run, and the sandbox must see no request from it after
# the takeover: every traffic change exactly once.
set -uo pipefail
source "$SOURCE_DIR/tests/support/rollout_env.sh"
source "$SOURCE_DIR/tests/support/postgres.sh"

work=$(mktemp -d)
chmod 755 "$work"
holder=""
trap '[ -n "$holder" ] && kill -CONT "$holder" 2>/dev/null; for p in $(jobs -p); do kill -KILL "$p" 2>/dev/null; done
      sandbox_stop; pg_stop; rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

pg_start || exit 1
export RUNBOOK_JOURNAL=$PG_URL
# Heartbeats come every 5 s: a lease timeout above that keeps a live holder.
export RUNBOOK_LEASE_TIMEOUT_S=8
export LB_ADMIN_TOKEN=fencing-token RUNBOOK_SANDBOX_TOKEN=fencing-token
sandbox_start "$work" || exit 1

cat >route.rb <<'EOF2'
runbook "Fenced rollout"
param sandbox: string = "http://127.0.0.1:1"
secret token = env("LB_ADMIN_TOKEN")
phase "Route" {
  http post "${sandbox}/api/traffic" header "Authorization" = "Bearer ${token}" body {"environment": "green", "percentage": 10} expect status 200
  wait 30s
  http post "${sandbox}/api/traffic" header "Authorization" = "Bearer ${token}" body {"environment": "green", "percentage": 20} expect status 200
  wait 1s
  http post "${sandbox}/api/traffic" header "Authorization" = "Bearer ${token}" body {"environment": "green", "percentage": 30} expect status 200
}
EOF2

traffic_posts() { curl -sf "$SANDBOX_URL/sandbox/requests?path=/api/traffic" | jq '[.requests[] | select(.status < 300)] | length'; }
percentages() { curl -sf "$SANDBOX_URL/sandbox/requests?path=/api/traffic" | jq -c '[.requests[] | select(.status < 300) | .body.percentage]'; }

RUNBOOK_HOST=host-a "$RUNBOOK" run route.rb -p "sandbox=$SANDBOX_URL" --yes --output plain >holder.out 2>&1 </dev/null &
holder=$!
for _ in $(seq 200); do [ "$(traffic_posts)" = 1 ] && break; sleep 0.05; done
[ "$(traffic_posts)" = 1 ] || fail "the holder did not make its first traffic change"
kill -STOP "$holder"
echo "froze the holder (pid $holder) in its wait"

run=$("$RUNBOOK" runs --json | jq -r '.[0].id')
# While its heartbeat is fresh, nobody takes the run.
if RUNBOOK_HOST=host-b "$RUNBOOK" resume "$run" --yes --output plain >early.out 2>&1 </dev/null; then
   fail "host-b took over a live holder's run: $(cat early.out)"
fi
grep -q "held by" early.out || fail "the refusal does not say who holds the run: $(cat early.out)"

sleep 10   # past the lease timeout: the frozen holder's heartbeat is stale
RUNBOOK_HOST=host-b "$RUNBOOK" resume "$run" --yes --output plain >taker.out 2>&1 </dev/null &
taker=$!
for _ in $(seq 100); do
   [ "$(psql "$PG_URL" -XAtqc "SELECT lease_host FROM runs WHERE id = '$run'")" = host-b ] && break
   sleep 0.1
done
[ "$(psql "$PG_URL" -XAtqc "SELECT lease_host FROM runs WHERE id = '$run'")" = host-b ] ||
   fail "host-b did not take the run over: $(cat taker.out)"

# Woken ~11 s into its 30 s wait, while host-b waits out the rest: it must
# stop within a few seconds, not 19 s later when its wait would end.
woke_at=$(date +%s%3N)
kill -CONT "$holder"
wait "$holder"
rc=$?
holder=""
stopped_after_ms=$(( $(date +%s%3N) - woke_at ))
[ "$rc" != 0 ] || fail "the woken holder exited 0: $(cat holder.out)"
grep -qi "lost" holder.out && grep -q "host-b" holder.out ||
   fail "the woken holder does not say it lost the run to host-b: $(cat holder.out)"
[ "$stopped_after_ms" -lt 4000 ] ||
   fail "the woken holder stopped only $stopped_after_ms ms after it woke: it sat out its wait with the run taken"
[ "$(percentages)" = "[10]" ] || fail "traffic changes while host-b waits: $(percentages), expected [10]"

wait "$taker"
rc=$?
[ "$rc" = 0 ] || fail "host-b's resume exited $rc: $(cat taker.out)"
[ "$(percentages)" = "[10,20,30]" ] || fail "traffic changes after the takeover: $(percentages), expected [10,20,30]"

sleep 1
[ "$(percentages)" = "[10,20,30]" ] || fail "the woken holder changed traffic: $(percentages)"
"$RUNBOOK" runs --json | jq -e --arg run "$run" '.[] | select(.id == $run) | .status == "completed"' >/dev/null ||
   fail "the run is not completed in the journal: $("$RUNBOOK" runs --json)"

echo "holder said: $(grep -i lost holder.out | head -2)"
[ "$failures" = 0 ] && echo "ok: a frozen holder taken over changed nothing when it woke"
exit $((failures > 0))
