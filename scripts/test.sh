#!/usr/bin/env bash
# The whole test suite, from a fresh clone (what CI runs, .ci/run: 2 cores,
# 90 minutes including apt and builds). It installs what is missing, then
#   1. builds build/ with warnings as errors and runs every ctest not
#      labelled `long`;
#   2. builds build-asan/ with AddressSanitizer and UndefinedBehaviorSanitizer
#      (-DRUNBOOK_SANITIZE=ON) and runs the unit and integration tests there
#      (leak detection on, first error fatal);
#   3. fuzzes the parser+checker, the scenario parser, the sh splices,
#      runbook fmt and the language server, 60 s each
#      (scripts/fuzz.sh; clang + libFuzzer, build-fuzz/).
# Each stage prints its duration (`== stage: N s`); docs/testing.md lists
# what they measured.
#
#   RUNBOOK_TEST_FULL=1      the long mode: the `long` ctests too (among them
#                            `script: crash_torture_long`, 500 kills) and an
#                            hour of fuzzing per target
#   RUNBOOK_FUZZ_SECONDS=N   fuzz N s per target instead (0 skips stage 3)
#   RUNBOOK_SKIP_SANITIZE=1  skip stage 2 (a quick local run; CI never sets it)
# Arguments go to the first ctest (e.g. -R crash_torture).
#
# The suite proves what it ran: every ctest call fails when its filter matches
# no test (--no-tests=error), a test case whose discovered name matches nothing
# fails (-w NoTests, tests/CMakeLists.txt), and a script test that cannot run
# a case here fails instead of reporting it skipped (RUNBOOK_NO_SKIPS=1: CI
# can run everything; unset it locally to let ctest report such cases skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

stage_start=$SECONDS
stage_done() { echo "== $1: $((SECONDS - stage_start)) s"; stage_start=$SECONDS; }

full=${RUNBOOK_TEST_FULL:-0}
if [ "$full" = 1 ]; then
   fuzz_seconds=${RUNBOOK_FUZZ_SECONDS:-3600}
else
   fuzz_seconds=${RUNBOOK_FUZZ_SECONDS:-60}
fi
jobs=$(nproc)
export RUNBOOK_NO_SKIPS=${RUNBOOK_NO_SKIPS:-1}

bash scripts/setup.sh
stage_done "setup"

# How every tree here is built, to keep the three builds inside CI's budget
# (docs/testing.md, "Build cost"):
#   unity build   a few files compiled as one (CMAKE_UNITY_BUILD), so the
#                 heavy headers are parsed and their templates instantiated
#                 once per batch: a clean -Werror build went from 17m38s to
#                 8m08s on 2 cores;
#   -g1           line tables only: backtraces and sanitizer reports still
#                 name file and line, and each file compiles a quarter
#                 (-O2) to a third (-O1 with ASan) faster than with -g.
# Configure your own tree without them for debugging with full -g.
unity=-DCMAKE_UNITY_BUILD=ON

# Stage 1: the normal build, every test.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
   -DRUNBOOK_WERROR=ON "$unity" >/dev/null
cmake --build build -j"$jobs"
stage_done "build (-Werror)"
if [ "$full" = 1 ]; then
   ctest --test-dir build --output-on-failure --no-tests=error -j"$jobs" "$@"
else
   ctest --test-dir build --output-on-failure --no-tests=error -j"$jobs" -LE long "$@"
fi
stage_done "tests"

# Stage 2: the unit and integration tests under ASan + UBSan. -O1 keeps the
# reports readable and the build fast. The script tests (tests/*.test.sh) are
# not rerun here: they drive the binaries of build/, and the crash torture's
# timing assumes an unsanitized binary. The integration tests start this
# tree's own `runbook` and `runbook-sandbox`, so those run sanitized too.
if [ "${RUNBOOK_SKIP_SANITIZE:-0}" != 1 ]; then
   cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
      -DRUNBOOK_WERROR=ON -DRUNBOOK_SANITIZE=ON "$unity" >/dev/null
   cmake --build build-asan -j"$jobs" --target runbook runbook-sandbox runbook_unit_tests runbook_integration_tests
   stage_done "build (ASan+UBSan)"
   (
      export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0
      export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
      export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp:print_suppressions=0
      ctest --test-dir build-asan --output-on-failure --no-tests=error -j"$jobs" -R '^(unit|integration):'
   )
   stage_done "tests (ASan+UBSan)"
fi

# Stage 3: fuzzing (its own clang tree; a finding fails the run and is kept
# in tests/regressions/).
if [ "$fuzz_seconds" -gt 0 ]; then
   bash scripts/fuzz.sh --seconds "$fuzz_seconds"
   stage_done "fuzzing (${fuzz_seconds} s per target)"
fi
