#!/usr/bin/env bash
# Prints the `-p name=value` flags of a profile (runbooks/profiles/*.params)
# for the params one runbook declares, one flag per line, so that
#   mapfile -t flags < <(scripts/profile-params.sh runbooks/profiles/sandbox.params runbooks/rollout.rb)
#   runbook run runbooks/rollout.rb "${flags[@]}"
# works until the CLI reads profiles itself (docs/language-gaps.md, item 12).
# Values are passed through unchanged, spaces included.
set -euo pipefail
if [ $# -ne 2 ]; then
   echo "usage: $0 PROFILE.params RUNBOOK.rb" >&2
   exit 2
fi
profile=$1
runbook=$2
declared=$(sed -n 's/^[[:space:]]*param[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$runbook")
while IFS= read -r line || [ -n "$line" ]; do
   line=${line%%#*}
   [[ $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]] || continue
   name=${BASH_REMATCH[1]}
   value=${BASH_REMATCH[2]}
   if grep -qx "$name" <<<"$declared"; then
      printf -- '-p\n%s=%s\n' "$name" "$value"
   fi
done <"$profile"
