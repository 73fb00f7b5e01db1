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

echo "numbers for people: rounded in text, whole in JSON and splices; $failures failures"
[ "$failures" -eq 0 ]
