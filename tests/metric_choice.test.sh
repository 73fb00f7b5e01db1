#!/usr/bin/env bash
# A metric's source chosen by a param (docs/language.md, "metric"; language
# gap 4): check, plan and run read the same alternative, decided from the
# params before the run. rollout.rb reads the monitoring API's HTTP endpoints
# by default and its PromQL queries with -p prometheus=URL.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
: "${SOURCE_DIR:?}"
rollout=$SOURCE_DIR/runbooks/rollout.rb

"$RUNBOOK" plan "$rollout" >http.txt 2>&1 || fail "plan of rollout.rb failed: $(head http.txt)"
[ "$(grep -c '= http GET .* (chosen by prometheus)$' http.txt)" = 9 ] ||
   fail "by default every metric of rollout.rb should read HTTP, chosen by prometheus: $(grep ' = ' http.txt | grep -i 'http GET\|prometheus ')"
grep -q '= prometheus ' http.txt && fail "no metric should read Prometheus by default: $(grep '= prometheus ' http.txt)"

"$RUNBOOK" plan "$rollout" -p prometheus=http://prom.test:9090 >prom.txt 2>&1 || fail "plan with -p prometheus failed: $(head prom.txt)"
[ "$(grep -c '= prometheus http://prom.test:9090 query .* (chosen by prometheus)$' prom.txt)" = 9 ] ||
   fail "with -p prometheus every metric should read its PromQL: $(grep ' = ' prom.txt | grep -i 'http GET\|prometheus ')"
grep -qF 'memory_growth [MB/min] = prometheus http://prom.test:9090 query "deriv(process_resident_memory_bytes[10m]) * 60 / 1048576"' prom.txt ||
   fail "the plan should show the memory growth query: $(grep memory_growth prom.txt)"
"$RUNBOOK" check "$rollout" -p prometheus=http://prom.test:9090 >check.txt 2>&1 || fail "check with -p prometheus failed: $(cat check.txt)"

# The run samples the alternative the plan shows.
cat >choice.rb <<'EOF2'
runbook "Choice"
param source = ""
metric level unit count {
  sh "echo 7" if source == "seven"
  sh "echo 3"
}
phase "Look" {
  assert level == 7 "the chosen source says 7"
}
on fail stop
EOF2
"$RUNBOOK" plan choice.rb -p source=seven >plan7.txt 2>&1
grep -q 'level \[count\] = sh "echo 7" (chosen by source)' plan7.txt || fail "plan should show the chosen source: $(grep level plan7.txt)"
"$RUNBOOK" run choice.rb -p source=seven --journal j.db --yes </dev/null >run7.txt 2>&1 || fail "run with -p source=seven should read 7: $(cat run7.txt)"
"$RUNBOOK" run choice.rb --journal j2.db --yes </dev/null >run3.txt 2>&1 && fail "run by default should read 3 and fail its assert: $(cat run3.txt)"
grep -q 'the chosen source says 7' run3.txt || fail "the default run should fail on the assert: $(cat run3.txt)"

exit $((failures > 0))
