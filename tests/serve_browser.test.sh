#!/usr/bin/env bash
# `runbook serve` in a headless Chromium (tests/live/serve_browser.py): a
# real run waiting at an approval is approved from the browser by a signed-in
# operator, and the page shows it finish, live. Screenshots are kept in
# $BUILD_DIR/test-artifacts/serve_browser/. Skipped (77) where Chromium,
# chromedriver or python3-selenium is missing (scripts/setup.sh installs them).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
pty_run() { python3 "$SOURCE_DIR/tests/live/pty_run.py" "$@"; }
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
   echo "serve_browser: chromium, chromedriver or python3-selenium missing: skipped"
   exit 77
fi
shots=${BUILD_DIR:-$work}/test-artifacts/serve_browser
rm -rf "$shots" && mkdir -p "$shots"

cat >waits.rb <<'EOF2'
runbook "Waits at an approval"
phase "Prepare" on fail stop {
  log "ready"
}
phase "Decide" on fail stop {
  approve "Start the rollout?" timeout 10m
  wait 2s
  sh "touch approved"
}
EOF2
token=0123456789abcdef0123456789abcdef
echo "alice:$(echo "$token" | "$RUNBOOK" serve --hash-token)" >operators
pty_run run.out 120 "$RUNBOOK" run waits.rb --journal j.db >/dev/null 2>&1 &
runner=$!
"$RUNBOOK" serve --journal j.db --listen 127.0.0.1:0 --operators operators >serve.out 2>serve.err &
server=$!
cleanup_extra='kill $runner $server 2>/dev/null; wait $runner $server 2>/dev/null'
for _ in $(seq 1 100); do grep -q listening serve.out && break; sleep 0.1; done
base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' serve.out)
[ -n "$base" ] || { fail "serve did not start: $(cat serve.err)"; exit 1; }
run=
for _ in $(seq 1 150); do
   "$RUNBOOK" status --journal j.db >status.txt 2>&1
   grep -q "step:    decide/1 (approve" status.txt && run=$(awk '/^run:/ {print $2}' status.txt) && break
   sleep 0.2
done
[ -n "$run" ] || { fail "the run never reached its approval: $(cat status.txt)"; exit 1; }

timeout 180 /usr/bin/python3 "$SOURCE_DIR/tests/live/serve_browser.py" "$base" "$run" "$token" "$shots" ||
   fail "the browser test failed (screenshots in $shots)"
wait $runner || fail "the run did not complete once approved from the browser"
[ -f approved ] || fail "the approval did not reach the run"
echo "serve_browser: $failures failures"
[ "$failures" -eq 0 ]
