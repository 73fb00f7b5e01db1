#!/usr/bin/env bash
# runbook fmt (docs/fmt.md): the shipped runbooks and stdlib are formatted;
# --check names what would change and exits 1, --diff prints a unified diff
# that `patch` applies, a plain run rewrites in place (keeping the mode) and
# then --check passes, the step ids and plan survive, and a file that does
# not parse is reported with file:line:column, left alone, exit 2.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
: "${SOURCE_DIR:?}"

shipped=("$SOURCE_DIR"/runbooks/*.rb "$SOURCE_DIR"/stdlib/*.rb)
"$RUNBOOK" fmt --check "${shipped[@]}" >shipped.out 2>&1 ||
   fail "the shipped runbooks are not formatted (run runbook fmt on them): $(cat shipped.out)"

cat >messy.rb <<'EOF2'


# A messy runbook.
runbook   "Messy"     # the title
param  xs: list = [ 1,2 ,3 ]



phase "Deploy" {
      sh "echo 'a  b'  ${ xs }"  timeout 5m   
    for x in xs {
  log "x = ${x}"
    }
}
EOF2
cat >messy.expected <<'EOF2'
# A messy runbook.
runbook "Messy"       # the title
param xs: list = [1, 2, 3]

phase "Deploy" {
  sh "echo 'a  b'  ${ xs }" timeout 5m
  for x in xs {
    log "x = ${x}"
  }
}
EOF2
chmod 640 messy.rb
cp messy.rb messy.orig
"$RUNBOOK" plan messy.rb >plan.before 2>&1 || fail "the messy runbook should plan: $(cat plan.before)"

"$RUNBOOK" fmt --check messy.rb >check.out 2>&1
status=$?
[ $status -eq 1 ] || fail "--check on a messy file: expected exit 1, got $status"
[ "$(cat check.out)" = "messy.rb" ] || fail "--check should name the file: $(cat check.out)"
cmp -s messy.rb messy.orig || fail "--check changed the file"

"$RUNBOOK" fmt --diff messy.rb >diff.out 2>&1
status=$?
[ $status -eq 0 ] || fail "--diff: expected exit 0, got $status: $(cat diff.out)"
cmp -s messy.rb messy.orig || fail "--diff changed the file"
head -2 diff.out | grep -qx -- "--- messy.rb" || fail "--diff header: $(head -2 diff.out)"
grep -qx -- '-param  xs: list = \[ 1,2 ,3 \]' diff.out || fail "--diff lacks the old line: $(cat diff.out)"
grep -qx -- '+param xs: list = \[1, 2, 3\]' diff.out || fail "--diff lacks the new line: $(cat diff.out)"
cp messy.orig patched.rb
if command -v patch >/dev/null; then
   patch -s patched.rb <diff.out >patch.out 2>&1 || fail "patch could not apply the diff: $(cat patch.out)"
   cmp -s patched.rb messy.expected || fail "the diff, applied, is not the formatted file: $(diff patched.rb messy.expected)"
fi
"$RUNBOOK" fmt --check --diff messy.rb >both.out 2>&1
[ $? -eq 1 ] || fail "--check --diff should exit 1 on a messy file"
cmp -s both.out diff.out || fail "--check --diff should print the diff"

"$RUNBOOK" fmt messy.rb >fmt.out 2>&1
status=$?
[ $status -eq 0 ] || fail "fmt: expected exit 0, got $status: $(cat fmt.out)"
[ "$(cat fmt.out)" = "messy.rb: formatted" ] || fail "fmt should say what it rewrote: $(cat fmt.out)"
cmp -s messy.rb messy.expected || fail "formatted file differs from the expected layout: $(diff messy.rb messy.expected)"
[ "$(stat -c %a messy.rb)" = 640 ] || fail "fmt changed the file's mode to $(stat -c %a messy.rb)"
ls -a | grep -q '\.fmt-' && fail "fmt left a temporary file: $(ls -a)"
"$RUNBOOK" fmt --check messy.rb >recheck.out 2>&1 || fail "--check after fmt: $(cat recheck.out)"
"$RUNBOOK" fmt messy.rb >again.out 2>&1
[ -s again.out ] && fail "fmt of a formatted file should say nothing: $(cat again.out)"
# The same steps under the same ids: only lines moved (blank lines collapsed).
"$RUNBOOK" plan messy.rb >plan.after 2>&1
grep -o 'deploy/[0-9a-z/]*' plan.before >ids.before
grep -o 'deploy/[0-9a-z/]*' plan.after >ids.after
[ -s ids.before ] || fail "no step ids in the plan: $(cat plan.before)"
cmp -s ids.before ids.after || fail "step ids changed: $(diff ids.before ids.after)"

# A file that does not parse: diagnosed, untouched, exit 2; the others are still done.
printf 'runbook "Broken"\nphase "P" {\n   sh\n}\n' >broken.rb
cp broken.rb broken.orig
cp messy.orig other.rb
"$RUNBOOK" fmt broken.rb other.rb >broken.out 2>&1
status=$?
[ $status -eq 2 ] || fail "a file that does not parse: expected exit 2, got $status"
grep -q 'broken.rb:3:' broken.out || fail "expected a file:line:column diagnostic: $(cat broken.out)"
cmp -s broken.rb broken.orig || fail "fmt changed a file that does not parse"
cmp -s other.rb messy.expected || fail "the file after a broken one should still be formatted"
"$RUNBOOK" fmt --check broken.rb >/dev/null 2>&1
[ $? -eq 2 ] || fail "--check on a file that does not parse should exit 2"

exit $((failures > 0))
