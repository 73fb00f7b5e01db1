#!/usr/bin/env bash
# Golden test of `runbook check` on the invalid-input corpus.
#
# For every tests/invalid/NAME.rb, runs `runbook check invalid/NAME.rb`
# (plus the flags in NAME.args, if any) from tests/ and compares what it
# printed (stderr, stdout, exit code) with NAME.expected. A difference fails
# the test and shows the diff.
#
#   UPDATE_GOLDEN=1 bash tests/check_golden.test.sh    # rewrite the .expected files
set -uo pipefail

RUNBOOK=${RUNBOOK:?set RUNBOOK to the runbook binary}
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SOURCE_DIR/tests"

failures=0
count=0
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT

for runbook in invalid/*.rb; do
   name=${runbook%.rb}
   args=()
   if [[ -f $name.args ]]; then read -r -a args < "$name.args"; fi
   stdout=$("$RUNBOOK" check "$runbook" "${args[@]}" 2>"$actual.err")
   code=$?
   {
      cat "$actual.err"
      if [[ -n $stdout ]]; then printf -- '--- stdout\n%s\n' "$stdout"; fi
      printf -- '--- exit %s\n' "$code"
   } >"$actual"
   rm -f "$actual.err"
   count=$((count + 1))
   if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
      cp "$actual" "$name.expected"
      continue
   fi
   if [[ ! -f $name.expected ]]; then
      echo "FAIL $runbook: no $name.expected (run with UPDATE_GOLDEN=1 and review it)"
      failures=$((failures + 1))
   elif ! diff -u "$name.expected" "$actual"; then
      echo "FAIL $runbook: output differs from $name.expected"
      failures=$((failures + 1))
   fi
done

# JSON diagnostics: one document on stdout, exit 2.
json=$("$RUNBOOK" check --format json invalid/undefined-metric.rb 2>/dev/null)
code=$?
if [[ $code != 2 ]]; then
   echo "FAIL check --format json: exit $code, expected 2"
   failures=$((failures + 1))
fi
if ! grep -q '"undefined-name"' <<<"$json" || ! grep -q "did you mean 'error_rate'" <<<"$json"; then
   echo "FAIL check --format json: diagnostics missing from:"
   echo "$json"
   failures=$((failures + 1))
fi

if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
   echo "rewrote $count expected files"
   exit 0
fi
echo "$count invalid runbooks checked, $failures failed"
[[ $failures == 0 ]]
