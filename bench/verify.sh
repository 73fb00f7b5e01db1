#!/usr/bin/env bash
# Paths per second of `runbook verify` (issue 15): every shipped runbook and
# the verify fixtures, with --jobs N (default 2), depth 1 and 2, one line each:
#
#   bench/verify.sh [BUILD_DIR] [JOBS]
#
# Prints a markdown table (runbook, depth, paths, unsafe, seconds, paths/s)
# for docs/verify.md. Never part of ctest: it takes a while on a busy machine.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
jobs=${2:-2}
runbook=$build/runbook
echo "| runbook | depth | paths | unsafe | seconds | paths/s |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for file in "$root"/runbooks/*.rb "$root"/tests/fixtures/rollout-before-failure-paths.rb "$root"/tests/fixtures/verify/*.rb; do
  for depth in 1 2; do
    json=$("$runbook" verify "$file" --depth "$depth" --jobs "$jobs" --format json 2>/dev/null || true)
    if [[ -z $json ]]; then
      echo "| ${file#"$root"/} | $depth | (could not verify) | | | |"
      continue
    fi
    python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print("| {} | {} | {} | {} | {:.2f} | {:.0f} |".format(sys.argv[2], r["depth"], r["paths"], r["paths"] - r["safe"], r["seconds"], r["paths_per_second"]))
' "$json" "${file#"$root"/}"
  done
done
