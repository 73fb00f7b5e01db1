#!/usr/bin/env bash
# The review of a pull request that changes runbooks, as CI runs it
# (contrib/github/runbook-review.yml calls this; docs/review.md):
#
#   contrib/ci/runbook-review.sh BASE [OUT]
#
# For every runbook under runbooks/ that differs from BASE (a revision: the
# pull request's base branch), `runbook check`, `runbook fmt --check` (the
# diff that would format it), then `runbook review --git BASE FILE` (what
# changes, the scenario tests, every failure path); everything
# goes to OUT (default review.md) as one Markdown comment. Exit 0 when every
# changed runbook checks and is formatted, its tests pass and every path ends
# safe; 1 when not;
# 2 for bad usage. RUNBOOK names the binary (default: runbook on PATH).
set -uo pipefail
base=${1:?usage: runbook-review.sh BASE [OUT]}
out=${2:-review.md}
runbook=${RUNBOOK:-runbook}
git rev-parse --verify --quiet "$base^{commit}" >/dev/null || { echo "runbook-review: no revision $base" >&2; exit 2; }

mapfile -t changed < <(git diff --name-only --diff-filter=AMR "$base" -- 'runbooks/*.rb' 'runbooks/**/*.rb' | sort -u)
tests=()
[ -d runbooks/tests ] && tests=(--tests runbooks/tests)
status=0
{
   echo "# Runbook review"
   echo
   if ((${#changed[@]} == 0)); then
      echo "No runbook changed against \`$base\`."
   fi
   for file in "${changed[@]}"; do
      if ! check=$("$runbook" check "$file" 2>&1); then
         printf '## `%s` does not check\n\n```\n%s\n```\n\n' "$file" "$check"
         status=1
         continue
      fi
      if ! layout=$("$runbook" fmt --check --diff "$file" 2>&1); then
         printf '## `%s` is not formatted

Run `runbook fmt %s`; it would change:

```diff
%s
```

' "$file" "$file" "$layout"
         status=1
      fi
      if git cat-file -e "$base:$file" 2>/dev/null; then
         "$runbook" review --git "$base" "$file" "${tests[@]}" || status=1
      else
         # A new runbook has no old side: its plan is the change.
         printf '## New runbook `%s`\n\n' "$file"
         "$runbook" plan "$file" --format markdown || status=1
         echo
         "$runbook" verify "$file" --format markdown || status=1
      fi
      echo
   done
} >"$out"
exit "$status"
