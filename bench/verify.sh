#!/usr/bin/env bash
# Paths per second of `runbook verify` (issue 15): every shipped runbook and
# the verify fixtures, depth 1 and 2, with --jobs N (default 2):
#
#   bench/verify.sh [RUNBOOK] [JOBS] [BEFORE]
#
# RUNBOOK is the binary (default build/interpreter/runbook). With BEFORE
# (another binary, e.g. an older build) each line measures both, one right
# after the other, so the two see the same machine load. Prints a markdown
# table (runbook, depth, paths, unsafe, seconds and paths/s, CPU seconds)
# for docs/verify.md. Never part of ctest: it is a measurement, not a check.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runbook=${1:-$root/build/interpreter/runbook}
jobs=${2:-2}
before=${3:-}

# One verify run: "paths unsafe seconds paths/s cpu-seconds", or nothing if it could not run.
measure() {
  local binary=$1 file=$2 depth=$3
  shift 3
  /usr/bin/time -f '%U %S' -o /tmp/runbook-bench-verify.time \
    "$binary" verify "$file" "$@" --depth "$depth" --jobs "$jobs" --format json >/tmp/runbook-bench-verify.json 2>/dev/null || true
  [[ -s /tmp/runbook-bench-verify.json ]] || return 0
  python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
user, system = map(float, open(sys.argv[2]).read().split()[-2:])
print(r["paths"], r["paths"] - r["safe"], "{:.2f}".format(r["seconds"]), "{:.0f}".format(r["paths_per_second"]), "{:.1f}".format(user + system))
' /tmp/runbook-bench-verify.json /tmp/runbook-bench-verify.time
}

if [[ -n $before ]]; then
  echo "| runbook | depth | paths | unsafe | before: s (paths/s, CPU s) | after: s (paths/s, CPU s) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
else
  echo "| runbook | depth | paths | unsafe | seconds | paths/s | CPU s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
fi
for file in "$root"/runbooks/*.rb "$root"/tests/fixtures/rollout-before-failure-paths.rb "$root"/tests/fixtures/verify/*.rb; do
  name=$(basename "$file" .rb)
  args=()
  # The params without a working default (as tests/verify_shipped.test.sh gives them).
  [[ $name == emergency-rollback ]] && args=(-p incident=PVERIFY1)
  [[ $name == dns-rollback ]] && args=(-p zone_id=ZVERIFY1)
  for depth in 1 2; do
    read -r paths unsafe seconds rate cpu <<<"$(measure "$runbook" "$file" "$depth" "${args[@]}")" || true
    if [[ -z ${paths:-} ]]; then
      echo "| ${file#"$root"/} | $depth | (could not verify) | | | |"
      continue
    fi
    if [[ -n $before ]]; then
      read -r _ _ b_seconds b_rate b_cpu <<<"$(measure "$before" "$file" "$depth" "${args[@]}")" || true
      echo "| ${file#"$root"/} | $depth | $paths | $unsafe | ${b_seconds:-?} (${b_rate:-?}, ${b_cpu:-?}) | $seconds ($rate, $cpu) |"
    else
      echo "| ${file#"$root"/} | $depth | $paths | $unsafe | $seconds | $rate | $cpu |"
    fi
    unset paths unsafe seconds rate cpu b_seconds b_rate b_cpu
  done
done
rm -f /tmp/runbook-bench-verify.time /tmp/runbook-bench-verify.json
