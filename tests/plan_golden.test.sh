#!/usr/bin/env bash
# Golden test of `runbook plan` and `runbook graph`.
#
# For every shipped runbook (runbooks/*.rb) and every plan test runbook
# (tests/plans/*.rb), renders the plan in text, Markdown and JSON and
# compares each with tests/golden/plans/NAME.{txt,md,json}; tests/plans/*.rb
# are also drawn as Mermaid and DOT (NAME.mmd, NAME.dot). Flags in
# tests/golden/plans/NAME.args are passed to every command. Runs from the
# source root so that paths in the output are stable.
#
#   UPDATE_GOLDEN=1 bash tests/plan_golden.test.sh    # rewrite the golden files
set -uo pipefail

RUNBOOK=${RUNBOOK:?set RUNBOOK to the runbook binary}
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SOURCE_DIR"

golden=tests/golden/plans
failures=0
count=0
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT

compare() {   # compare NAME.EXT COMMAND...
   local expected=$golden/$1
   shift
   "$@" >"$actual" 2>&1
   local code=$?
   count=$((count + 1))
   if [[ $code != 0 ]]; then
      echo "FAIL $*: exit $code"
      cat "$actual"
      failures=$((failures + 1))
      return
   fi
   if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
      cp "$actual" "$expected"
   elif [[ ! -f $expected ]]; then
      echo "FAIL $*: no $expected (run with UPDATE_GOLDEN=1 and review it)"
      failures=$((failures + 1))
   elif ! diff -u "$expected" "$actual"; then
      echo "FAIL $*: output differs from $expected"
      failures=$((failures + 1))
   fi
}

for runbook in runbooks/*.rb tests/plans/*.rb; do
   [[ -f $runbook ]] || continue
   name=$(basename "${runbook%.rb}")
   args=()
   if [[ -f $golden/$name.args ]]; then read -r -a args < "$golden/$name.args"; fi
   compare "$name.txt" "$RUNBOOK" plan "$runbook" --format text "${args[@]}"
   compare "$name.md" "$RUNBOOK" plan "$runbook" --format markdown "${args[@]}"
   compare "$name.json" "$RUNBOOK" plan "$runbook" --format json "${args[@]}"
   if [[ $runbook == tests/plans/* ]]; then
      compare "$name.mmd" "$RUNBOOK" graph "$runbook" --format mermaid "${args[@]}"
      compare "$name.dot" "$RUNBOOK" graph "$runbook" --format dot "${args[@]}"
   fi
done

# Secrets never appear: the plan shows the secret's name, ${lb_token}, where it is used.
LB_TOKEN=hunter2-secret-value "$RUNBOOK" plan tests/plans/canary.rb --format json >"$actual" 2>&1
if grep -q hunter2 "$actual" || ! grep -q 'Bearer ${lb_token}' "$actual"; then
   echo "FAIL plan shows a secret's value, or does not show it by name"
   failures=$((failures + 1))
fi

# -p overrides a param (and is shown as such); an unknown param is a usage error.
"$RUNBOOK" plan tests/plans/canary.rb -p soak=1m -p 'steps=[50]' >"$actual" 2>&1
if ! grep -q '^  soak = 1m  (duration, -p)$' "$actual" || ! grep -q 'pct = 50' "$actual"; then
   echo "FAIL plan -p soak=1m -p steps=[50] did not use the values:"
   cat "$actual"
   failures=$((failures + 1))
fi
"$RUNBOOK" plan tests/plans/canary.rb -p sok=1m >"$actual" 2>&1
code=$?
if [[ $code != 2 ]] || ! grep -q "sok=1m: the runbook has no param 'sok' (did you mean 'soak'?)" "$actual"; then
   echo "FAIL plan -p sok=1m: exit $code, output:"
   cat "$actual"
   failures=$((failures + 1))
fi

[[ ${UPDATE_GOLDEN:-} == 1 ]] && { echo "rewrote $count golden files"; exit 0; }
echo "$count plan renderings compared, $failures failed"
[[ $failures == 0 ]]
