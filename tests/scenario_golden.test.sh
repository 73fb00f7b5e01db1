#!/usr/bin/env bash
# Golden test of scenario diagnostics: for every tests/invalid-scenarios/NAME.scenario,
# runs `runbook test invalid-scenarios/NAME.scenario` from tests/ (or the
# command line in NAME.cmd) and compares what it printed (stderr, stdout,
# exit code) with NAME.expected. The scenarios rehearse
# tests/invalid-scenarios/target.rb.
#
#   UPDATE_GOLDEN=1 bash tests/scenario_golden.test.sh    # rewrite the .expected files
set -uo pipefail

RUNBOOK=${RUNBOOK:?set RUNBOOK to the runbook binary}
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SOURCE_DIR/tests"
source support/golden.sh

for scenario in invalid-scenarios/*.scenario; do
   name=${scenario%.scenario}
   case_args "$name" test "$scenario"
   golden_case "$name.expected" "${CASE_ARGS[@]}"
done

if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
   echo "rewrote $golden_count expected files"
   exit 0
fi
echo "$golden_count invalid scenarios compared, $golden_failures failed"
[[ $golden_failures == 0 ]]
