#!/usr/bin/env bash
# End to end: the shipped runbooks against a real runbook-sandbox.
#
# Starts runbook-sandbox on a free loopback port, points the sandbox profile
# (runbooks/profiles/sandbox.params) at it, and runs, with a fast clock:
#   - rollout.rb to green 100, with the team told;
#   - rollout.rb with a fault injected on green mid-canary: the P0 trigger
#     (or the canary's error-rate criterion) fires and the emergency block ends at blue 100, Slack and the status
#     page notified with the filled-in template;
#   - emergency-rollback.rb (PagerDuty acknowledged, blue 100, escalation);
#   - planned-rollback.rb (100 -> 50 -> 25 -> 10 -> 0);
#   - validate-deployment.rb, healthy and with Redis down;
#   - dns-, app- and database-rollback.rb with the profile's `echo` tools.
# Every verdict is read from the sandbox's own request log and traffic
# split, not from runbook's output. The sandbox is stopped whatever happens.
set -uo pipefail

RUNBOOK=${RUNBOOK:?set RUNBOOK to the runbook binary}
RUNBOOK_SANDBOX=${RUNBOOK_SANDBOX:?set RUNBOOK_SANDBOX to the runbook-sandbox binary}
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
TIME_SCALE=${TIME_SCALE:-120}

work=$(mktemp -d)
sandbox_pid=
cleanup() {
   if [[ -n $sandbox_pid ]]; then
      kill "$sandbox_pid" 2>/dev/null
      wait "$sandbox_pid" 2>/dev/null
   fi
   rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# ---------------------------------------------------------------- the sandbox

token=sandbox-token-$$
"$RUNBOOK_SANDBOX" --port 0 --token "$token" >"$work/sandbox.out" 2>&1 &
sandbox_pid=$!
port=
for _ in $(seq 1 100); do
   port=$(sed -n 's/^runbook-sandbox listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/sandbox.out")
   [[ -n $port ]] && break
   sleep 0.1
done
if [[ -z $port ]]; then
   echo "FAIL runbook-sandbox did not start:"
   cat "$work/sandbox.out"
   exit 1
fi
base=http://127.0.0.1:$port

export LB_ADMIN_TOKEN=$token SLACK_WEBHOOK=T000/B000/XXXX STATUS_TOKEN=status-token PD_TOKEN=pd-token
sed "s#http://127.0.0.1:8765#$base#" "$SOURCE_DIR/runbooks/profiles/sandbox.params" >"$work/sandbox.params"

reset() { curl -sf -X POST "$base/sandbox/reset" >/dev/null || fail "POST /sandbox/reset"; }
route() {   # route ENVIRONMENT PERCENT
   curl -sf -X POST -H "Authorization: Bearer $token" "$base/api/traffic" \
      -d "{\"environment\": \"$1\", \"percentage\": $2}" >/dev/null || fail "POST /api/traffic $1 $2"
}
green_share() { curl -sf "$base/api/traffic" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["green"]))'; }
# requests METHOD PATH-REGEX [BODY-REGEX]: how many logged requests match.
requests() {
   curl -sf "$base/sandbox/requests" | python3 -c '
import json, re, sys
method, path = sys.argv[1], sys.argv[2]
body = sys.argv[3] if len(sys.argv) > 3 else ""
log = json.load(sys.stdin)
log = log if isinstance(log, list) else log.get("requests", [])
print(sum(1 for r in log if r.get("method") == method and re.search(path, r.get("path", ""))
          and re.search(body, json.dumps(r.get("body"), ensure_ascii=False))))' "$@"
}

# run NAME RUNBOOK [FLAGS...]: runs with the profile's params; sets $code.
run() {
   local name=$1 runbook=$2
   shift 2
   local flags=()
   mapfile -t flags < <("$SOURCE_DIR/scripts/profile-params.sh" "$work/sandbox.params" "$SOURCE_DIR/runbooks/$runbook")
   (cd "$work" && "$RUNBOOK" run "$SOURCE_DIR/runbooks/$runbook" "${flags[@]}" "$@" \
       --time-scale "$TIME_SCALE" --yes --journal "$work/$name.db" >"$work/$name.out" 2>&1)
   code=$?
}
expect_exit() {   # expect_exit NAME WANTED
   if [[ $code != "$2" ]]; then
      fail "$1: exit $code, expected $2; last lines:"
      tail -20 "$work/$1.out"
   fi
}
expect_count() {   # expect_count WHAT WANTED ACTUAL
   [[ $3 == "$2" ]] || fail "$1: $3, expected $2"
}

# ---------------------------------------------------------------- rollout, happy path

reset
run rollout rollout.rb
expect_exit rollout 0
expect_count "rollout: green share at the end" 100 "$(green_share)"
expect_count "rollout: traffic changes (1, 5, 10, 25, 50, 100)" 6 "$(requests POST '^/api/traffic$')"
expect_count "rollout: 'deployment completed' on Slack" 1 "$(requests POST '^/hooks/slack/services/' 'deployment completed')"

# ---------------------------------------------------------------- rollout, fault mid-canary

reset
run_in_background() {
   local flags=()
   mapfile -t flags < <("$SOURCE_DIR/scripts/profile-params.sh" "$work/sandbox.params" "$SOURCE_DIR/runbooks/rollout.rb")
   (cd "$work" && exec "$RUNBOOK" run "$SOURCE_DIR/runbooks/rollout.rb" "${flags[@]}" \
       --time-scale "$TIME_SCALE" --yes --journal "$work/fault.db" >"$work/fault.out" 2>&1) &
   rollout_pid=$!
}
run_in_background
injected=no
for _ in $(seq 1 600); do
   if [[ $(green_share) -ge 5 ]]; then
      curl -sf -X POST "$base/sandbox/faults" -d '{"green": {"error_rate": 30.0}}' >/dev/null && injected=yes
      break
   fi
   kill -0 "$rollout_pid" 2>/dev/null || break
   sleep 0.2
done
wait "$rollout_pid"
code=$?
[[ $injected == yes ]] || fail "fault: the canary never reached 5% on green"
expect_exit fault 3
expect_count "fault: green share after the emergency rollback" 0 "$(green_share)"
expect_count "fault: the last traffic change sends blue 100" 1 \
   "$(curl -sf "$base/sandbox/requests" | python3 -c '
import json,sys
log = json.load(sys.stdin); log = log if isinstance(log, list) else log.get("requests", [])
routes = [r for r in log if r.get("path") == "/api/traffic" and r.get("method") == "POST"]
print(1 if routes and routes[-1].get("body") == {"environment": "blue", "percentage": 100} else 0)')"
expect_count "fault: Emergency Rollback Notification on Slack" 1 \
   "$(requests POST '^/hooks/slack/services/' 'EMERGENCY ROLLBACK.*Team: Lead Engineer on-call')"
expect_count "fault: status page incident" 1 "$(requests POST '^/statuspage/v1/pages/mailsender/incidents$' 'Emergency Rollback Completed')"
expect_count "fault: no 100% switch to green" 0 "$(requests POST '^/api/traffic$' '"percentage": 100.*green|green.*"percentage": 100')"
# The fault lands somewhere in the 5% step's two-minute window (one real
# second at this time scale, so where depends on the machine's load). Early
# in the window the P0 trigger fires first; late in it the window ends while
# the canary's own error-rate criterion is failing. Both are the runbook's
# declared answer to this fault; the output must name one of them.
if ! grep -qE 'P0 high_error_rate|watch condition `error_rate < max_error_rate` failed' "$work/fault.out"; then
   fail "fault: the output names neither the P0 trigger high_error_rate nor the error-rate criterion"
   grep -n -m8 -iE "P0|P1|lost|fail|breach" "$work/fault.out"
fi

# ---------------------------------------------------------------- emergency rollback

reset
route green 100
run emergency emergency-rollback.rb
# The whole procedure is its `rollback emergency` block: verified, it ends
# "rolled back" (exit 3).
expect_exit emergency 3
expect_count "emergency: green share" 0 "$(green_share)"
expect_count "emergency: PagerDuty acknowledged" 1 "$(requests POST '^/pagerduty/incidents/PSANDBOX/acknowledge$')"
expect_count "emergency: notification + three escalation levels on Slack" 4 "$(requests POST '^/hooks/slack/services/')"
expect_count "emergency: status page incident" 1 "$(requests POST '^/statuspage/v1/pages/mailsender/incidents$')"

# ---------------------------------------------------------------- planned rollback

reset
route green 100
run planned planned-rollback.rb -p 'reason=tracking events delayed'
expect_exit planned 0
expect_count "planned: green share" 0 "$(green_share)"
for pct in 50 25 10 0; do
   expect_count "planned: green to $pct%" 1 "$(requests POST '^/api/traffic$' "\"percentage\": $pct}")"
done
expect_count "planned: notifications with the reason" 3 "$(requests POST '^/hooks/slack/services/' 'Reason: tracking events delayed')"

# ---------------------------------------------------------------- validate deployment

reset
run validate validate-deployment.rb
expect_exit validate 0
curl -sf -X POST "$base/sandbox/faults" -d '{"redis": "down"}' >/dev/null || fail "POST /sandbox/faults redis down"
run validate-redis validate-deployment.rb
expect_exit validate-redis 1

# ---------------------------------------------------------------- DNS, application, database

reset
run dns dns-rollback.rb -p zone_id=ZSANDBOX
expect_exit dns 0
grep -q 'route53 change-resource-record-sets --hosted-zone-id ZSANDBOX --change-batch file://rollback-dns-changes.json' "$work/dns.out" \
   || fail "dns: the route53 command was not shown"
run app app-rollback.rb
expect_exit app 0
run app-pm2 app-rollback.rb -p method=pm2
expect_exit app-pm2 0
run database database-rollback.rb
expect_exit database 0

echo "runbooks against the sandbox: $failures failed"
[[ $failures == 0 ]]
