# Shared by the shell tests that roll the shipped rollout out against a local
# runbook-sandbox (crash_torture, secrets, hostile_world). Source it; it needs
# RUNBOOK, RUNBOOK_SANDBOX and SOURCE_DIR (ctest sets them).
#
#   sandbox_start DIR [PORT]   start runbook-sandbox with --state DIR/sandbox.json;
#                              sets SANDBOX_PID, SANDBOX_PORT, SANDBOX_URL
#   sandbox_stop               SIGTERM it and wait
#   sandbox_kill               SIGKILL it (a crash; --state keeps what it had)
#   profile_flags RUNBOOK      fills the array PROFILE_FLAGS with the -p flags of the
#                              sandbox profile for the params RUNBOOK declares, with
#                              the profile's port replaced by SANDBOX_PORT
#   secret_env VALUE           exports every secret the shipped runbooks read, = VALUE-<name>
#   reset_sandbox, split, traffic_steps, other_arrivals
#                              the sandbox's state and request log, as the crash
#                              tortures compare a run with an uninterrupted one

: "${RUNBOOK:?}" "${RUNBOOK_SANDBOX:?}" "${SOURCE_DIR:?}"

SANDBOX_PID=""
SANDBOX_PORT=""
SANDBOX_URL=""

sandbox_start()
{
   local dir=$1 port=${2:-0}
   : >"$dir/sandbox.out"
   "$RUNBOOK_SANDBOX" --port "$port" --state "$dir/sandbox.json" >"$dir/sandbox.out" 2>>"$dir/sandbox.err" &
   SANDBOX_PID=$!
   local tries=0
   until grep -q "listening on" "$dir/sandbox.out" 2>/dev/null; do
      if ! kill -0 "$SANDBOX_PID" 2>/dev/null; then
         echo "runbook-sandbox did not start:" >&2
         cat "$dir/sandbox.err" >&2
         return 1
      fi
      tries=$((tries + 1))
      [ "$tries" -lt 200 ] || { echo "runbook-sandbox: no ready line after 10 s" >&2; return 1; }
      sleep 0.05
   done
   SANDBOX_PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$dir/sandbox.out" | head -1)
   SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT"
}

sandbox_stop()
{
   [ -n "$SANDBOX_PID" ] || return 0
   kill "$SANDBOX_PID" 2>/dev/null || true
   wait "$SANDBOX_PID" 2>/dev/null || true
   SANDBOX_PID=""
}

sandbox_kill()
{
   [ -n "$SANDBOX_PID" ] || return 0
   kill -KILL "$SANDBOX_PID" 2>/dev/null || true
   wait "$SANDBOX_PID" 2>/dev/null || true
   SANDBOX_PID=""
}

profile_flags()
{
   local runbook_file=$1 line name value declared
   declared=$(sed -n 's/^[[:space:]]*param[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' "$runbook_file")
   PROFILE_FLAGS=()
   while IFS= read -r line || [ -n "$line" ]; do
      line=${line%%#*}
      [[ $line =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]] || continue
      name=${BASH_REMATCH[1]}
      value=${BASH_REMATCH[2]//127.0.0.1:8765/127.0.0.1:$SANDBOX_PORT}
      if grep -qx "$name" <<<"$declared"; then PROFILE_FLAGS+=(-p "$name=$value"); fi
   done <"$SOURCE_DIR/runbooks/profiles/sandbox.params"
}

secret_env()
{
   local value=$1 name
   for name in $(grep -ho 'env("[A-Z_][A-Z0-9_]*")' "$SOURCE_DIR"/runbooks/*.rb "$SOURCE_DIR"/stdlib/*.rb |
                 sed 's/env("\(.*\)")/\1/' | sort -u); do
      export "$name=$value-$name"
   done
}

# ---- the sandbox's state and request log, as the crash tortures read them
reset_sandbox() { curl -sf -X POST "$SANDBOX_URL/sandbox/reset" >/dev/null; }
split() { curl -sf "$SANDBOX_URL/api/traffic" | jq -c '{blue, green}'; }

# The accepted (not replayed, 2xx) traffic requests as step ids, in order.
traffic_steps()
{
   curl -sf "$SANDBOX_URL/sandbox/requests?path=/api/traffic" |
      jq -r '.requests[] | select(.status < 300 and (.replayed | not)) | .idempotency_key | sub("^[^/]*/"; "")'
}
# Every other logged POST: "step-id count" of arrivals.
other_arrivals()
{
   curl -sf "$SANDBOX_URL/sandbox/requests" |
      jq -r '.requests[] | select(.path | startswith("/api/traffic") | not) | (.idempotency_key // "none") | sub("^[^/]*/"; "")' |
      sort | uniq -c | awk '{print $2, $1}'
}
