#!/usr/bin/env bash
# `runbook serve` in a real browser (headless Chromium driven by
# chromium-driver and python3-selenium: tests/browser/serve_browser.py).
# The shipped rollout (runbooks/rollout.rb, sandbox profile, --time-scale 60)
# runs against runbook-sandbox with its journal served by `runbook serve`;
# the checklists and questions are answered from another terminal
# (`runbook approve`), as a team's other members would, except the ones the
# browser must see:
#   approve   the run waits at "Route 100% of traffic to green": the browser
#             sees it pending with the canary's conditions, signs in, approves
#             and watches the run complete. The journal must say alice
#             approved it, and the split must end green 100.
#   rollback  the run is held in the canary (a checklist left unanswered)
#             while the browser opens its page; the browser makes green fail
#             and releases the checklist, then must see the emergency rollback
#             appear live and the run roll back: blue 100.
# Screenshots of the run page at every moment are kept in
# $BUILD_DIR/test-artifacts/serve_browser/ (docs/serve.md shows one).
set -uo pipefail
source "$SOURCE_DIR/tests/support/rollout_env.sh"
source "$SOURCE_DIR/tests/support/scratch.sh"

# Debian's python3-selenium is a module of Debian's python3, which may not be
# the first python3 on PATH (a pyenv one, say).
debian_python=/usr/bin/python3
missing=""
for tool in chromium chromedriver "$debian_python"; do command -v "$tool" >/dev/null || missing+=" $tool"; done
"$debian_python" -c 'import selenium' 2>/dev/null || missing+=" python3-selenium"
if [ -n "$missing" ]; then
   # CI installs them (scripts/setup.sh): there a missing browser fails.
   if [ "${RUNBOOK_NO_SKIPS:-0}" = 1 ]; then echo "FAIL: not installed:$missing" >&2; exit 1; fi
   echo "serve_browser: not installed:$missing: skipped"; exit 77
fi

artifacts=${BUILD_DIR:-$work}/test-artifacts/serve_browser
rm -rf "$artifacts"; mkdir -p "$artifacts"
runner=""; server=""; answerer=""
cleanup_extra='kill $runner $server $answerer 2>/dev/null; wait $runner $server $answerer 2>/dev/null; sandbox_stop'

secret_env browser-secret
export RUNBOOK_SANDBOX_TOKEN=$LB_ADMIN_TOKEN RUNBOOK_OPERATOR=terminal-operator
sandbox_start "$work" || exit 1
profile_flags "$SOURCE_DIR/runbooks/rollout.rb"

token=browser-test-token-0123456789abcdef
echo "alice:$(echo "$token" | "$RUNBOOK" serve --hash-token)" >operators

journal() { sqlite3 -cmd ".timeout 5000" j.db "$1" 2>/dev/null; }

# Answers every pending checklist, approval and question yes (an ask: its
# first choice), except one whose text contains $hold while the file
# "held" exists.
answer_the_rest()
{
   local hold=$1 row run step kind inputs
   while :; do
      while IFS='|' read -r run step kind inputs; do
         [ -n "$step" ] || continue
         if [ -f held ] && [[ $inputs == *"$hold"* ]]; then continue; fi
         if [ "$kind" = ask ]; then
            "$RUNBOOK" approve "$run" "$step" --journal j.db --answer "$(jq -r '.choices[0]' <<<"$inputs")" >/dev/null 2>&1
         else
            "$RUNBOOK" approve "$run" "$step" --journal j.db >/dev/null 2>&1
         fi
      done < <(journal "SELECT run_id || '|' || step_id || '|' || kind || '|' || inputs_json FROM attempts
                        WHERE outcome IS NULL AND kind IN ('approve', 'checklist', 'ask')")
      sleep 0.2
   done
}

# Starts the rollout in a terminal of its own (questions need one) and
# waits until the journal has its run; sets run.
start_rollout()
{
   rm -f j.db.run
   python3 "$SOURCE_DIR/tests/live/pty_run.py" "$1.out" 120 "$RUNBOOK" run "$SOURCE_DIR/runbooks/rollout.rb" \
      "${PROFILE_FLAGS[@]}" -p answer_timeout=4h --journal j.db --time-scale 60 >/dev/null 2>&1 &
   runner=$!
   for _ in $(seq 1 100); do
      run=$(journal "SELECT id FROM runs WHERE status = 'running' ORDER BY started_at DESC LIMIT 1")
      [ -n "$run" ] && return 0
      sleep 0.1
   done
   fail "$1: the rollout did not start: $(tail -5 "$1.out")"; return 1
}

# The step the run started last.
current_step() { journal "SELECT step_id FROM events WHERE run_id = '$run' AND kind = 'step_started' ORDER BY seq DESC LIMIT 1"; }
# Waits (at most $2 s) until the run's current step starts with $1.
wait_for_step()
{
   for _ in $(seq 1 $(($2 * 10))); do
      [[ $(current_step) == $1* ]] && return 0
      sleep 0.1
   done
   fail "the run never reached $1 (it is at $(current_step))"; return 1
}

start_server()
{
   "$RUNBOOK" serve --journal j.db --listen 127.0.0.1:0 --operators operators >serve.out 2>serve.err &
   server=$!
   for _ in $(seq 1 100); do grep -q listening serve.out && break; sleep 0.1; done
   base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' serve.out)
   [ -n "$base" ] || { fail "serve did not say where it listens: $(cat serve.out serve.err)"; return 1; }
}

# ---- approve in the browser
curl -sf -X POST "$SANDBOX_URL/sandbox/reset" >/dev/null
touch held
answer_the_rest "Route 100% of traffic" &
answerer=$!
start_rollout approve || exit 1
start_server || exit 1
if wait_for_step full-production-rollout/ 180; then
   "$debian_python" "$SOURCE_DIR/tests/browser/serve_browser.py" approve "$base" "$run" alice "$token" "$artifacts/approve" ||
      fail "approve: the browser test failed (screenshots: $artifacts/approve)"
fi
wait "$runner"; rc=$?; runner=""
[ "$rc" = 0 ] || fail "approve: the rollout exited $rc: $(tail -5 approve.out)"
approval_step=$(journal "SELECT step_id FROM attempts WHERE run_id = '$run' AND kind = 'approve'
                         AND inputs_json LIKE '%Route 100\% of traffic%' ESCAPE '\'")
approval=$(journal "SELECT data_json FROM events WHERE run_id = '$run' AND kind = 'answer' AND step_id = '$approval_step'")
jq -e '.who | startswith("alice")' <<<"$approval" >/dev/null 2>&1 ||
   fail "approve: the journal does not name alice as the approver of $approval_step: ${approval:-no answer journaled}"
got=$(curl -sf "$SANDBOX_URL/api/traffic" | jq -c '{blue, green}')
[ "$got" = '{"blue":0,"green":100}' ] || fail "approve: the split ended $got, expected green 100"

# ---- a rollback appears live
curl -sf -X POST "$SANDBOX_URL/sandbox/reset" >/dev/null
kill "$answerer"; wait "$answerer" 2>/dev/null
touch held
answer_the_rest "Success criteria for 1% traffic" &
answerer=$!
start_rollout rollback || exit 1
if wait_for_step "canary-deployment/" 180; then
   RELEASE_FILE=$work/held "$debian_python" "$SOURCE_DIR/tests/browser/serve_browser.py" rollback "$base" "$run" "$SANDBOX_URL" \
      "$artifacts/rollback" || fail "rollback: the browser test failed (screenshots: $artifacts/rollback)"
fi
wait "$runner"; rc=$?; runner=""
[ "$rc" = 3 ] || fail "rollback: the rollout exited $rc, expected 3 (rolled back): $(tail -5 rollback.out)"
got=$(curl -sf "$SANDBOX_URL/api/traffic" | jq -c '{blue, green}')
[ "$got" = '{"blue":100,"green":0}' ] || fail "rollback: the split ended $got, expected blue 100"

ls "$artifacts"/*/*.png >/dev/null 2>&1 || fail "no screenshot was kept"
[ "$failures" = 0 ] && echo "ok: approved in a browser and watched a rollback live; screenshots in $artifacts"
exit $((failures > 0))
