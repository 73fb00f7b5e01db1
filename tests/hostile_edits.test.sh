#!/usr/bin/env bash
# Issue 14, "hold in a hostile world": each case is a defect an adversarial
# suite found, driven through the real `runbook` binary; each prints
# "ok: CASE" or "FAIL: CASE: why". CASES="a b" runs only those.
#
#   identity_inserted_step    a step inserted before an in-doubt step: --use-current refused, nothing sent
#   identity_deleted_step     the in-doubt step deleted: its record is not inherited by the next step
#   identity_unchanged        an edit elsewhere: --use-current still adopts the file
#   sighup_like_ctrl_c        SIGHUP: exit 130, the run resumable, the command stopped
#   child_dies_with_runbook   kill -9 runbook: its command's process group dies too
#   timed_out_post_in_doubt   a POST that timed out after it was sent is in doubt; --in-doubt fail does not resend
#   rollback_in_doubt_exit    an unsettled in-doubt step in rollback mode exits 1 (docs/cli.md), stays resumable
#   closed_pipe_quiet         `runbook plan --format json | head -c1`: SIGPIPE, no abort, no message
#   time_scale_range          --time-scale nan, inf, 1e300, 0 refused naming the flag
#   private_ca                SSL_CERT_FILE, CURL_CA_BUNDLE and --cacert verify a self-signed CA on loopback
#   sandbox_masks_webhook     the sandbox's /sandbox/requests and --state file never hold a Slack webhook secret
#   abort_rollback_noop       abort --rollback NAME (or a plain abort) during that rollback: a note, no stop;
#                             --stop-rollback stops it
#   journal_deleted_mid_run   the journal deleted mid-run: stop before the next side effect, saying why
#   wal_truncated_mid_run     its write-ahead log cut to nothing in place mid-run: the same
#   wall_clock_step           the wall clock stepped +5 min during `wait 7s` (RUNBOOK_TEST_WALL_OFFSET_FILE):
#                             the wait still takes 7 s, and a clock_jump is journaled
#   use_current_param_default --use-current with an edited param default says which values it keeps and why
#   adopted_then_journaled    a file adopted with --use-current becomes the journaled source: a later
#                             resume without the flag continues with it, not with the text the run started with
#   resume_profile_order      a profile given to resume beats the journaled values, with the journaled
#                             source and with --use-current alike (one order for both)
#   secret_spellings          a marker secret of every awkward character class, reflected by a server in
#                             every spelling and spliced into sh: never in output, log, log --json, journal
set -uo pipefail
: "${RUNBOOK:?}" "${SOURCE_DIR:?}"

work=$(mktemp -d)
servers=()
trap 'for p in "${servers[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
cd "$work"
failures=0
fail() { echo "FAIL: $case_name: $*" >&2; failures=$((failures + 1)); }

# A loopback HTTP server (python3) that counts the POSTs it receives in
# $1/posts and answers them after $2 seconds. Prints its port.
start_slow_server()
{
   local dir=$1 delay=$2
   mkdir -p "$dir"
   : >"$dir/posts"
   python3 - "$dir" "$delay" >"$dir/port" 2>"$dir/server.err" <<'EOF' &
import http.server, sys, time
dir, delay = sys.argv[1], float(sys.argv[2])
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(dir + "/posts", "a") as f:
            f.write(self.path + "\n")
        time.sleep(delay)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
EOF
   servers+=($!)
   local tries=0
   until [ -s "$dir/port" ]; do
      tries=$((tries + 1)); [ "$tries" -lt 100 ] || { echo "the test server did not start" >&2; return 1; }
      sleep 0.05
   done
   cat "$dir/port"
}

# Waits until `runbook` (pid $1) has started step $3 in journal $2.
wait_started()
{
   local pid=$1 db=$2 step=$3 tries=0
   until sqlite3 "$db" "SELECT 1 FROM attempts WHERE step_id = '$step'" 2>/dev/null | grep -q 1; do
      kill -0 "$pid" 2>/dev/null || return 1
      tries=$((tries + 1)); [ "$tries" -lt 200 ] || return 1
      sleep 0.05
   done
   sleep 0.2
}

run_status() { sqlite3 "$1" "SELECT status FROM runs ORDER BY rowid DESC LIMIT 1"; }

# Runs $1.rb in the background, interrupts it with signal $3 once step $2 has
# started, and returns its exit code.
interrupt_at()
{
   local name=$1 step=$2 signal=$3
   "$RUNBOOK" run "$name.rb" --journal "$name.db" --yes </dev/null >"$name.out" 2>&1 &
   local pid=$!
   wait_started "$pid" "$name.db" "$step" || { fail "step $step never started: $(cat "$name.out")"; return 99; }
   kill "-$signal" "$pid"
   wait "$pid"
}

# ---------------------------------------------------------------- record identity
case_identity_inserted_step()
{
   local port; port=$(start_slow_server "$work/ins" 0) || { fail "no test server"; return; }
   cat >ins.rb <<EOF
runbook "Identity"
phase "Deploy" {
  sh "true"
  sh "sleep 30"
}
EOF
   interrupt_at ins deploy/2 INT
   # The edit: a POST inserted before the in-doubt sh step takes its id (deploy/2).
   cat >ins.rb <<EOF
runbook "Identity"
phase "Deploy" {
  sh "true"
  http post "http://127.0.0.1:$port/inserted" body {"a": 1}
  sh "sleep 30"
}
EOF
   local out rc
   out=$("$RUNBOOK" resume --journal ins.db --use-current --in-doubt skip --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 2 ] || fail "resume --use-current exit $rc, expected 2 (refused): $out"
   grep -q "deploy/2" <<<"$out" && grep -q "was sh" <<<"$out" && grep -q "is now http" <<<"$out" ||
      fail "the refusal does not say what changed: $out"
   [ ! -s ins/posts ] || fail "the inserted POST was sent (or marked done): $(cat ins/posts)"
   [ "$(sqlite3 ins.db "SELECT outcome FROM attempts WHERE step_id='deploy/2' ORDER BY attempt DESC LIMIT 1")" != marked_done ] ||
      fail "the in-doubt record was settled onto another step"
}

case_identity_deleted_step()
{
   cat >del.rb <<'EOF'
runbook "Identity"
phase "Deploy" {
  sh "true"
  sh "sleep 30"
  sh "touch next-step-ran"
}
EOF
   interrupt_at del deploy/2 INT
   cat >del.rb <<'EOF'
runbook "Identity"
phase "Deploy" {
  sh "true"
  sh "touch next-step-ran"
}
EOF
   local out rc
   out=$("$RUNBOOK" resume --journal del.db --use-current --in-doubt skip --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 2 ] || fail "resume --use-current exit $rc, expected 2: $out"
   grep -q "deploy/2" <<<"$out" && grep -q "sleep 30" <<<"$out" || fail "the refusal does not say what changed: $out"
   [ ! -e next-step-ran ] || fail "the step after the deleted one inherited its record or ran"
}

case_identity_unchanged()
{
   cat >same.rb <<'EOF'
runbook "Identity"
phase "Deploy" {
  sh "true"
  sh "sleep 30"
  sh "touch same-1"
}
EOF
   interrupt_at same deploy/2 INT
   cat >same.rb <<'EOF'
runbook "Identity"
phase "Deploy" {
  sh "true"
  sh "sleep 30"
  sh "touch same-2"
}
EOF
   local out rc
   out=$("$RUNBOOK" resume --journal same.db --use-current --in-doubt skip --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 0 ] || fail "resume --use-current of a compatible edit exit $rc, expected 0: $out"
   [ -e same-2 ] && [ ! -e same-1 ] || fail "the current file was not adopted"
}

# ---------------------------------------------------------------- hang-up, orphans
case_sighup_like_ctrl_c()
{
   cat >hup.rb <<'EOF'
runbook "Hang-up"
phase "Deploy" {
  sh "sleep 31.5; touch hup-after"
}
EOF
   interrupt_at hup deploy/1 HUP
   local rc=$?
   [ "$rc" = 130 ] || fail "exit $rc after SIGHUP, expected 130: $(cat hup.out)"
   [ "$(run_status hup.db)" = interrupted ] || fail "the run is '$(run_status hup.db)', expected interrupted"
   sleep 0.5
   if pgrep -f "sleep 31.5" >/dev/null; then fail "the step's command outlived the hang-up"; fi
   "$RUNBOOK" resume --journal hup.db --in-doubt redo --yes </dev/null >/dev/null 2>&1 &
   local pid=$!
   wait_started "$pid" hup.db deploy/1 || fail "the run could not be resumed"
   kill -INT "$pid"; wait "$pid"
}

case_child_dies_with_runbook()
{
   cat >orphan.rb <<'EOF'
runbook "Orphan"
phase "Deploy" {
  sh "sleep 32.5 & sleep 33.5; touch orphan-after"
}
EOF
   interrupt_at orphan deploy/1 KILL
   local tries=0
   while pgrep -f "sleep 3[23].5" >/dev/null; do
      tries=$((tries + 1))
      [ "$tries" -lt 100 ] || { fail "the command's processes outlived runbook's SIGKILL by 5 s: $(pgrep -af 'sleep 3[23].5')"; return; }
      sleep 0.05
   done
}

# ---------------------------------------------------------------- unknown is not failed
case_timed_out_post_in_doubt()
{
   local port; port=$(start_slow_server "$work/slow" 3) || { fail "no test server"; return; }
   cat >slow.rb <<EOF
runbook "Timed out"
phase "Deploy" {
  http post "http://127.0.0.1:$port/apply" body {"a": 1} timeout 1s
}
EOF
   local out rc
   out=$("$RUNBOOK" run slow.rb --journal slow.db --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 1 ] || fail "exit $rc, expected 1: $out"
   grep -q "in doubt" <<<"$out" || fail "the timeout is not reported in doubt: $out"
   [ "$(run_status slow.db)" = interrupted ] || fail "the run is '$(run_status slow.db)', expected interrupted (resumable)"
   out=$("$RUNBOOK" resume --journal slow.db --in-doubt fail --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 1 ] || fail "resume --in-doubt fail: exit $rc, expected 1: $out"
   [ "$(wc -l <slow/posts)" = 1 ] || fail "the POST was sent $(wc -l <slow/posts) times, expected once"
}

case_rollback_in_doubt_exit()
{
   cat >rb.rb <<'EOF'
runbook "Rollback in doubt"
phase "Deploy" {
  rollback emergency
}
rollback emergency {
  sh "sleep 34.5"
}
EOF
   interrupt_at rb rollback:emergency/1 INT
   local out rc
   out=$("$RUNBOOK" resume --journal rb.db --in-doubt fail --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 1 ] || fail "exit $rc for an unsettled in-doubt step in rollback mode, expected 1: $out"
   [ "$(run_status rb.db)" = interrupted ] || fail "the run is '$(run_status rb.db)', expected interrupted"
}

# ---------------------------------------------------------------- command line
case_closed_pipe_quiet()
{
   {
      echo 'runbook "Big"'
      echo 'phase "Many" {'
      for i in $(seq 1 400); do echo "  log \"line $i of a plan long enough to fill a pipe\""; done
      echo '}'
   } >big.rb
   local rc
   "$RUNBOOK" plan big.rb --format json 2>pipe.err | head -c1 >/dev/null
   rc=${PIPESTATUS[0]}
   [ "$rc" = 141 ] || [ "$rc" = 0 ] || fail "exit $rc on a closed pipe, expected 141 (SIGPIPE) or 0"
   [ ! -s pipe.err ] || fail "noise on a closed pipe: $(cat pipe.err)"
}

case_time_scale_range()
{
   echo 'runbook "T"
phase "P" {
  log "x"
}' >t.rb
   local bad out rc
   for bad in nan inf -inf 1e300 0 -1 1e7; do
      out=$("$RUNBOOK" run t.rb --journal t.db --time-scale "$bad" </dev/null 2>&1); rc=$?
      [ "$rc" = 2 ] || fail "--time-scale $bad: exit $rc, expected 2"
      grep -q -- "--time-scale" <<<"$out" || fail "--time-scale $bad: the message does not name the flag: $out"
   done
   out=$("$RUNBOOK" run t.rb --journal t.db --time-scale 600 </dev/null 2>&1) || fail "--time-scale 600 refused: $out"
}

# ---------------------------------------------------------------- private CA
case_private_ca()
{
   mkdir ca && cd ca || return
   openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=Test CA" 2>/dev/null
   openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
   printf 'subjectAltName=IP:127.0.0.1\n' >ext.cnf
   openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
      -extfile ext.cnf 2>/dev/null
   python3 - >port 2>server.err <<'EOF' &
import http.server, ssl
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain("server.pem", "server.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
EOF
   servers+=($!)
   local tries=0
   until [ -s port ]; do tries=$((tries + 1)); [ "$tries" -lt 100 ] || { fail "no TLS server"; cd ..; return; }; sleep 0.05; done
   printf 'runbook "TLS"\nphase "P" {\n  http get "https://127.0.0.1:%s/" expect status 200\n}\n' "$(cat port)" >tls.rb
   local out rc
   out=$(env -u SSL_CERT_FILE -u CURL_CA_BUNDLE "$RUNBOOK" run tls.rb --journal a.db --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 1 ] || fail "an unknown CA was accepted (exit $rc): verification must stay on"
   out=$(env -u CURL_CA_BUNDLE SSL_CERT_FILE="$PWD/ca.pem" "$RUNBOOK" run tls.rb --journal b.db --yes </dev/null 2>&1) ||
      fail "SSL_CERT_FILE ignored: $out"
   out=$(env -u SSL_CERT_FILE CURL_CA_BUNDLE="$PWD/ca.pem" "$RUNBOOK" run tls.rb --journal c.db --yes </dev/null 2>&1) ||
      fail "CURL_CA_BUNDLE ignored: $out"
   out=$(env -u SSL_CERT_FILE -u CURL_CA_BUNDLE "$RUNBOOK" run tls.rb --cacert ca.pem --journal d.db --yes </dev/null 2>&1) ||
      fail "--cacert ignored: $out"
   out=$("$RUNBOOK" run tls.rb --cacert missing.pem --journal e.db --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 2 ] && grep -q -- "--cacert" <<<"$out" || fail "--cacert of a missing file: exit $rc: $out"
   cd ..
}

# ---------------------------------------------------------------- sandbox
case_sandbox_masks_webhook()
{
   : "${RUNBOOK_SANDBOX:?}"
   source "$SOURCE_DIR/tests/support/rollout_env.sh"
   mkdir sb
   sandbox_start "$work/sb" || { fail "no sandbox"; return; }
   curl -sf -X POST "$SANDBOX_URL/hooks/slack/services/T0SECRET/B0SECRET/hookmarker" \
      -H 'Content-Type: application/json' -d '{"text": "hi"}' >/dev/null || fail "the webhook did not answer"
   local log; log=$(curl -sf "$SANDBOX_URL/sandbox/requests")
   sandbox_stop
   ! grep -q "hookmarker\|0SECRET" <<<"$log" || fail "/sandbox/requests holds the webhook secret: $log"
   ! grep -q "hookmarker\|0SECRET" sb/sandbox.json || fail "the state file holds the webhook secret"
   grep -q '/hooks/slack/services/\*\*\*' <<<"$log" || fail "the masked request is not listed: $log"
}

# ---------------------------------------------------------------- abort during a rollback
case_abort_rollback_noop()
{
   cat >ab.rb <<'EOF'
runbook "Abort in rollback"
phase "Deploy" {
  rollback emergency
}
rollback emergency {
  sh "sleep 2.5"
  sh "touch ab-rollback-finished"
}
EOF
   "$RUNBOOK" run ab.rb --journal ab.db --yes </dev/null >ab.out 2>&1 &
   local pid=$!
   wait_started "$pid" ab.db rollback:emergency/1 || { fail "the rollback never started"; return; }
   local id; id=$(sqlite3 ab.db "SELECT id FROM runs LIMIT 1")
   local out
   out=$("$RUNBOOK" abort "$id" --rollback emergency --journal ab.db 2>&1) || fail "abort --rollback: $out"
   grep -q "already rolling back" <<<"$out" || fail "no note that the rollback is already running: $out"
   out=$("$RUNBOOK" abort "$id" --journal ab.db 2>&1)
   grep -q "already rolling back" <<<"$out" || fail "a plain abort is not refused during a rollback: $out"
   wait "$pid"; local rc=$?
   [ "$rc" = 3 ] || fail "exit $rc, expected 3 (rolled back): $(cat ab.out)"
   [ -e ab-rollback-finished ] || fail "the rollback was stopped half-way"
   # The explicit word stops a rollback.
   rm -f ab-rollback-finished
   "$RUNBOOK" run ab.rb --journal ab2.db --yes </dev/null >ab2.out 2>&1 &
   pid=$!
   wait_started "$pid" ab2.db rollback:emergency/1 || { fail "the second rollback never started"; return; }
   id=$(sqlite3 ab2.db "SELECT id FROM runs LIMIT 1")
   "$RUNBOOK" abort "$id" --stop-rollback --journal ab2.db >/dev/null 2>&1 || fail "abort --stop-rollback refused"
   wait "$pid"; rc=$?
   [ "$rc" = 4 ] || fail "--stop-rollback: exit $rc, expected 4"
   [ ! -e ab-rollback-finished ] || fail "--stop-rollback did not stop the rollback"
}

# ---------------------------------------------------------------- the journal under attack
case_journal_deleted_mid_run()
{
   cat >gone.rb <<'EOF'
runbook "Journal deleted"
phase "Deploy" {
  sh "sleep 1.5"
  sh "touch gone-side-effect"
}
EOF
   "$RUNBOOK" run gone.rb --journal gone.db --yes </dev/null >gone.out 2>&1 &
   local pid=$!
   wait_started "$pid" gone.db deploy/1 || { fail "never started"; return; }
   rm -f gone.db
   wait "$pid"; local rc=$?
   [ "$rc" = 2 ] || fail "exit $rc after the journal was deleted, expected 2: $(cat gone.out)"
   grep -q "was deleted" gone.out || fail "the output does not say the journal was deleted: $(cat gone.out)"
   [ ! -e gone-side-effect ] || fail "the next side effect ran into a deleted journal"
}

case_wal_truncated_mid_run()
{
   cat >cut.rb <<'EOF'
runbook "WAL truncated"
phase "Deploy" {
  sh "sleep 1.5"
  sh "touch cut-side-effect"
}
EOF
   "$RUNBOOK" run cut.rb --journal cut.db --yes </dev/null >cut.out 2>&1 &
   local pid=$!
   wait_started "$pid" cut.db deploy/1 || { fail "never started"; return; }
   [ -s cut.db-wal ] || { fail "no write-ahead log to truncate"; return; }
   : >cut.db-wal   # Same file, cut to nothing: the commits in it are gone.
   wait "$pid"; local rc=$?
   [ "$rc" = 2 ] || fail "exit $rc after the WAL was truncated, expected 2: $(cat cut.out)"
   grep -q "was truncated" cut.out || fail "the output does not say the WAL was truncated: $(cat cut.out)"
   [ ! -e cut-side-effect ] || fail "the next side effect ran on a truncated journal"
}

# ---------------------------------------------------------------- a clock step
case_wall_clock_step()
{
   cat >clk.rb <<'EOF'
runbook "Clock step"
phase "Deploy" {
  wait 7s
}
EOF
   echo 0 >offset
   local start=$SECONDS
   RUNBOOK_TEST_WALL_OFFSET_FILE=$PWD/offset "$RUNBOOK" run clk.rb --journal clk.db --yes </dev/null >clk.out 2>&1 &
   local pid=$!
   wait_started "$pid" clk.db deploy/1 || { fail "never started"; return; }
   echo 300000 >offset   # The wall clock steps 5 minutes forward.
   wait "$pid"; local rc=$?
   local took=$((SECONDS - start))
   [ "$rc" = 0 ] || fail "exit $rc: $(cat clk.out)"
   [ "$took" -ge 6 ] || fail "wait 7s passed after $took s: measured on the wall clock"
   [ "$(sqlite3 clk.db "SELECT count(*) FROM events WHERE kind = 'clock_jump'")" -ge 1 ] ||
      fail "the clock step was not journaled"
}

# ---------------------------------------------------------------- secrets in every spelling
# A server that answers a POST with the value "t" of its JSON body in every
# spelling servers reflect, one per line, and writes them to $1/spellings.
start_reflector()
{
   local dir=$1
   mkdir -p "$dir"
   python3 - "$dir" >"$dir/port" 2>"$dir/server.err" <<'PY' &
import base64, html, http.server, json, re, sys, urllib.parse
dir = sys.argv[1]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        value = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))["t"]
        plain = json.dumps(value, ensure_ascii=False)[1:-1]
        ascii = json.dumps(value)[1:-1]
        upper = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m.group(1).upper(), ascii)
        spellings = [value, plain, ascii, upper, plain.replace("/", "\\/"), ascii.replace("/", "\\/"),
                     urllib.parse.quote(value, safe=""), re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), urllib.parse.quote(value, safe="")),
                     html.escape(value, quote=True), html.escape(value, quote=True).replace("&#x27;", "&#39;")]
        basic = base64.b64encode(("user:" + value).encode()).decode()
        with open(dir + "/spellings", "w") as f:
            for s in spellings:
                f.write(s + "\n")
            f.write(basic[8:-4] + "\n")   # The part that depends on the secret alone.
        body = "\n".join(spellings + ["Authorization: Basic " + basic]) + "\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
   servers+=($!)
   local tries=0
   until [ -s "$dir/port" ]; do
      tries=$((tries + 1)); [ "$tries" -lt 100 ] || { echo "the reflector did not start" >&2; return 1; }
      sleep 0.05
   done
   cat "$dir/port"
}

case_secret_spellings()
{
   local port; port=$(start_reflector "$work/refl") || { fail "no reflector"; return; }
   # Every awkward class: quotes, backslash, slash, HTML specials, %, +, space, non-ASCII.
   local secret=$'Qz7Kw\'x/"y\\&<>%+ \xc3\xa9\xe2\x82\xac;Mv3Rt'
   cat >sec.rb <<EOF
runbook "Spellings"
secret tok = env("MARKER_TOKEN")
phase "Reflect" {
  http post "http://127.0.0.1:$port/reflect" body {"t": tok} expect status 200
  sh "printf '%s|' \${tok}"
}
EOF
   MARKER_TOKEN=$secret "$RUNBOOK" run sec.rb --journal sec.db --yes --output json </dev/null >sec.out 2>&1 ||
      fail "the run failed: $(tail -3 sec.out)"
   local id; id=$(sqlite3 sec.db "SELECT id FROM runs LIMIT 1")
   "$RUNBOOK" log "$id" --journal sec.db >sec.log 2>&1
   "$RUNBOOK" log "$id" --journal sec.db --json >sec.logjson 2>&1
   # Decoded: a leak inside a JSON string shows in its own spelling.
   { jq -r '.. | strings' <sec.out; jq -r '.. | strings' <sec.logjson; cat sec.log;
     sqlite3 sec.db "SELECT inputs_json FROM attempts; SELECT result_json FROM attempts; SELECT data_json FROM events" |
        jq -r '.. | strings';
   } >sec.all 2>/dev/null
   [ -s refl/spellings ] || { fail "the reflector saw no request"; return; }
   while IFS= read -r spelling; do
      if grep -qF -- "$spelling" sec.all; then fail "the secret leaked spelled as: $spelling"; fi
   done <refl/spellings
   if grep -q 'Qz7Kw\|Mv3Rt' sec.all; then fail "a fragment of the secret leaked: $(grep -m2 'Qz7Kw\|Mv3Rt' sec.all)"; fi
   grep -qF '***' sec.all || fail "no *** at all: was the secret used?"
}

# ---------------------------------------------------------------- an edited param default
case_use_current_param_default()
{
   cat >pd.rb <<'EOF'
runbook "Param default"
param target: string = "old-value"
phase "Deploy" {
  sh "sleep 30"
  sh "printf %s ${target} > pd-target.txt"
}
EOF
   interrupt_at pd deploy/1 INT
   sed -i 's/old-value/new-value/' pd.rb
   local out rc
   out=$("$RUNBOOK" resume --journal pd.db --use-current --in-doubt skip --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 0 ] || fail "exit $rc: $out"
   grep -q "keeps the parameter values" <<<"$out" && grep -q "target = old-value" <<<"$out" ||
      fail "resume does not say which parameter values it keeps: $out"
   [ "$(cat pd-target.txt 2>/dev/null)" = old-value ] || fail "the kept value was not the one used"
}

case_adopted_then_journaled()
{
   cat >ad.rb <<'EOF'
runbook "Adopted"
phase "Deploy" {
  sh "true"
  sh "sleep 30"
  sh "printf first > ad-out.txt"
}
EOF
   interrupt_at ad deploy/2 INT
   # The edit keeps the steps done and in doubt, changes the next one and
   # adds two after it: --use-current adopts it.
   cat >ad.rb <<'EOF'
runbook "Adopted"
phase "Deploy" {
  sh "true"
  sh "sleep 30"
  sh "printf second > ad-out.txt"
  sh "sleep 30"
  sh "printf done > ad-done.txt"
}
EOF
   "$RUNBOOK" resume --journal ad.db --use-current --in-doubt skip --yes </dev/null >ad-resume.out 2>&1 &
   local pid=$!
   wait_started "$pid" ad.db deploy/4 || { fail "the adopted file's deploy/4 never started: $(cat ad-resume.out)"; return; }
   kill -INT "$pid"; wait "$pid"
   [ "$(cat ad-out.txt 2>/dev/null)" = second ] || fail "the adopted file's deploy/3 did not run"
   # The file changes again on disk; a plain resume continues with the source
   # journaled for the run, which is now the adopted one.
   echo '# edited once more' >>ad.rb
   local out rc
   out=$("$RUNBOOK" resume --journal ad.db --in-doubt skip --yes </dev/null 2>&1); rc=$?
   [ "$rc" = 0 ] || { fail "the plain resume after adoption: exit $rc: $out"; return; }
   [ -f ad-done.txt ] || fail "deploy/5 of the adopted file did not run: $out"
   sqlite3 ad.db "SELECT count(*) FROM events WHERE kind = 'sources'" | grep -qx 1 ||
      fail "the adoption is not journaled as a sources event"
}

case_resume_profile_order()
{
   local mode
   for mode in journaled current; do
      cat >po-$mode.rb <<'EOF'
runbook "Profile order"
param target: string = "started-with"
param other: string = "kept"
phase "Deploy" {
  sh "sleep 30"
  sh "printf %s ${target}-${other} > po-target.txt"
}
EOF
      rm -f po-target.txt
      interrupt_at po-$mode deploy/1 INT
      printf 'target = "from-profile"\n' >po.params
      local flags=()
      if [ "$mode" = current ]; then
         echo "# edited after the run started" >>po-$mode.rb
         flags=(--use-current)
      fi
      local out rc
      out=$("$RUNBOOK" resume --journal po-$mode.db "${flags[@]}" --params po.params --in-doubt skip --yes \
            </dev/null 2>&1); rc=$?
      [ "$rc" = 0 ] || { fail "$mode: exit $rc: $out"; continue; }
      [ "$(cat po-target.txt 2>/dev/null)" = from-profile-kept ] ||
         fail "$mode: the step used '$(cat po-target.txt 2>/dev/null)', expected the profile's target and the kept other"
      if [ "$mode" = current ]; then
         grep -q "other = kept" <<<"$out" || fail "current: the note does not list the kept value: $out"
         grep -q "target = started-with" <<<"$out" && fail "current: the note claims a value the profile replaced: $out"
      fi
   done
}

all="identity_inserted_step identity_deleted_step identity_unchanged sighup_like_ctrl_c child_dies_with_runbook
     timed_out_post_in_doubt rollback_in_doubt_exit closed_pipe_quiet time_scale_range private_ca sandbox_masks_webhook
     abort_rollback_noop journal_deleted_mid_run wal_truncated_mid_run wall_clock_step secret_spellings use_current_param_default
     adopted_then_journaled resume_profile_order"
for case_name in ${CASES:-$all}; do
   before=$failures
   "case_$case_name"
   [ "$failures" = "$before" ] && echo "ok: $case_name"
done
[ "$failures" = 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
