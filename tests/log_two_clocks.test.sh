#!/usr/bin/env bash
# `runbook log` under --time-scale (issue 13): the live view shows runbook
# time, so the audit trail shows it too, labelled, next to the wall time;
# at real speed only the one time; --json keeps both fields.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"

cat >wait.rb <<'EOF2'
runbook "Wait a while"
phase "Soak" {
  wait 20m
  sh "true"
}
EOF2

# 20 minutes of runbook time in 2 seconds of wall time.
"$RUNBOOK" run wait.rb --journal scaled.db --time-scale 600 --yes </dev/null >run.txt 2>&1 ||
   fail "the scaled run failed: $(cat run.txt)"
"$RUNBOOK" log --journal scaled.db >scaled.txt 2>&1 || fail "log failed: $(cat scaled.txt)"
grep -q "^times: runbook time (--time-scale 600" scaled.txt || fail "no header naming the two times: $(cat scaled.txt)"
line='^runbook [0-9-]+ ([0-9:]+)  wall [0-9-]+ ([0-9:]+)  '
grep -Eq "$line" scaled.txt || fail "event lines do not show both times, labelled: $(cat scaled.txt)"
# The last step ends 20 runbook minutes after the first, but ~2 wall seconds.
to_s() { IFS=: read -r h m s <<<"$1"; echo $((10#$h * 3600 + 10#$m * 60 + 10#$s)); }
first=$(grep -E "$line" scaled.txt | grep step_started | head -1)
last=$(grep -E "$line" scaled.txt | grep step_finished | tail -1)
runbook_span=$(( $(to_s "$(sed -E "s/$line.*/\1/" <<<"$last")") - $(to_s "$(sed -E "s/$line.*/\1/" <<<"$first")") ))
wall_span=$(( $(to_s "$(sed -E "s/$line.*/\2/" <<<"$last")") - $(to_s "$(sed -E "s/$line.*/\2/" <<<"$first")") ))
[ $(( (runbook_span + 86400) % 86400 )) -ge 1190 ] || fail "runbook time should span 20 minutes, got $runbook_span s"
[ $(( (wall_span + 86400) % 86400 )) -le 60 ] || fail "wall time should span seconds, got $wall_span s"
grep -Eq "^runbook -  +wall [0-9-]+ [0-9:]+  run " scaled.txt ||
   fail "the run's own events have only a wall time: $(cat scaled.txt)"

"$RUNBOOK" log --journal scaled.db --json >scaled.json 2>&1 || fail "log --json failed"
python3 - scaled.json <<'PY' || fail "log --json should keep both times: $(head -c 600 scaled.json)"
import json, sys
events = json.load(open(sys.argv[1]))["events"]
assert events and all("at" in e and "wall_at" in e for e in events)
events = [e for e in events if e["kind"].startswith("step_")]
assert events[-1]["at"] - events[0]["at"] >= 1190e3, "runbook time did not advance 20 minutes"
assert events[-1]["wall_at"] - events[0]["wall_at"] < 60e3, "wall time advanced too far"
PY

cat >quick.rb <<'EOF2'
runbook "Quick"
phase "Go" {
  sh "true"
}
EOF2
"$RUNBOOK" run quick.rb --journal real.db --yes </dev/null >run-real.txt 2>&1 || fail "the real-speed run failed"
"$RUNBOOK" log --journal real.db >real.txt 2>&1 || fail "log failed: $(cat real.txt)"
grep -q "^times:" real.txt && fail "one clock needs no header: $(cat real.txt)"
grep -Eq "^(runbook|.*  wall )" real.txt && fail "one clock needs no labels: $(cat real.txt)"
grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}  step_started" real.txt || fail "plain lines changed: $(cat real.txt)"

echo "runbook log under --time-scale: both times, labelled; $failures failures"
[ "$failures" -eq 0 ]
