#!/usr/bin/env bash
# `runbook verify` end to end (docs/verify.md): exit codes, a counterexample
# that needs --depth 2, reproductions written by --out that `runbook simulate`
# replays to the same end, the markdown report, a rollback over its `within`
# deadline, an `undo all` that leaves a step not undone, and invalid input.
# tests/unit/verify_test.cpp covers each fault class and property in depth,
# and the unsafe endings of tests/fixtures/rollout-before-failure-paths.rb.
set -euo pipefail
cd "${SOURCE_DIR:?}"
: "${RUNBOOK:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

fail() { echo "verify.test: $*" >&2; exit 1; }
# Runs a command with its output in $1 and prints its exit status (this
# script stops on every other failure).
exit_of() { local to=$1; shift; "$@" >"$to" && echo 0 || echo $?; }

echo "== single faults: safe; a second fault in the rollback: unsafe"
"$RUNBOOK" verify tests/fixtures/verify/rollback-step-fails.rb --jobs 2 >"$out/depth1.txt" || fail "depth 1 should be safe: $(cat "$out/depth1.txt")"
grep -q 'Every path ended safe.' "$out/depth1.txt" || fail "no verdict line"
status=$(exit_of "$out/depth2.txt" "$RUNBOOK" verify tests/fixtures/verify/rollback-step-fails.rb --depth 2 --jobs 2 --out "$out/repro")
cat "$out/depth2.txt"
[ "$status" -eq 1 ] || fail "expected exit 1 at depth 2, got $status"
grep -q 'broken: the rollback notifies' "$out/depth2.txt" || fail "the silent rollback is not reported"
repro=$(ls "$out"/repro/*.scenario | head -1)
[ -n "$repro" ] || fail "no reproduction written"
status=$(exit_of "$out/sim.txt" "$RUNBOOK" simulate tests/fixtures/verify/rollback-step-fails.rb --scenario "$repro")
[ "$status" -eq 4 ] || fail "the reproduction should end with the rollback failed (exit 4), got $status: $(cat "$out/sim.txt")"

echo "== a canary that stops in place: markdown for a PR"
status=$(exit_of "$out/canary.md" "$RUNBOOK" verify tests/fixtures/verify/stops-in-place.rb --jobs 2 --format markdown)
cat "$out/canary.md"
[ "$status" -eq 1 ] || fail "expected exit 1, got $status"
grep -q '^| fault class | explored | safe | unsafe |$' "$out/canary.md" || fail "no class table"
grep -q 'Shift 50% of traffic to green?' "$out/canary.md" || fail "the declined approval is not reported"
grep -q 'traffic ends split: blue 50% / green 50%' "$out/canary.md" || fail "the split left by the failing smoke test is not reported"

echo "== a rollback over its deadline (exit 1); the same with a generous one (safe)"
status=$(exit_of "$out/overrun.txt" "$RUNBOOK" verify tests/fixtures/verify/rollback-overruns.rb --jobs 2)
cat "$out/overrun.txt"
[ "$status" -eq 1 ] || fail "expected exit 1 for the rollback over its deadline, got $status"
grep -q 'broken: rollback ends within its deadline: rollback restore took 10m to run its steps (its deadline: 5m)' "$out/overrun.txt" ||
   fail "the rollback over its deadline is not reported"
"$RUNBOOK" verify tests/fixtures/verify/rollback-overruns.rb -p budget=15m --jobs 2 >"$out/generous.txt" ||
   fail "a 15m deadline should be safe: $(cat "$out/generous.txt")"
grep -q 'Every path ended safe.' "$out/generous.txt" || fail "no verdict line with a 15m deadline"

echo "== a rollback that gives up on purpose past its deadline: safe when its overrun action tells people, not when nobody is told"
"$RUNBOOK" verify tests/fixtures/verify/rollback-gives-up-told.rb --depth 2 --jobs 2 >"$out/told.txt" ||
   fail "giving up on purpose after telling people should be safe: $(cat "$out/told.txt")"
grep -q '7 paths (depth 2), 7 safe, 0 unsafe' "$out/told.txt" || fail "the told variant explored other paths: $(head -1 "$out/told.txt")"
status=$(exit_of "$out/silent.txt" "$RUNBOOK" verify tests/fixtures/verify/rollback-gives-up-silent.rb --depth 2 --jobs 2)
[ "$status" -eq 1 ] || fail "expected exit 1 for the silent rollback past its deadline, got $status"
[ "$(grep -c 'broken: rollback ends within its deadline: rollback restore took 15m to run its steps (its deadline: 5m)' "$out/silent.txt")" -eq 2 ] ||
   fail "the silent overrun is not reported on both paths: $(cat "$out/silent.txt")"

echo "== undo all: every undo runs one fault deep (safe); a failing undo leaves a step not undone (exit 1)"
"$RUNBOOK" verify tests/fixtures/verify/undo-all.rb --jobs 2 >"$out/undo1.txt" || fail "depth 1 should be safe: $(cat "$out/undo1.txt")"
grep -q 'Every path ended safe.' "$out/undo1.txt" || fail "no verdict line for undo all at depth 1"
status=$(exit_of "$out/undo2.txt" "$RUNBOOK" verify tests/fixtures/verify/undo-all.rb --depth 2 --jobs 2)
cat "$out/undo2.txt"
[ "$status" -eq 1 ] || fail "expected exit 1 for the undo that fails, got $status"
grep -q 'broken: undo all compensates every completed step: rollback step_back ended .* not run (its `undo all` stopped short): deploy/1$' "$out/undo2.txt" ||
   fail "the step left not undone is not reported"

echo "== invalid input exits 2"
set +e
"$RUNBOOK" verify tests/fixtures/verify/p1-dropped.rb --depth 3 >/dev/null 2>&1; s1=$?
"$RUNBOOK" verify tests/fixtures/verify/p1-dropped.rb -p nope=1 >/dev/null 2>&1; s2=$?
set -e
[ "$s1" -eq 2 ] || fail "--depth 3 should exit 2, got $s1"
[ "$s2" -eq 2 ] || fail "an unknown param should exit 2, got $s2"
echo ok
