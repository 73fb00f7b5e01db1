#!/usr/bin/env bash
# `--params FILE` (docs/profiles.md, language gap 12): a profile gives the
# same plan as the `-p` flags scripts/profile-params.sh makes from it, `-p`
# wins over the file, names a runbook does not declare are skipped, and a
# malformed line, a bad value, a secret or a missing file is refused (exit 2)
# with FILE:LINE. simulate and run read it too, and the run journals the
# profile's values so that `resume` keeps them.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
: "${SOURCE_DIR:?}"
profile=$SOURCE_DIR/runbooks/profiles/sandbox.params

for runbook in rollout emergency-rollback planned-rollback; do
   rb=$SOURCE_DIR/runbooks/$runbook.rb
   mapfile -t flags < <("$SOURCE_DIR/scripts/profile-params.sh" "$profile" "$rb")
   "$RUNBOOK" plan "$rb" "${flags[@]}" >flags.txt 2>&1
   "$RUNBOOK" plan "$rb" --params "$profile" >file.txt 2>&1
   cmp -s flags.txt file.txt || fail "$runbook: --params gives another plan than its -p flags: $(diff flags.txt file.txt | head)"
done

"$RUNBOOK" plan "$SOURCE_DIR/runbooks/rollout.rb" --params "$profile" -p api=http://wins.test >wins.txt 2>&1
grep -q 'api = "http://wins.test"' wins.txt || fail "-p should win over the file: $(grep 'api =' wins.txt)"
grep -q 'lb = "http://127.0.0.1:8765"' wins.txt || fail "the file's other values should stay"

cat >tiny.rb <<'EOF'
runbook "Tiny"
param greeting: string = "hello"
param soak: duration = 1m
secret token = env("TINY_TOKEN")
phase "Say" {
  sh "echo ${greeting} > said.txt"
  wait soak
}
EOF
refused() {   # refused NAME EXPECTED-MESSAGE, with the profile in NAME.params
   "$RUNBOOK" check tiny.rb --params "$1.params" >"$1.out" 2>&1
   local status=$?
   [ $status -eq 2 ] || fail "$1: expected exit 2, got $status: $(cat "$1.out")"
   grep -qF -- "$2" "$1.out" || fail "$1: expected \"$2\" in: $(cat "$1.out")"
}
printf 'greeting = hi\nsoak = 5\n' >bad-value.params
refused bad-value "bad-value.params:2: soak = 5: expected a duration"
printf '# a comment\ngreeting hi\n' >malformed.params
refused malformed 'malformed.params:2: expected `name = value`'
printf 'token = abc\n' >secret.params
refused secret "secret.params:1: 'token' is a secret"
grep -q abc secret.out && fail "the refused secret's value is echoed: $(cat secret.out)"
refused absent "--params absent.params: cannot read the file"

# A profile for many runbooks: names this one does not declare are skipped.
printf 'greeting = from the profile  # a comment\nsoak = 1s\nlb = http://elsewhere.test\n' >good.params
"$RUNBOOK" check tiny.rb --params good.params >check.txt 2>&1 || fail "a profile with other runbooks' names should check: $(cat check.txt)"

export TINY_TOKEN=t0ken
"$RUNBOOK" run tiny.rb --params good.params --journal j.db --yes </dev/null >run.txt 2>&1 || fail "run with --params failed: $(cat run.txt)"
[ "$(cat said.txt 2>/dev/null)" = "from the profile" ] || fail "run did not use the profile's value: $(cat said.txt 2>/dev/null)"
sqlite3 j.db "SELECT params_json FROM runs" | grep -q '"greeting":"from the profile"' ||
   fail "the profile's value is not journaled: $(sqlite3 j.db 'SELECT params_json FROM runs')"

cat >tiny.scenario <<'EOF'
scenario "The profile's soak"
runbook "tiny.rb"
expect outcome completed
expect exit 0
EOF
"$RUNBOOK" simulate tiny.rb --scenario tiny.scenario --params good.params >sim.txt 2>&1 || fail "simulate with --params failed: $(cat sim.txt)"
grep -q "from the profile" sim.txt || fail "simulate did not use the profile's value: $(cat sim.txt)"

exit $((failures > 0))
