#!/usr/bin/env bash
# Secrets never leak, and values never become shell syntax.
#
# 1. Every secret variable the shipped runbooks read holds a marker
#    (SECRET_MARKER_7f3a-<VAR>). We then produce every output runbook has:
#    check, plan (text, markdown, json) and graph of every shipped runbook;
#    simulate (text, markdown, json) of every shipped scenario; real runs of
#    every shipped runbook against runbook-sandbox with --output text and
#    json; runbook log, log --json, status, runs; the journal database with
#    its -wal file while a run is in progress (SIGKILLed, so the WAL stays)
#    and after the run. The marker must appear in none of them.
# 2. Hostile values from a parameter and from an HTTP response spliced into
#    `sh` commands: `$(touch X)`, `; touch X`, backticks, quotes, newlines.
#    No file is created and each value arrives byte for byte.
set -uo pipefail
source "$SOURCE_DIR/tests/support/rollout_env.sh"

marker=SECRET_MARKER_7f3a
work=$(mktemp -d)
trap 'sandbox_stop; rm -rf "$work"' EXIT
cd "$work"
mkdir out
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

secret_env "$marker"
export RUNBOOK_SANDBOX_TOKEN=$LB_ADMIN_TOKEN
sandbox_start "$work"

runbooks=("$SOURCE_DIR"/runbooks/*.rb)
[ "${#runbooks[@]}" -gt 0 ] || { echo "no shipped runbooks" >&2; exit 1; }

# ---- static outputs
for rb in "${runbooks[@]}"; do
   name=$(basename "$rb" .rb)
   profile_flags "$rb"
   "$RUNBOOK" check "$rb" >"out/$name.check" 2>&1
   "$RUNBOOK" check "$rb" --format json >"out/$name.check.json" 2>&1
   for format in text markdown json; do
      "$RUNBOOK" plan "$rb" "${PROFILE_FLAGS[@]}" --format "$format" >"out/$name.plan.$format" 2>&1
   done
   "$RUNBOOK" graph "$rb" --format mermaid >"out/$name.graph" 2>&1
done

# ---- simulate every shipped scenario, every format
for scenario in "$SOURCE_DIR"/runbooks/tests/*.scenario; do
   rb=$(sed -n 's/^runbook "\(.*\)"/\1/p' "$scenario" | head -1)
   [ -n "$rb" ] || continue
   rb=$(cd "$(dirname "$scenario")" && realpath -m "$rb")
   name=$(basename "$scenario" .scenario)
   for format in text markdown json; do
      "$RUNBOOK" simulate "$rb" --scenario "$scenario" --format "$format" >"out/$name.sim.$format" 2>&1
      rc=$?
      [ "$rc" -lt 128 ] || fail "simulate $name --format $format crashed (exit $rc)"
   done
done
"$RUNBOOK" test "$SOURCE_DIR/runbooks/tests" >out/test.txt 2>&1

# ---- real runs against the sandbox, both output formats
real_runs=0
for rb in "${runbooks[@]}"; do
   name=$(basename "$rb" .rb)
   profile_flags "$rb"
   for output in text json; do
      curl -sf -X POST "$SANDBOX_URL/sandbox/reset" >/dev/null
      db="$work/$name.$output.db"
      # dns-rollback needs the one param the profile cannot know (as in
      # tests/runbooks_sandbox.test.sh); without it, it stops at its first step.
      extra=()
      [ "$name" != dns-rollback ] || extra=(-p zone_id=ZSANDBOX)
      timeout 120 "$RUNBOOK" run "$rb" "${PROFILE_FLAGS[@]}" "${extra[@]}" --journal "$db" --yes --time-scale 600 \
         --output "$output" </dev/null >"out/$name.run.$output" 2>&1
      rc=$?
      # Every shipped runbook completes against the sandbox: a run that
      # failed early would have used (and could have leaked) nothing.
      # emergency-rollback.rb is one rollback block: its success is "rolled
      # back" (exit 3).
      want=0
      [ "$name" != emergency-rollback ] || want=3
      [ "$rc" = "$want" ] || { fail "runbook run $name --output $output: exit $rc, expected $want"; tail -5 "out/$name.run.$output" >&2; }
      run=$(sqlite3 "$db" "SELECT id FROM runs LIMIT 1" 2>/dev/null)
      [ -n "$run" ] || { fail "runbook run $name --output $output left no run in its journal"; continue; }
      real_runs=$((real_runs + 1))
      "$RUNBOOK" log "$run" --journal "$db" >"out/$name.$output.log" 2>&1
      "$RUNBOOK" log "$run" --journal "$db" --json >"out/$name.$output.log.json" 2>&1
      "$RUNBOOK" status "$run" --journal "$db" >"out/$name.$output.status" 2>&1
      "$RUNBOOK" runs --journal "$db" >"out/$name.$output.runs" 2>&1
      cp "$db" "out/$name.$output.db"
   done
done

# ---- the journal in the middle of a run: SIGKILL leaves the -wal file behind
profile_flags "$SOURCE_DIR/runbooks/rollout.rb"
curl -sf -X POST "$SANDBOX_URL/sandbox/reset" >/dev/null
"$RUNBOOK" run "$SOURCE_DIR/runbooks/rollout.rb" "${PROFILE_FLAGS[@]}" --journal "$work/mid.db" --yes \
   --time-scale 600 </dev/null >out/mid.run 2>&1 &
pid=$!
sleep 1.5
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
ls "$work"/mid.db* >/dev/null 2>&1 || fail "the mid-run journal was not created"
for f in "$work"/mid.db*; do cp "$f" "out/$(basename "$f").copy"; done
"$RUNBOOK" resume --journal "$work/mid.db" --yes --time-scale 600 --in-doubt redo </dev/null >out/mid.resume 2>&1

# ---- the check: the marker appears nowhere (binary-safe grep over everything)
[ "$(ls out | wc -l)" -gt 20 ] || fail "too few outputs were produced ($(ls out | wc -l))"
if grep -ral "$marker" out >leaks.txt; then
   fail "a secret marker appears in: $(tr '\n' ' ' <leaks.txt)"
   grep -ra -m3 "$marker" out >&2
fi
# The redacted values are there as *** (the secrets were really used), in the
# real runs' own output and journals, not only in the plans (which print
# *** for every secret whether or not anything ran).
[ "$real_runs" = $((${#runbooks[@]} * 2)) ] || fail "$real_runs real runs journaled, expected $((${#runbooks[@]} * 2))"
grep -qa '\*\*\*' out/*.run.* || fail "no *** in any real run's output: were the secrets used at all?"
grep -qa '\*\*\*' out/*.log.json || fail "no *** in any journaled run (runbook log --json): were the secrets used at all?"

# ---- injection: hostile values into sh, from a parameter and an HTTP body
cat >inject.rb <<'EOF'
runbook "Injection"
param value: string = "harmless"
param sandbox: string = "http://127.0.0.1:1"
phase "Splice" {
  sh "printf '%s' ${value} > from-param.txt"
  sh "printf '%s' \"${value}\" > from-param-double.txt"
  sh "printf '%s' 'v=${value}' > from-param-single.txt"
  http get "${sandbox}/sandbox/requests?path=/hooks/slack/" expect status 200 as resp
  sh "printf '%s' ${resp.json.requests[0].body.text} > from-http.txt"
  sh "printf '%s' \"v=${resp.json.requests[0].body.text}\" > from-http-double.txt"
  sh "printf '%s' '${resp.json.requests[0].body.text}' > from-http-single.txt"
}
EOF
hostile=$'$(touch pwned-subst) `touch pwned-backtick` ; touch pwned-semicolon | touch pwned-pipe && touch pwned-and \' " \\ \n touch pwned-newline ${IFS} * ?'
curl -sf -X POST "$SANDBOX_URL/sandbox/reset" >/dev/null
jq -n --arg t "$hostile" '{text: $t}' |
   curl -sf -X POST "$SANDBOX_URL/hooks/slack/inject" -H 'Content-Type: application/json' --data-binary @- >/dev/null ||
   fail "could not plant the hostile HTTP body"
"$RUNBOOK" run inject.rb -p "value=$hostile" -p "sandbox=$SANDBOX_URL" --journal inject.db --yes \
   </dev/null >out-inject.txt 2>&1
rc=$?
[ "$rc" = 0 ] || { fail "the injection runbook failed (exit $rc)"; cat out-inject.txt >&2; }
if ls pwned-* >/dev/null 2>&1; then fail "shell injection: created $(ls pwned-*)"; fi
[ "$(cat from-param.txt 2>/dev/null)" = "$hostile" ] || fail "the parameter did not arrive literally: $(cat from-param.txt 2>/dev/null)"
[ "$(cat from-http.txt 2>/dev/null)" = "$hostile" ] || fail "the HTTP value did not arrive literally: $(cat from-http.txt 2>/dev/null)"
# Inside "..." and '...' of the command too (issue 13: a " in the value used to close the quotes).
[ "$(cat from-param-double.txt 2>/dev/null)" = "$hostile" ] || fail "the parameter did not arrive literally inside \"...\": $(cat from-param-double.txt 2>/dev/null)"
[ "$(cat from-param-single.txt 2>/dev/null)" = "v=$hostile" ] || fail "the parameter did not arrive literally inside '...': $(cat from-param-single.txt 2>/dev/null)"
[ "$(cat from-http-double.txt 2>/dev/null)" = "v=$hostile" ] || fail "the HTTP value did not arrive literally inside \"...\": $(cat from-http-double.txt 2>/dev/null)"
[ "$(cat from-http-single.txt 2>/dev/null)" = "$hostile" ] || fail "the HTTP value did not arrive literally inside '...': $(cat from-http-single.txt 2>/dev/null)"

echo "secrets: $(ls out | wc -l) outputs searched for the marker; injection: $(printf '%s' "$hostile" | wc -c)-byte hostile value from -p and HTTP; $failures failures"
[ "$failures" -eq 0 ]
