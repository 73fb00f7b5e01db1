#!/usr/bin/env bash
# `ensure` in a real run: each invariant is evaluated once when the run ends,
# shown as a line, journaled (runbook log, runbook status) and in
# `--output json`; a broken one does not change the exit code; its
# function's steps are journaled under ensure/<n>.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"

cat >end.rb <<'EOF2'
runbook "Invariants at the end"
param target = "blue"
ensure "the marker was written" marker_is(target)
ensure "the release is green" target == "green"
on fail stop
phase "Write" {
  sh "echo blue > marker"
}
fn marker_is(color) {
  sh "cat marker" as marker
  return marker.stdout == color + "\n"
}
EOF2

"$RUNBOOK" run end.rb --journal j.db --yes </dev/null >plain.txt 2>&1
code=$?
[ $code -eq 0 ] || fail "a broken invariant must not change the exit code (0), got $code: $(cat plain.txt)"
grep -q "== ensure held: the marker was written" plain.txt || fail "the held invariant is not shown: $(cat plain.txt)"
grep -q "== ENSURE BROKEN: the release is green (target == \"green\" is false)" plain.txt ||
   fail "the broken invariant is not shown: $(cat plain.txt)"

"$RUNBOOK" status --journal j.db >status.txt 2>&1 || fail "status failed: $(cat status.txt)"
grep -q "^ensure:  held: the marker was written$" status.txt || fail "status should show the held invariant: $(cat status.txt)"
grep -q "^ensure:  BROKEN: the release is green" status.txt || fail "status should show the broken one: $(cat status.txt)"

"$RUNBOOK" log --journal j.db >log.txt 2>&1 || fail "log failed: $(cat log.txt)"
grep -q "ensure/1/fn:marker_is/1" log.txt || fail "the function's step should be journaled under ensure/1: $(cat log.txt)"
grep -Eq "ensure +ensure/2 " log.txt || fail "the invariant's result should be journaled: $(cat log.txt)"

"$RUNBOOK" run end.rb --journal j2.db --yes --output json </dev/null >run.json 2>&1
grep -q '"kind":"ensure"' run.json || fail "--output json should have ensure events: $(head -c 800 run.json)"
exit $((failures > 0))
