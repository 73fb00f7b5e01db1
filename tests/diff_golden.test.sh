#!/usr/bin/env bash
# Golden test of `runbook diff` (plan/diff.hpp, docs/plan.md "Reviewing a change"):
# for every tests/diffs/NAME/ holding old.rb and new.rb, the diff in text,
# Markdown and JSON is compared with NAME/expected.{txt,md,json}. Then:
# a file against itself is "no change"; an invalid side exits 2 naming it.
#
#   UPDATE_GOLDEN=1 bash tests/diff_golden.test.sh    # rewrite the golden files
set -uo pipefail
RUNBOOK=${RUNBOOK:?set RUNBOOK to the runbook binary}
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SOURCE_DIR"
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT

for dir in tests/diffs/*/; do
   dir=${dir%/}
   for format in text:txt markdown:md json:json; do
      expected=$dir/expected.${format#*:}
      "$RUNBOOK" diff "$dir/old.rb" "$dir/new.rb" --format "${format%:*}" >"$actual" 2>&1
      code=$?
      [ "$code" = 0 ] || { fail "$dir ${format%:*}: exit $code: $(cat "$actual")"; continue; }
      if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$actual" "$expected"
      elif ! diff -u "$expected" "$actual"; then fail "$dir ${format%:*} differs from $expected"; fi
   done
done

out=$("$RUNBOOK" diff runbooks/rollout.rb runbooks/rollout.rb 2>&1) || fail "rollout.rb against itself: exit $?"
grep -q "no change in what the runbook does" <<<"$out" || fail "rollout.rb against itself: $out"

# --git REV FILE: the old side from git, the same diff as the two files give.
repo=$(mktemp -d)
cp tests/diffs/canary/old.rb "$repo/canary.rb"
git -C "$repo" init -q && git -C "$repo" -c user.name=t -c user.email=t@t add canary.rb &&
   git -C "$repo" -c user.name=t -c user.email=t@t commit -q -m old || fail "could not make a git repository"
cp tests/diffs/canary/new.rb "$repo/canary.rb"
out=$("$RUNBOOK" diff --git HEAD "$repo/canary.rb" 2>&1) || fail "--git HEAD: exit $?: $out"
[ "$(tail -n +2 <<<"$out")" = "$(tail -n +2 tests/diffs/canary/expected.txt)" ] ||
   fail "--git HEAD differs from the two-file diff: $(diff <(tail -n +2 <<<"$out") <(tail -n +2 tests/diffs/canary/expected.txt))"
head -1 <<<"$out" | grep -q "^HEAD:$repo/canary.rb -> " || fail "--git names the old side: $(head -1 <<<"$out")"
out=$("$RUNBOOK" diff --git no-such-rev "$repo/canary.rb" 2>&1); code=$?
[ "$code" = 2 ] && grep -q "has no revision 'no-such-rev'" <<<"$out" || fail "--git with an unknown revision: exit $code: $out"
out=$("$RUNBOOK" diff --git HEAD "$actual" 2>&1); code=$?
[ "$code" = 2 ] && grep -q "not inside a git work tree" <<<"$out" || fail "--git outside a work tree: exit $code: $out"
rm -rf "$repo"

printf 'runbook "Broken"\nphase "P" {\n  wait nonsense\n}\n' >"$actual.rb"
out=$("$RUNBOOK" diff tests/diffs/canary/old.rb "$actual.rb" 2>&1); code=$?
rm -f "$actual.rb"
[ "$code" = 2 ] || fail "an invalid new side: exit $code, expected 2: $out"
grep -q "does not check; nothing was compared" <<<"$out" || fail "an invalid new side is not named: $out"

[ "$failures" = 0 ] && echo "runbook diff: goldens and edge cases agree"
exit $((failures > 0))
