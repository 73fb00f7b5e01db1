#!/usr/bin/env bash
# `runbook serve` over HTTP, with curl against a real server on a free port
# and a journal of real runs (a small runbook waiting at an approval):
# every page and endpoint; sign-in (a wrong name or token is refused alike);
# every action needs a signed-in operator and the session's CSRF token, is
# journaled with the operator's name, and moves the run on; hostile input in
# every parameter is escaped or refused; nothing outside the asset set is
# served; the secret the run holds appears in no page.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
pty_run() { python3 "$SOURCE_DIR/tests/live/pty_run.py" "$@"; }
command -v curl >/dev/null || { echo "serve: curl is not installed: skipped"; exit 77; }

marker=SERVE_SECRET_MARKER_91c2
export SERVE_SECRET=$marker
cat >waits.rb <<'EOF2'
runbook "Waits at an approval"
secret token = env("SERVE_SECRET")
signal resolved "The incident is resolved"
trigger security "Security issue found" manual severity P0 -> rollback emergency
phase "Prepare" on fail stop {
  sh "test -n '${token}'"
}
phase "Decide" arms security on fail stop {
  approve "Start the rollout?" timeout 10m
  sh "touch approved"
}
rollback emergency {
  sh "touch rolled-back"
}
EOF2
"$RUNBOOK" check waits.rb >check.txt 2>&1 || { cat check.txt; fail "the fixture does not check"; exit 1; }

token=0123456789abcdef0123456789abcdef
echo "alice:$(echo "$token" | "$RUNBOOK" serve --hash-token)" >operators
"$RUNBOOK" serve --hash-token <<<"short" >/dev/null 2>&1 && fail "--hash-token took a short token"

# A run waiting at its approval (a question needs a terminal: a pty). The
# runbook is its own lock: the runs below are one after the other.
pty_run run1.out 120 "$RUNBOOK" run waits.rb --journal j.db >/dev/null 2>&1 &
runner1=$!
"$RUNBOOK" serve --journal j.db --listen 127.0.0.1:0 --operators operators >serve.out 2>serve.err &
server=$!
cleanup_extra='kill $runner1 $server 2>/dev/null; wait $runner1 $server 2>/dev/null'

for _ in $(seq 1 100); do grep -q listening serve.out && break; sleep 0.1; done
base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' serve.out)
[ -n "$base" ] || { fail "serve did not say where it listens: $(cat serve.out serve.err)"; exit 1; }

# Waits until runs waiting at decide/1 number $1; leaves their ids in waiting.txt.
wait_for_waiting() {
   for _ in $(seq 1 150); do
      "$RUNBOOK" runs --journal j.db --json 2>/dev/null | python3 -c '
import json, sys
print("\n".join(r["id"] for r in json.load(sys.stdin) if r["status"] == "running" and r["current_step"] == "decide/1"))' >waiting.txt 2>/dev/null
      [ "$(grep -c . waiting.txt)" -ge "$1" ] && return 0
      sleep 0.2
   done
   return 1
}
wait_for_waiting 1 || { fail "the run never reached its approval: $(tail -c 600 run1.out)"; exit 1; }
run1=$(sed -n 1p waiting.txt)

# fetch NAME URL [curl args]: the body in pages/NAME, the status code on stdout.
mkdir pages
fetch() { local name=$1 url=$2; shift 2; curl -s -o "pages/$name" -w '%{http_code}' "$@" "$base$url"; }
expect() { local want=$1 got=$2 what=$3; [ "$got" = "$want" ] || fail "$what: HTTP $got, expected $want"; }

# ---- read-only pages
expect 200 "$(fetch runs /)" "the runs page"
grep -qF "$run1" pages/runs && grep -qF "Waits at an approval" pages/runs || fail "the runs page lacks the runs"
expect 200 "$(fetch running '/?status=running&runbook=waits')" "a filtered runs page"
grep -qF "$run1" pages/running || fail "the running filter lost a running run"
expect 200 "$(fetch completed '/?status=completed')" "the completed filter"
grep -qF "$run1" pages/completed && fail "the completed filter shows a running run"
expect 200 "$(fetch run1 "/runs/$run1")" "the run page"
for text in "Waiting for an answer" "decide/1" "Sign in to answer" "Phase" "2/2" "security" "Timeline" "Plan"; do
   grep -qF "$text" pages/run1 || fail "the run page lacks '$text'"
done
grep -q '<form method="post" action="/runs/' pages/run1 && fail "a page for nobody signed in offers actions"
expect 200 "$(fetch state1 "/runs/$run1/state")" "the state block"
grep -qF "Waiting for an answer" pages/state1 || fail "the state block lacks the question"
curl -s --max-time 2 -o pages/events "$base/runs/$run1/events?after=0"
grep -q "^event: journal" pages/events && grep -q "^id: 1$" pages/events || fail "the event stream sent no events"
curl -s --max-time 2 -o pages/events-after -H "Last-Event-ID: 3" "$base/runs/$run1/events"
grep -q "^id: 3$" pages/events-after && fail "the event stream resent an event before Last-Event-ID"
expect 200 "$(fetch css /assets/style.css)" "the style sheet"
expect 200 "$(fetch js /assets/live.js)" "the script"
expect 404 "$(fetch login-ro /nothing)" "an unknown page"

# ---- nothing outside the asset set
for path in /assets/ /assets/../../etc/passwd /assets/%2e%2e/%2e%2e/etc/passwd /etc/passwd /assets/style.css/ \
            /runs/ /runs/../../etc/passwd "/runs/..%2F..%2Fetc%2Fpasswd" "/runs/$run1/../../../etc/passwd" \
            "/runs/$run1/nothing" /favicon.ico /.runbook/journal.db /j.db; do
   code=$(curl -s --path-as-is -o pages/outside -w '%{http_code}' "$base$path")
   [ "$code" = 404 ] || [ "$code" = 400 ] || fail "$path: HTTP $code, expected 404"
   grep -q "root:" pages/outside && fail "$path served a file"
done

# ---- hostile input in every parameter: escaped on the page, or refused
hostile='<script>alert("x")</script>'"'"'"&'
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
h=$(enc "$hostile")
for url in "/?runbook=$h" "/?status=$h" "/runs/$h" "/runs/$run1?sent=$h" "/runs/$run1/events?after=$h" \
           "/runs/$run1/state?x=$h" "/runs/$run1/$h" "/login?x=$h" "/assets/$h"; do
   curl -s --max-time 2 -o pages/hostile "$base$url"
   grep -qF '<script>' pages/hostile && fail "$url: the page holds the raw markup"
done
curl -s -o pages/escaped -G --data-urlencode "runbook=$hostile" "$base/"
grep -qF '&lt;script&gt;' pages/escaped || fail "a hostile filter is not shown escaped"
huge=$(head -c 20000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' -G --data-urlencode "runbook=$huge" "$base/")
[ "$code" = 400 ] || [ "$code" = 414 ] || fail "a huge filter: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/runs/$huge")
[ "$code" = 404 ] || [ "$code" = 414 ] || fail "a huge run id: HTTP $code"

# ---- actions need a signed-in operator
for action in approve abort fire signal; do
   expect 401 "$(fetch "anon-$action" "/runs/$run1/$action" -d "step=decide/1&trigger=security&signal=resolved&csrf=x")" \
      "$action without signing in"
done

# ---- sign-in: a wrong token or a wrong name is refused alike
expect 403 "$(fetch bad-token /login -d "name=alice&token=wrong-token-0123456789")" "a wrong token"
expect 403 "$(fetch bad-name /login -d "name=mallory&token=$token")" "a wrong name"
cmp -s pages/bad-token pages/bad-name || fail "a wrong token and a wrong name are refused differently"
grep -qiE "token|name" <(grep -i refused pages/bad-token | sed 's/<[^>]*>//g' | grep -v "^Name\|^Token") &&
   fail "the refusal says which part was wrong"
expect 403 "$(fetch bad-empty /login -d "name=&token=")" "an empty sign-in"
expect 403 "$(fetch cross-site /login -H "Origin: http://evil.example" -d "name=alice&token=$token")" "a sign-in posted from another site"
expect 303 "$(fetch same-site /login -H "Origin: $base" -d "name=alice&token=$token")" "a sign-in posted from the console"
code=$(curl -s -o /dev/null -D headers.txt -w '%{http_code}' -d "name=alice&token=$token" "$base/login")
expect 303 "$code" "signing in"
cookie=$(sed -n 's/^Set-Cookie: \(runbook_session=[0-9a-f]*\).*/\1/ip' headers.txt | tr -d '\r')
grep -i "^Set-Cookie:" headers.txt | grep -q "HttpOnly" && grep -i "^Set-Cookie:" headers.txt | grep -q "SameSite=Strict" ||
   fail "the session cookie is not HttpOnly and SameSite=Strict: $(cat headers.txt)"
[ -n "$cookie" ] || { fail "no session cookie"; exit 1; }
expect 200 "$(fetch signed "/runs/$run1" -H "Cookie: $cookie")" "the run page signed in"
grep -qF "signed in as <b>alice</b>" pages/signed || fail "the page does not say who is signed in"
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' pages/signed | head -1)
[ -n "$csrf" ] || fail "no CSRF token in the signed-in page"

# ---- CSRF: missing or wrong, refused; nothing reaches the run
expect 403 "$(fetch no-csrf "/runs/$run1/approve" -H "Cookie: $cookie" -d "step=decide/1")" "approve without CSRF"
wrong_csrf=${csrf%?}$([ "${csrf: -1}" = 0 ] && echo 1 || echo 0)   # One character off.
expect 403 "$(fetch bad-csrf "/runs/$run1/approve" -H "Cookie: $cookie" -d "step=decide/1&csrf=$wrong_csrf")" "approve with a wrong CSRF"
expect 401 "$(fetch forged-cookie "/runs/$run1/approve" -H "Cookie: runbook_session=${csrf}" -d "step=decide/1&csrf=$csrf")" \
   "approve with a forged session"
sleep 1
"$RUNBOOK" status "$run1" --journal j.db | grep -q "step:    decide/1 (approve" || fail "a refused approval reached the run"

# ---- hostile action fields
code=$(fetch long-step "/runs/$run1/approve" -H "Cookie: $cookie" -d "csrf=$csrf&step=$huge")
[ "$code" = 400 ] || [ "$code" = 413 ] || fail "a huge step: HTTP $code"
expect 400 "$(fetch ctl-step "/runs/$run1/approve" -H "Cookie: $cookie" --data "csrf=$csrf&step=a%0Ab")" "a step with a newline"
expect 403 "$(fetch cross-approve "/runs/$run1/approve" -H "Cookie: $cookie" -H "Origin: http://evil.example" -d "csrf=$csrf&step=decide/1")" \
   "an approval posted from another site"
expect 404 "$(fetch bad-run "/runs/..%2Fx/approve" -H "Cookie: $cookie" -d "csrf=$csrf&step=decide/1")" "an action on no run"
expect 404 "$(fetch bad-action "/runs/$run1/delete" -H "Cookie: $cookie" -d "csrf=$csrf")" "an unknown action"
expect 400 "$(fetch no-trigger "/runs/$run1/fire" -H "Cookie: $cookie" -d "csrf=$csrf")" "fire without a trigger"

# ---- approve: journaled as alice, and the run goes on to completion
expect 303 "$(fetch approve "/runs/$run1/approve" -H "Cookie: $cookie" -d "csrf=$csrf&step=decide/1")" "approve"
wait $runner1
rc=$?
[ "$rc" -eq 0 ] || fail "run 1 should complete once approved from the web, got exit $rc"
[ -f approved ] || fail "the approval did not reach run 1"
"$RUNBOOK" log "$run1" --journal j.db >log1.txt 2>&1
grep -q "alice" log1.txt || fail "the approval is not journaled as alice: $(grep -i answer log1.txt)"
expect 200 "$(fetch done1 "/runs/$run1?sent=approve" -H "Cookie: $cookie")" "the run page after approving"
grep -qF "Your answer was sent" pages/done1 && grep -qF "completed" pages/done1 || fail "the page does not show the approval and completion"
expect 409 "$(fetch fire-done "/runs/$run1/fire" -H "Cookie: $cookie" -d "csrf=$csrf&trigger=security")" "fire on a completed run"
grep -qF "not running" pages/fire-done || fail "firing on a completed run does not say why not"

# ---- signal and fire a manual trigger: run 2 rolls back
pty_run run2.out 120 "$RUNBOOK" run waits.rb --journal j.db >/dev/null 2>&1 &
runner2=$!
cleanup_extra='kill $runner2 $server 2>/dev/null; wait $runner2 $server 2>/dev/null'
wait_for_waiting 1 || fail "run 2 never reached its approval"
run2=$(sed -n 1p waiting.txt)
expect 303 "$(fetch signal "/runs/$run2/signal" -H "Cookie: $cookie" -d "csrf=$csrf&signal=resolved")" "signal"
expect 303 "$(fetch fire "/runs/$run2/fire" -H "Cookie: $cookie" -d "csrf=$csrf&trigger=security")" "fire"
wait $runner2
[ -f rolled-back ] || fail "the fired trigger did not roll run 2 back: $(tail -c 600 run2.out)"
"$RUNBOOK" log "$run2" --journal j.db >log2.txt 2>&1
grep "trigger\|request\|signal" log2.txt | grep -q alice || fail "the fire or the signal is not journaled as alice"

# ---- abort: a third run, stopped from the web
pty_run run3.out 120 "$RUNBOOK" run waits.rb --journal j.db >/dev/null 2>&1 &
runner3=$!
cleanup_extra='kill $runner3 $server 2>/dev/null; wait $runner3 $server 2>/dev/null'
wait_for_waiting 1 || fail "run 3 never reached its approval"
run3=$(sed -n 1p waiting.txt)
expect 303 "$(fetch abort "/runs/$run3/abort" -H "Cookie: $cookie" -d "csrf=$csrf&rollback=")" "abort"
wait $runner3
"$RUNBOOK" status "$run3" --journal j.db | grep -q "status:  aborted" || fail "the abort did not stop run 3"

# ---- sign out: the session is gone
expect 303 "$(fetch logout /logout -H "Cookie: $cookie" -d "csrf=$csrf")" "signing out"
expect 401 "$(fetch after-logout "/runs/$run2/approve" -H "Cookie: $cookie" -d "csrf=$csrf&step=decide/1")" "acting after signing out"

# ---- no secret in any page
for url in / "/runs/$run1" "/runs/$run2" "/runs/$run3" "/runs/$run1/state"; do
   curl -s "$base$url" >>pages/all
done
curl -s --max-time 2 "$base/runs/$run1/events?after=0" >>pages/all
grep -rlF "$marker" pages && fail "a page shows the secret"

# ---- TLS: HTTPS, and the session cookie is Secure
if command -v openssl >/dev/null; then
   openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1
   "$RUNBOOK" serve --journal j.db --listen 127.0.0.1:0 --operators operators --tls-cert cert.pem --tls-key key.pem \
      >tls.out 2>tls.err &
   tls_server=$!
   cleanup_extra='kill $server $tls_server 2>/dev/null; wait $server $tls_server 2>/dev/null'
   for _ in $(seq 1 100); do grep -q listening tls.out && break; sleep 0.1; done
   tls_base=$(sed -n 's/.*listening on \(https:[^ ]*\).*/\1/p' tls.out)
   [ -n "$tls_base" ] || fail "serve with TLS did not start: $(cat tls.out tls.err)"
   code=$(curl -s --cacert cert.pem -o pages/tls-runs -w '%{http_code}' "$tls_base/")
   [ "$code" = 200 ] && grep -qF "$run1" pages/tls-runs || fail "the runs page over HTTPS: HTTP $code"
   curl -s --cacert cert.pem -o /dev/null -D tls-headers.txt -d "name=alice&token=$token" "$tls_base/login"
   grep -i "^Set-Cookie:" tls-headers.txt | grep -q "; Secure" || fail "the session cookie under TLS is not Secure: $(cat tls-headers.txt)"
   "$RUNBOOK" serve --journal j.db --listen 127.0.0.1:0 --tls-cert cert.pem >/dev/null 2>&1 && fail "--tls-cert without --tls-key was taken"
fi
"$RUNBOOK" serve --journal j.db --listen nowhere >/dev/null 2>&1 && fail "a --listen without a port was taken"
echo "alice:md5:abc" >bad-operators
"$RUNBOOK" serve --journal j.db --listen 127.0.0.1:0 --operators bad-operators >/dev/null 2>bad-operators.err &&
   fail "a malformed operators file was taken"
grep -q "bad-operators:1: expected name:sha256:HEX" bad-operators.err || fail "a malformed operators file is not said: $(cat bad-operators.err)"

echo "serve: $failures failures"
[ "$failures" -eq 0 ]
