#!/usr/bin/env bash
# Numbers for people (issue 13): a metric of 3.237184907301121% reads
# "3.24%" in the run's output and in `runbook log`; `--output json`,
# `runbook log --json` and a command the value is spliced into keep it whole.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"

cat >rate.rb <<'EOF2'
runbook "Error rate"
metric error_rate = sh "echo 3.237184907301121" unit %
phase "Check" {
  sh "echo ${error_rate} > spliced"
  assert error_rate < 1%
}
EOF2

"$RUNBOOK" run rate.rb --journal j.db --yes </dev/null >plain.txt 2>&1
[ $? -eq 1 ] || fail "the assert should fail the run: $(cat plain.txt)"
grep -q "error_rate = 3.24%" plain.txt || fail "the failure should read 3.24%: $(cat plain.txt)"
grep -q "error_rate = 3\.2371" plain.txt && fail "the plain output shows the full value: $(cat plain.txt)"
# The command line shows what ran: the exact value.
grep -q "sh echo 3.237184907301121% > spliced" plain.txt || fail "the command shown is not what ran: $(cat plain.txt)"
[ "$(cat spliced)" = "3.237184907301121%" ] || fail "the splice must keep the exact value, got $(cat spliced)"

"$RUNBOOK" log --journal j.db >log.txt 2>&1 || fail "log failed: $(cat log.txt)"
grep -q '"error_rate":"3.24%"' log.txt || fail "runbook log should round the sample: $(cat log.txt)"
grep -Eq '"error_rate":"3\.2371|error_rate = 3\.2371' log.txt && fail "runbook log shows the full value: $(cat log.txt)"
"$RUNBOOK" log --journal j.db --json >log.json 2>&1
grep -q '3.237184907301121%' log.json || fail "runbook log --json should keep the full value"

"$RUNBOOK" run rate.rb --journal j2.db --yes --output json </dev/null >run.json 2>&1
grep -q '3.237184907301121%' run.json || fail "--output json should keep the full value: $(head -c 800 run.json)"

# A trigger's samples: the journal keeps the whole
# value beside the words for people, `runbook log` rounds it.
cat >watched.rb <<'EOF2'
runbook "Watched error rate"
metric error_rate = sh "echo 3.237184907301121" unit %
trigger high "High error rate" when error_rate > 1% every 10s severity P0 -> rollback back
phase "Check" arms all {
  wait 30s
}
rollback back {
  log "rolled back"
}
EOF2
"$RUNBOOK" run watched.rb --journal w.db --yes </dev/null >watched.txt 2>&1
grep -q "error_rate = 3.24%" watched.txt || fail "the trigger's sample should read 3.24%: $(cat watched.txt)"
# Measured from the rollback's start: a few ms ("3ms", format_elapsed) or
# whole seconds on a slow machine.
grep -Eq "rollback back completed in [0-9]+m?s$" watched.txt ||
   fail "the rollback's duration should be measured from its start: $(grep 'completed in' watched.txt)"
"$RUNBOOK" log --journal w.db --json >watched.json 2>&1
python3 - watched.json <<'PY' || fail "the journal's trigger samples should keep the whole value: $(grep -m3 sample watched.json)"
import json, sys
events = json.load(open(sys.argv[1]))
events = events["events"] if isinstance(events, dict) else events
triggers = [e for e in events if e.get("kind") == "sample" and "trigger" in json.dumps(e)]
assert triggers, "no trigger sample journaled"
assert all("3.237184907301121%" in json.dumps(e) for e in triggers)
PY
"$RUNBOOK" log --journal w.db >watched-log.txt 2>&1
grep -q '"error_rate":"3.24%"' watched-log.txt || fail "runbook log should round the trigger's sample: $(grep sample watched-log.txt)"
grep -q '3\.2371' watched-log.txt && fail "runbook log shows the full value: $(grep 3.2371 watched-log.txt)"

# A message is read by people: the numbers spliced into it are rounded, in
# the run and in the plan alike (the plan shows what will be said); a command
# gets the whole value.
cat >message.rb <<'EOF2'
runbook "Message numbers"
param base: percent = 0.3%
metric error_rate = sh "echo 3.237184907301121" unit %
phase "Check" on fail stop {
  let limit = base / 3
  log "limit ${limit}, error rate ${error_rate}"
  sh "echo ${limit} > spliced"
}
EOF2
"$RUNBOOK" run message.rb --journal m.db --yes </dev/null >message.txt 2>&1 || fail "the message run failed: $(cat message.txt)"
grep -q "limit 0.1%, error rate 3.24%" message.txt || fail "the log message should round its numbers: $(cat message.txt)"
[ "$(cat spliced)" = "0.09999999999999999%" ] || fail "the command should get the whole value, got $(cat spliced)"
"$RUNBOOK" plan message.rb >message-plan.txt 2>&1
grep -q 'log "limit 0.1%, error rate ${error_rate}"' message-plan.txt ||
   fail "the plan should show the message as the run will say it: $(grep log message-plan.txt)"

echo "numbers for people: rounded in text, whole in JSON and splices; $failures failures"
[ "$failures" -eq 0 ]
