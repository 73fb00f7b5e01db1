#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, then
#   1. builds with warnings as errors and runs every test with ctest;
#   2. builds a second tree, build-asan, with AddressSanitizer and
#      UndefinedBehaviorSanitizer (-DRUNBOOK_SANITIZE=ON) and runs the unit
#      and integration tests there (leak detection on, first error fatal);
#   3. fuzzes the parser+checker and the scenario parser for 60 s each
#      (scripts/fuzz.sh; RUNBOOK_FUZZ_SECONDS=N to change, 0 to skip).
# Used by .ci/run (2 cores, 90 minutes including apt and builds); each stage
# prints its duration so the budget can be watched. Arguments go to the first
# ctest (e.g. -R crash_torture).
set -euo pipefail
cd "$(dirname "$0")/.."

stage_start=$SECONDS
stage_done() { echo "== $1: $((SECONDS - stage_start)) s"; stage_start=$SECONDS; }

bash scripts/setup.sh
stage_done "setup"

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUNBOOK_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
stage_done "build (-Werror)"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
stage_done "tests"

# Sanitizers. -O1 keeps ASan's reports readable and its build fast. Under
# ASan the script tests (tests/*.test.sh: goldens, crash torture, hostile
# world) are not rerun: they drive the binaries of the first tree, not this
# one, and the crash torture's timing assumes an unsanitized binary.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
   -DRUNBOOK_WERROR=ON -DRUNBOOK_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)" --target runbook runbook-sandbox runbook_unit_tests runbook_integration_tests
stage_done "build (ASan+UBSan)"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp:print_suppressions=0
ctest --test-dir build-asan --output-on-failure -j"$(nproc)" -R '^(unit|integration): '
stage_done "tests (ASan+UBSan)"
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

seconds=${RUNBOOK_FUZZ_SECONDS:-60}
if [ "$seconds" -gt 0 ]; then
   bash scripts/fuzz.sh --seconds "$seconds"
   stage_done "fuzzing (${seconds} s per target)"
fi
