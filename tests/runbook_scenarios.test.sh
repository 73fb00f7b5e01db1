#!/usr/bin/env bash
# `runbook test` over the shipped runbooks' scenarios must pass, and a
# scenario with a wrong expectation must be reported as a failure (non-zero
# exit, FAIL, and the first unmet expectation with its line).
set -euo pipefail
cd "${SOURCE_DIR:?}"
: "${RUNBOOK:?}"

echo "== runbook test runbooks/tests"
"$RUNBOOK" test runbooks/tests

echo "== runbook test tests/scenarios (failure routes, decisions, asks, soft checks and finally, undo of one step, watch windows, run end, status classes, time values, retried calls, a baseline read by a trigger, rates, a deadline action cut short, end-state invariants: small fixture runbooks)"
"$RUNBOOK" test tests/scenarios/failure-routes tests/scenarios/decisions tests/scenarios/soft-finally \
   tests/scenarios/ask tests/scenarios/undo-step tests/scenarios/watch-window tests/scenarios/run-end \
   tests/scenarios/status-class tests/scenarios/time-values tests/scenarios/call-retry tests/scenarios/baseline tests/scenarios/deadline-resume \
   tests/scenarios/rates tests/scenarios/ensure

echo "== a wrong expectation is a failure"
set +e
out=$("$RUNBOOK" test tests/scenarios/wrong-expectation.scenario)
status=$?
set -e
echo "$out"
if [ "$status" -ne 1 ]; then
   echo "expected exit 1 from a failing scenario, got $status" >&2
   exit 1
fi
grep -q '^FAIL   tests/scenarios/wrong-expectation.scenario  (rolled back via emergency (exit 3))$' <<<"$out" || {
   echo "the failing scenario's line is missing" >&2
   exit 1
}
grep -q 'wrong-expectation.scenario:13: expected outcome completed, but the run ended rolled back via emergency (exit 3)' <<<"$out" || {
   echo "the first unmet expectation is not reported" >&2
   exit 1
}

echo "== timers, signals, manual triggers, rollback deadlines, triggers at the end"
"$RUNBOOK" test tests/scenarios/timers

echo "== a rollback over its deadline fails 'rollback completed within'"
set +e
out=$("$RUNBOOK" test tests/scenarios/timers-wrong)
status=$?
set -e
echo "$out"
[ "$status" -eq 1 ] || { echo "expected exit 1, got $status" >&2; exit 1; }
grep -q 'expected rollback completed within 5m of the first trigger, but the first trigger was at T+00:40:00; the rollback completed at T+00:48:00, 8m later' <<<"$out" || {
   echo "the overrun is not reported" >&2
   exit 1
}

echo "== simulate is deterministic"
# Two simulations of the same rollback must both end as the scenario says
# (rolled back: exit 3, a JSON document) and print the same bytes: two
# identical crashes are not determinism.
scenario=runbooks/tests/rollout-error-spike-25.scenario
set +e
a=$("$RUNBOOK" simulate runbooks/rollout.rb --scenario "$scenario" --format json); a_status=$?
b=$("$RUNBOOK" simulate runbooks/rollout.rb --scenario "$scenario" --format json); b_status=$?
set -e
if [ "$a_status" -ne 3 ] || [ "$b_status" -ne 3 ]; then
   echo "the error-spike simulations exited $a_status and $b_status, expected 3 (rolled back) twice" >&2
   exit 1
fi
jq -e '.outcome.exit_code == 3' <<<"$a" >/dev/null || { echo "the simulation's JSON does not say exit 3: $a" >&2; exit 1; }
[ "$a" = "$b" ] || { echo "two simulations differ" >&2; exit 1; }
echo ok
