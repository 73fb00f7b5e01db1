#!/usr/bin/env bash
# The main job: a live rollout of the shipped runbook against the bundled sandbox.
#
#   scripts/demo.sh            rollout.rb from blue 100 to green 100 (a minute or two)
#   scripts/demo.sh --fault    a fault is injected into green mid-canary: watch the
#                              P0 trigger fire and the emergency rollback end at blue 100
#
# With RUNBOOK and RUNBOOK_SANDBOX set to built binaries it uses those and
# neither installs nor builds anything.
#
# It installs what is missing, builds runbook and runbook-sandbox, starts the
# sandbox on a free loopback port, runs the rollout on a fast clock (the sandbox
# profile shortens the windows to minutes, --time-scale makes a minute pass in
# a few seconds), confirms checklists automatically (--yes), and stops the
# sandbox whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

fault=false
time_scale=${RUNBOOK_DEMO_TIME_SCALE:-15}
for arg in "$@"; do
   case $arg in
      --fault) fault=true ;;
      *) echo "usage: $0 [--fault]" >&2; exit 2 ;;
   esac
done

if [ -n "${RUNBOOK:-}" ] && [ -n "${RUNBOOK_SANDBOX:-}" ]; then
   # Binaries built elsewhere (as ctest passes them): nothing to install or build.
   runbook=$RUNBOOK
   sandbox_bin=$RUNBOOK_SANDBOX
else
   bash scripts/setup.sh
   # Configure only a fresh build directory: re-configuring an existing one with
   # another build type would rebuild everything, and the build there is reused.
   if [ ! -f build/CMakeCache.txt ]; then
      cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_UNITY_BUILD=ON >/dev/null
   fi
   cmake --build build -j"$(nproc)" --target runbook runbook-sandbox
   runbook=$PWD/build/interpreter/runbook
   sandbox_bin=$PWD/build/sandbox/runbook-sandbox
fi

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
   [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
   rm -rf "$work"
}
trap cleanup EXIT

# Secrets come from the environment, never from files or flags.
export LB_ADMIN_TOKEN="demo-lb-token-$RANDOM$RANDOM"
export SLACK_WEBHOOK="T000/B000/demo"
export STATUS_TOKEN="demo-status-token"
export PD_TOKEN="demo-pd-token"

# Start the sandbox on a free port and read the port from its ready line.
"$sandbox_bin" --port 0 --token "$LB_ADMIN_TOKEN" >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do
   grep -q "listening on" "$work/sandbox.out" 2>/dev/null && break
   sleep 0.1
done
base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/sandbox.out" | head -n1)
[ -n "$base" ] || { echo "demo: runbook-sandbox did not start:" >&2; cat "$work/sandbox.err" >&2; exit 1; }
echo "runbook-sandbox is playing the mailsender system on $base"

# The sandbox profile with this run's port.
sed "s#http://127.0.0.1:8765#$base#g" runbooks/profiles/sandbox.params >"$work/sandbox.params"
mapfile -t flags < <(scripts/profile-params.sh "$work/sandbox.params" runbooks/rollout.rb)

if $fault; then
   # Mid-canary (the 5% step), green starts failing: 30% errors (1.5% of all traffic at 5%), 700 ms responses.
   (
      for _ in $(seq 600); do
         green=$(curl -s "$base/api/traffic" | sed -n 's/.*"green": *\([0-9.]*\).*/\1/p')
         if [ "${green%%.*}" -ge 5 ] 2>/dev/null; then break; fi
         sleep 0.2
      done
      curl -s -X POST "$base/sandbox/faults" -H 'Content-Type: application/json' \
         -d '{"green": {"error_rate": 30.0, "latency_ms": 700}}' >/dev/null
      echo ">>> demo: fault injected into green (30% errors, 700 ms) at green ${green:-?}%"
   ) &
fi

set +e
"$runbook" run runbooks/rollout.rb "${flags[@]}" --journal "$work/journal.db" --time-scale "$time_scale" --yes
status=$?
set -e

echo
echo "runbook exited with $status; the sandbox's traffic split is now: $(curl -s "$base/api/traffic")"
if $fault; then
   echo "notifications the sandbox received:"
   curl -s "$base/sandbox/requests" | grep -oE '"path": *"/(hooks|statuspage|pagerduty)[^"]*"' | sort | uniq -c || true
fi
exit "$status"
