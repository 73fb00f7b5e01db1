#!/usr/bin/env bash
# Layers point down, never up (docs/architecture.md, "What may depend on what").
#
# Each folder of interpreter/ has a level; a file may include headers of its
# own folder and of folders on a lower level, never of a folder on its own
# level or above. Any such #include fails this test, naming file and line.
set -uo pipefail
SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SOURCE_DIR/interpreter"

# Bottom to top; folders on one line are siblings that know nothing of each other.
levels=(
   "syntax io journal"
   "check metrics"
   "plan exec"
   "view simulate"
   "verify lsp"
   "serve"
   "cli"
)
declare -A level
for i in "${!levels[@]}"; do
   for folder in ${levels[$i]}; do level[$folder]=$i; done
done

failures=0
checked=0
for dir in */; do
   folder=${dir%/}
   if [ -z "${level[$folder]+set}" ]; then
      echo "FAIL: interpreter/$folder/ has no level in tests/layers.test.sh (and docs/architecture.md)"
      failures=$((failures + 1))
      continue
   fi
   while IFS=: read -r file line include; do
      target=$(sed -n 's/^#include "\([a-z_]*\)\/.*/\1/p' <<<"$include")
      [ -n "$target" ] && [ "$target" != "$folder" ] || continue
      checked=$((checked + 1))
      if [ -z "${level[$target]+set}" ]; then
         echo "FAIL: $file:$line includes $target/, a folder with no level"
         failures=$((failures + 1))
      elif [ "${level[$target]}" -ge "${level[$folder]}" ]; then
         echo "FAIL: $file:$line: $folder/ (level ${level[$folder]}) includes $target/ (level ${level[$target]}): $include"
         failures=$((failures + 1))
      fi
   done < <(grep -rnE '^#include "[a-z_]+/' "$folder" --include=*.cpp --include=*.hpp)
done

echo "layers: $checked includes across folders checked, $failures upward"
[ "$checked" -gt 0 ] && [ "$failures" -eq 0 ]
