#!/usr/bin/env bash
# `runbook test` over the shipped runbooks' scenarios must pass, and a
# scenario with a wrong expectation must be reported as a failure (non-zero
# exit, FAIL, and the first unmet expectation with its line).
set -euo pipefail
cd "${SOURCE_DIR:?}"
: "${RUNBOOK:?}"

echo "== runbook test runbooks/tests"
"$RUNBOOK" test runbooks/tests

echo "== runbook test tests/scenarios (failure routes, decisions, soft checks and finally: small fixture runbooks)"
"$RUNBOOK" test tests/scenarios/failure-routes tests/scenarios/decisions tests/scenarios/soft-finally

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

echo "== simulate is deterministic"
a=$("$RUNBOOK" simulate runbooks/rollout.rb --scenario runbooks/tests/rollout-error-spike-25.scenario --format json || true)
b=$("$RUNBOOK" simulate runbooks/rollout.rb --scenario runbooks/tests/rollout-error-spike-25.scenario --format json || true)
[ "$a" = "$b" ] || { echo "two simulations differ" >&2; exit 1; }
echo ok
