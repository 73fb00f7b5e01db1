# The start of a script test that works in a scratch folder. Source it right
# after `set -uo pipefail`: it checks that RUNBOOK is set, makes the folder,
# enters it and removes it at exit, and defines fail(), which counts a
# failure and goes on (the test ends with `exit $((failures > 0))`).
# A test with more to clean up (a process it started) sets cleanup_extra to
# a command; it runs before the folder is removed.
: "${RUNBOOK:?set RUNBOOK to the runbook binary}"

work=$(mktemp -d)
cleanup_extra=:
trap 'eval "$cleanup_extra"; rm -rf "$work"' EXIT
cd "$work" || exit 2
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
