#!/usr/bin/env bash
# The shipped runbooks verify clean (issue 15): `runbook verify` explores
# every single fault (a step failing, a question answered no or never, each
# trigger breached from each step, monitoring lost, a crash before and after
# each side effect) on each runbook under runbooks/, and every path must end
# in a state the runbook declared. A change that leaves traffic split, drops
# a pending trigger or lets a rollback go silent fails here, with the path
# that shows it (and its reproduction scenario) in the output.
#
# Depth 2: every single fault, and a second fault inside each rollback a
# first one started (a rollback step failing for good, its questions
# answered no or never, its verification failing). rollout.rb is 681 paths,
# about 9 s on 2 cores.
set -uo pipefail
cd "${SOURCE_DIR:?}"
: "${RUNBOOK:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

failures=0
for runbook in runbooks/*.rb; do
   name=$(basename "$runbook" .rb)
   args=()
   # The params without a working default: which PagerDuty incident to
   # acknowledge, and which DNS zone (without one the healthy run stops at
   # its own assert and there is nothing to explore).
   [ "$name" = emergency-rollback ] && args=(-p incident=PVERIFY1)
   [ "$name" = dns-rollback ] && args=(-p zone_id=ZVERIFY1)
   "$RUNBOOK" verify "$runbook" "${args[@]}" --depth 2 --jobs 2 --out "$out/$name" >"$out/$name.txt" 2>&1
   status=$?
   summary=$(head -1 "$out/$name.txt")
   # A healthy run that fails leaves the faults nothing to explore: "every
   # path safe" would then say nothing. (emergency-rollback.rb's healthy run
   # is its rollback: "rolled back via emergency".)
   if ! grep -qE '^Healthy run: (completed|rolled back)' "$out/$name.txt"; then
      echo "FAIL $runbook: $(grep '^Healthy run:' "$out/$name.txt")"
      failures=$((failures + 1))
   elif [ "$status" -ne 0 ] || ! grep -q ' 0 unsafe' <<<"$summary"; then
      echo "FAIL $runbook (exit $status): $summary"
      sed -n '/^Unsafe paths:/,$p' "$out/$name.txt" | head -40
      failures=$((failures + 1))
   else
      echo "ok   $summary"
   fi
done
echo "shipped runbooks verified: $failures with unsafe paths"
[ "$failures" -eq 0 ]
