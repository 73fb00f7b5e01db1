#!/usr/bin/env bash
# Every Catch2 test case is a ctest of its own, under its exact name.
#
# catch_discover_tests registers one ctest per name that the test binary
# lists; a `;` in a TEST_CASE name is a list separator to CMake and splits it
# into two cut-off names that match no test case. Such a ctest runs nothing
# (it fails only thanks to `-w NoTests`), and the test case it stood for runs
# in no stage: twice fixed, twice back. This compares, for each test binary,
# the names it declares with the names ctest registered, one for one.
set -uo pipefail
: "${BUILD_DIR:?}" "${UNIT_TESTS:?}" "${INTEGRATION_TESTS:?}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The names ctest knows, from `ctest -N` ("  Test  #12: unit: parser ...").
ctest --test-dir "$BUILD_DIR" -N | sed -n 's/^ *Test *#[0-9]*: //p' >"$work/registered"

check_binary()
{
   local prefix=$1 binary=$2
   "$binary" --list-test-names-only | sed '/^$/d' >"$work/declared"
   local declared
   declared=$(wc -l <"$work/declared")
   [ "$declared" -gt 0 ] || fail "$binary lists no test cases"
   if grep -n ';' "$work/declared" >"$work/semicolons"; then
      fail "a TEST_CASE name holds a ';' (CMake splits it; rename it): $(cat "$work/semicolons")"
   fi
   sed "s/^/$prefix/" "$work/declared" | sort >"$work/expected"
   grep "^$prefix" "$work/registered" | sort >"$work/got"
   if ! diff "$work/expected" "$work/got" >"$work/diff"; then
      fail "ctest's ${prefix}tests differ from the test cases $binary declares (< declared, > registered):"
      cat "$work/diff" >&2
   fi
   echo "$prefix $declared test cases declared, $(wc -l <"$work/got") registered"
}

check_binary "unit:" "$UNIT_TESTS"
check_binary "integration:" "$INTEGRATION_TESTS"

[ "$failures" -eq 0 ]
