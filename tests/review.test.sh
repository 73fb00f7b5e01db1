#!/usr/bin/env bash
# `runbook review` and the CI script around it (contrib/ci/runbook-review.sh,
# docs/review.md), in a scratch git repository playing a pull request:
#   changed     a runbook edited on the branch: the comment holds its diff
#               (an inserted step read as an addition and a move), the
#               scenario tests that ran, and verify's table; the fixture has
#               unsafe paths, so the script exits 1
#   new         a runbook added on the branch: its plan and verify verdict
#   broken      a changed runbook that does not check: named with its
#               diagnostic, exit 1
#   unchanged   no runbook changed: said, exit 0
#   direct      `runbook review OLD NEW --no-verify` exits 0 when the tests pass
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
: "${SOURCE_DIR:?}"
script=$SOURCE_DIR/contrib/ci/runbook-review.sh
export RUNBOOK
git_() { git -c user.name=ci -c user.email=ci@example -c init.defaultBranch=main "$@"; }

git_ init -q repo && cd repo || exit 2
mkdir -p runbooks/tests
cp "$SOURCE_DIR/tests/diffs/canary/old.rb" runbooks/canary.rb
cp "$SOURCE_DIR/runbooks/validate-deployment.rb" runbooks/
cp "$SOURCE_DIR/runbooks/tests/validate-deployment-happy.scenario" runbooks/tests/
git_ add -A && git_ commit -q -m base
base=$(git rev-parse HEAD)

case_unchanged()
{
   bash "$script" "$base" review.md; local rc=$?
   [ "$rc" = 0 ] || fail "unchanged: exit $rc"
   grep -q "No runbook changed" review.md || fail "unchanged: $(cat review.md)"
}

case_changed()
{
   cp "$SOURCE_DIR/tests/diffs/canary/new.rb" runbooks/canary.rb
   bash "$script" "$base" review.md; local rc=$?
   [ "$rc" = 1 ] || fail "changed: exit $rc, expected 1 (the fixture has unsafe paths)"
   grep -q "### Runbook changes: \`$base:runbooks/canary.rb\` → \`runbooks/canary.rb\`" review.md ||
      fail "changed: no diff heading: $(head -5 review.md)"
   grep -q '| moved | `prepare/2 -> prepare/3` (Prepare)' review.md || fail "changed: the move is not shown"
   grep -q '| added | `prepare/2` (Prepare) |  | `sh "./check-database.sh"` |' review.md || fail "changed: the added step is not shown"
   grep -q "PASS   runbooks/tests/validate-deployment-happy.scenario" review.md || fail "changed: the scenario tests did not run"
   grep -q "### runbook verify \`runbooks/canary.rb\`: [0-9]* unsafe paths" review.md || fail "changed: no verify verdict"
   git checkout -q runbooks/canary.rb
}

case_new()
{
   cp "$SOURCE_DIR/runbooks/validate-deployment.rb" runbooks/validate-copy.rb
   git add runbooks/validate-copy.rb   # as the pull request's commit would
   bash "$script" "$base" review.md; local rc=$?
   grep -q '## New runbook `runbooks/validate-copy.rb`' review.md || fail "new: not reviewed as new: $(head -3 review.md)"
   grep -q "### runbook verify \`runbooks/validate-copy.rb\`" review.md || fail "new: no verify verdict"
   [ "$rc" = 0 ] || fail "new: exit $rc for a safe runbook"
   git rm -q -f runbooks/validate-copy.rb
}

case_broken()
{
   printf '\nphase "Extra" {\n  wait forever_and_a_day\n}\n' >>runbooks/canary.rb
   bash "$script" "$base" review.md; local rc=$?
   [ "$rc" = 1 ] || fail "broken: exit $rc"
   grep -q '## `runbooks/canary.rb` does not check' review.md && grep -q "forever_and_a_day" review.md ||
      fail "broken: $(cat review.md)"
   git checkout -q runbooks/canary.rb
}

case_unformatted()
{
   sed 's/^  \([a-z]\)/      \1/' "$SOURCE_DIR/runbooks/validate-deployment.rb" >runbooks/validate-messy.rb
   cmp -s runbooks/validate-messy.rb "$SOURCE_DIR/runbooks/validate-deployment.rb" && fail "unformatted: the copy is not messy"
   git add runbooks/validate-messy.rb
   bash "$script" "$base" review.md; local rc=$?
   [ "$rc" = 1 ] || fail "unformatted: exit $rc, expected 1"
   grep -q '## `runbooks/validate-messy.rb` is not formatted' review.md || fail "unformatted: not said: $(head -5 review.md)"
   grep -q '^+  ' review.md && grep -q '^-      ' review.md || fail "unformatted: no diff shown: $(cat review.md)"
   grep -q '## New runbook `runbooks/validate-messy.rb`' review.md || fail "unformatted: the review itself should still be there"
   git rm -q -f runbooks/validate-messy.rb
}

case_direct()
{
   local out rc
   out=$("$RUNBOOK" review runbooks/validate-deployment.rb runbooks/validate-deployment.rb --no-verify 2>&1); rc=$?
   [ "$rc" = 0 ] || fail "direct: exit $rc: $out"
   grep -q "No change in what the runbook does." <<<"$out" || fail "direct: $out"
   grep -q "### runbook verify: not run (--no-verify)" <<<"$out" || fail "direct: verify was run"
}

for case_name in ${CASES:-unchanged changed new broken unformatted direct}; do
   before=$failures
   "case_$case_name"
   [ "$failures" = "$before" ] && echo "ok: $case_name"
done
exit $((failures > 0))
