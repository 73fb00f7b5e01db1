#!/usr/bin/env bash
# Golden test of `runbook check` on the invalid-input corpus.
#
# For every tests/invalid/NAME.rb, runs `runbook check invalid/NAME.rb`
# (plus the flags in NAME.args, if any; or the whole command line in NAME.cmd,
# for a diagnostic only another command reports) from tests/ and compares
# what it printed (stderr, stdout, exit code) with NAME.expected. The same
# check with `--format json` is compared with NAME.json.expected. A difference
# fails the test and shows the diff. tests/unit/diagnostic_codes_test.cpp
# makes sure every diagnostic code of the sources has a case here or in
# tests/invalid-scenarios/.
#
#   UPDATE_GOLDEN=1 bash tests/check_golden.test.sh    # rewrite the .expected files
set -uo pipefail

RUNBOOK=${RUNBOOK:?set RUNBOOK to the runbook binary}
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SOURCE_DIR/tests"
source support/golden.sh

for runbook in invalid/*.rb; do
   name=${runbook%.rb}
   case_args "$name" check "$runbook"
   golden_case "$name.expected" "${CASE_ARGS[@]}"
   # JSON diagnostics: one document on stdout, byte for byte.
   if [[ ${CASE_ARGS[0]} == check ]]; then
      golden_case "$name.json.expected" "${CASE_ARGS[@]}" --format json
   fi
done

if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
   echo "rewrote $golden_count expected files"
   exit 0
fi
echo "$golden_count outputs of the invalid runbooks compared, $golden_failures failed"
[[ $golden_failures == 0 ]]
