#!/usr/bin/env bash
# The main job: a live rollout of the shipped runbooks/rollout.rb against the
# bundled runbook-sandbox, on a fast clock (a runbook minute passes in half a
# second), with checklists confirmed automatically. Ends with the sandbox at
# green 100.
#
#   scripts/demo.sh            # the rollout, start to finish
#   scripts/demo.sh --fault    # inject 30% errors on green once the canary
#                              # reaches 5%: the P0 trigger fires and the
#                              # emergency rollback ends at blue 100
#
# Environment: PORT (default 8765), TIME_SCALE (default 120).
set -euo pipefail
cd "$(dirname "$0")/.."

fault=no
case "${1:-}" in
   "") ;;
   --fault) fault=yes ;;
   *) echo "usage: $0 [--fault]" >&2; exit 2 ;;
esac
port=${PORT:-8765}
time_scale=${TIME_SCALE:-120}

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target runbook runbook-sandbox

work=$(mktemp -d)
sandbox_pid=
injector_pid=
cleanup() {
   [[ -n $injector_pid ]] && kill "$injector_pid" 2>/dev/null || true
   if [[ -n $sandbox_pid ]]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
   rm -rf "$work"
}
trap cleanup EXIT

token=demo-token
./build/sandbox/runbook-sandbox --port "$port" --token "$token" >"$work/sandbox.out" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 50); do grep -q listening "$work/sandbox.out" && break; sleep 0.1; done
grep -q listening "$work/sandbox.out" || { cat "$work/sandbox.out"; exit 1; }
base=http://127.0.0.1:$port
echo "runbook-sandbox on $base"

export LB_ADMIN_TOKEN=$token SLACK_WEBHOOK=T000/B000/XXXX STATUS_TOKEN=demo PD_TOKEN=demo
sed "s#http://127.0.0.1:8765#$base#" runbooks/profiles/sandbox.params >"$work/sandbox.params"
mapfile -t flags < <(scripts/profile-params.sh "$work/sandbox.params" runbooks/rollout.rb)

if [[ $fault == yes ]]; then
   (
      until curl -sf "$base/api/traffic" | grep -Eq '"green": ?([5-9]|[1-9][0-9])'; do sleep 0.2; done
      curl -sf -X POST "$base/sandbox/faults" -d '{"green": {"error_rate": 30.0}}' >/dev/null
      echo ">>> injected 30% errors on green (canary at $(curl -sf "$base/api/traffic"))"
   ) &
   injector_pid=$!
fi

set +e
./build/interpreter/runbook run runbooks/rollout.rb "${flags[@]}" \
   --time-scale "$time_scale" --yes --journal "$work/journal.db"
code=$?
set -e
echo
echo "exit code $code; the sandbox's traffic split is now $(curl -sf "$base/api/traffic")"
echo "notifications the sandbox received:"
curl -sf "$base/sandbox/requests" | python3 -c '
import json, sys
log = json.load(sys.stdin)
log = log if isinstance(log, list) else log.get("requests", [])
for r in log:
    if r.get("path", "").startswith(("/hooks/", "/statuspage/", "/pagerduty/")):
        body = r.get("body")
        text = body.get("text") if isinstance(body, dict) and "text" in body else json.dumps(body, ensure_ascii=False)
        print("  " + r.get("method", "") + " " + r.get("path", "") + "\n    " + str(text).replace("\n", "\n    "))'
exit $code
