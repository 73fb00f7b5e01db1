#!/usr/bin/env bash
# Crash torture on the PostgreSQL journal: the shipped rollout
# (runbooks/rollout.rb, sandbox profile) against runbook-sandbox, its journal
# on a real PostgreSQL server this test starts (tests/support/postgres.sh),
# with the world going wrong the ways a team's journal meets:
#   kill     SIGKILL at random moments; each resume on "host-a" or, one in
#            three, on "host-b" (RUNBOOK_HOST), which must wait out the dead
#            holder's lease, since it cannot see the other host's processes
#   server   PostgreSQL restarted under the running process (down for up to
#            1.5 s): the run holds before its next side effect, reconnects
#            and carries on; sometimes runbook is killed as well, right after
#   freeze   the holder frozen with SIGSTOP past its lease, the run taken
#            over on the other host, the frozen one woken with SIGCONT while
#            the taker runs: it must stop, saying it lost the run, without a
#            single further request
# Every run must end like an uninterrupted run on the same journal: the same
# final split, every traffic change exactly once per Idempotency-Key and in
# the same order, every other POST at most once more per redo in doubt and
# never missing, a gapless event sequence, `runbook log --json` listing every
# step done once.
#
# The companion of tests/crash_torture.test.sh (SQLite, more modes, more
# kills); RUNBOOK_TORTURE_SEED=N replays a schedule here too.
set -uo pipefail
source "$SOURCE_DIR/tests/support/rollout_env.sh"
source "$SOURCE_DIR/tests/support/postgres.sh"

seed=${RUNBOOK_TORTURE_SEED:-$(( $(date +%s) % 100000 ))}
min_kills=12; min_restarts=4; min_freezes=2
RANDOM=$seed
echo "crash torture on PostgreSQL: seed $seed (RUNBOOK_TORTURE_SEED=$seed replays it)"

work=$(mktemp -d)
chmod 755 "$work"
run_pid=""; frozen_pid=""
trap '[ -n "$frozen_pid" ] && kill -KILL "$frozen_pid" 2>/dev/null; [ -n "$run_pid" ] && kill -KILL "$run_pid" 2>/dev/null
      sandbox_stop; pg_stop; rm -rf "$work"' EXIT
cd "$work" || exit 1

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
now_ms() { date +%s%3N; }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

pg_start || exit 1
secret_env torture-secret
export RUNBOOK_SANDBOX_TOKEN=$LB_ADMIN_TOKEN
# Heartbeats come every 5 s (wall): a lease timeout just above keeps a live
# holder and lets the other host take a dead one's run soon.
export RUNBOOK_LEASE_TIMEOUT_S=6
sandbox_start "$work" || exit 1
profile_flags "$SOURCE_DIR/runbooks/rollout.rb"
rollout=("$SOURCE_DIR/runbooks/rollout.rb" "${PROFILE_FLAGS[@]}")
scale=600

# ---- the journal, read beside the writer
# Each tortured run gets its own database on the one server.
new_journal()
{
   local name="torture_$1"
   "$pg_bin/createdb" -h "$PG_DIR" -U runbook "$name" || return 1
   echo "postgresql:///$name?host=$PG_DIR&user=runbook"
}
pg_query() { psql "$1" -XAtq -c "$2" 2>/dev/null; }
finished_steps() { pg_query "$1" "SELECT COUNT(*) FROM events WHERE kind = 'step_finished'"; }

request_count() { curl -sf "$SANDBOX_URL/sandbox/requests" | jq '.requests | length'; }

# ---- the uninterrupted run on PostgreSQL: what every tortured run must end like
reset_sandbox
baseline_journal=$(new_journal baseline) || exit 1
t0=$(now_ms)
"$RUNBOOK" run "${rollout[@]}" --journal "$baseline_journal" --yes --time-scale "$scale" >baseline.out 2>&1
rc=$?
full_ms=$(( $(now_ms) - t0 ))
if [ "$rc" != 0 ]; then echo "the uninterrupted rollout exited $rc:" >&2; tail -30 baseline.out >&2; exit 1; fi
split >baseline.split; traffic_steps >baseline.traffic; other_arrivals >baseline.other
jq -e '.green == 100 and .blue == 0' baseline.split >/dev/null ||
   { echo "the uninterrupted rollout did not end on green 100: $(cat baseline.split)" >&2; exit 1; }
[ "$(wc -l <baseline.traffic)" -ge 2 ] || { echo "the uninterrupted rollout made too few traffic changes" >&2; exit 1; }
echo "uninterrupted run on PostgreSQL: ${full_ms} ms at --time-scale $scale, final split $(cat baseline.split)," \
     "$(wc -l <baseline.traffic) traffic changes"

# ---- starting and resuming
# start_or_resume JOURNAL HOST: in the background, as HOST; sets run_pid.
start_or_resume()
{
   local journal=$1 host=$2 run
   run=$(pg_query "$journal" "SELECT id FROM runs LIMIT 1")
   if [ -z "$run" ]; then
      RUNBOOK_HOST=$host "$RUNBOOK" run "${rollout[@]}" --journal "$journal" --yes --time-scale "$scale" \
         --in-doubt redo >>"$label.out" 2>&1 </dev/null &
   else
      RUNBOOK_HOST=$host "$RUNBOOK" resume "$run" --journal "$journal" --yes --time-scale "$scale" \
         --in-doubt redo >>"$label.out" 2>&1 </dev/null &
   fi
   run_pid=$!
}

# The host that resumes next: the holder's own host, or, one in three, the
# other one, after the dead holder's lease has run out (its heartbeat plus
# the timeout: another host cannot see whether the process is alive).
next_host()
{
   local journal=$1 holder heartbeat
   holder=$(pg_query "$journal" "SELECT lease_host FROM runs LIMIT 1")
   [ -n "$holder" ] || { echo host-a; return; }
   if [ $((RANDOM % 3)) != 0 ]; then echo "$holder"; return; fi
   heartbeat=$(pg_query "$journal" "SELECT CAST(heartbeat_at AS bigint) FROM runs LIMIT 1")
   local wait_ms=$(( heartbeat + RUNBOOK_LEASE_TIMEOUT_S * 1000 + 200 - $(now_ms) ))
   [ "$wait_ms" -gt 0 ] && sleep_ms "$wait_ms"
   [ "$holder" = host-a ] && echo host-b || echo host-a
}

# Waits until one more step has finished than BEFORE, then a random delay of
# up to a tenth of an uninterrupted run: every attempt makes progress, and
# the moment still falls anywhere (a request, a wait, a journal write).
wait_for_progress()
{
   local journal=$1 before=$2 deadline=$(( $(now_ms) + 60000 ))
   while kill -0 "$run_pid" 2>/dev/null; do
      [ "$(finished_steps "$journal")" -gt "$before" ] 2>/dev/null && break
      [ "$(now_ms)" -lt "$deadline" ] || { fail "$label: no step finished within 60 s"; return 1; }
      sleep 0.01
   done
   sleep_ms $(( (RANDOM * 32768 + RANDOM) % (full_ms / 10 + 20) ))
}

# ---- one tortured run
kills=0; restarts=0; holds=0; freezes=0; takeovers=0; runs=0; redone_total=0
torture_one()
{
   local mode=$1 journal attempts=0 rc before host=host-a
   label=$mode-$((runs + 1))
   journal=$(new_journal "${label//-/_}") || { fail "$label: createdb"; return; }
   reset_sandbox
   : >"$label.out"
   while :; do
      attempts=$((attempts + 1))
      [ "$attempts" -le 200 ] || { fail "$label: still not finished after 200 resumes"; return; }
      before=$(finished_steps "$journal"); before=${before:-0}
      start_or_resume "$journal" "$host"
      wait_for_progress "$journal" "$before" || return
      if kill -0 "$run_pid" 2>/dev/null; then
         case $mode in
            kill) kill -KILL "$run_pid" && kills=$((kills + 1)) ;;
            server) restart_server "$journal" ;;
            freeze) freeze_and_take_over "$journal" || return ;;
         esac
      fi
      { wait "$run_pid"; } 2>/dev/null; rc=$?
      run_pid=""
      [ "$rc" = 0 ] && break
      [ "$(pg_query "$journal" "SELECT status FROM runs")" = completed ] && break   # struck after the end was journaled
      case $rc in
         137)
            local holder
            holder=$(pg_query "$journal" "SELECT lease_host FROM runs LIMIT 1")
            host=$(next_host "$journal")
            [ -z "$holder" ] || [ "$host" = "$holder" ] || takeovers=$((takeovers + 1)) ;;
         *) fail "$label: runbook exited $rc; its output ends:"; tail -15 "$label.out" >&2; return ;;
      esac
   done
   check_run "$journal"
   runs=$((runs + 1))
   holds=$((holds + $(grep -c "retrying until it is back" "$label.out")))
   echo "$label: completed after $attempts starts and resumes ($run_redone redone in doubt); $failures failures so far"
}

# The server restarts under the running process, down for 0 to 1.5 s. Half
# the time runbook is left to carry on by itself (it must not exit); half the
# time it is killed a moment after the server is back.
restart_server()
{
   pg_restart "$(printf '0.%d' $((RANDOM % 10)))" >/dev/null || { fail "$label: PostgreSQL did not come back"; return; }
   restarts=$((restarts + 1))
   if [ $((RANDOM % 2)) = 0 ]; then
      sleep_ms $((RANDOM % 500))
      kill -KILL "$run_pid" 2>/dev/null && kills=$((kills + 1))
   fi
}

# SIGSTOP the holder while it waits or watches (a laptop lid closed, a
# network partition: no request of its own in flight), take the run over on
# the other host once its lease has run out, freeze the taker too, wake the
# first: it must exit non-zero saying it lost the run, and send nothing (the
# sandbox's request log does not grow while only it runs). Then the taker
# thaws and becomes the attempt the loop waits for.
# (A holder frozen between its journal's last word and a request's first byte
# would still send that one request when it wakes: no journal can stop a
# process that no longer asks it. The idempotency key is what makes that
# harmless, and the traffic API honours it.)
freeze_and_take_over()
{
   local journal=$1 run holder other requests_before
   wait_for_quiet_step "$journal" || return 0
   kill -STOP "$run_pid"
   frozen_pid=$run_pid
   freezes=$((freezes + 1))
   holder=$(pg_query "$journal" "SELECT lease_host FROM runs LIMIT 1")
   [ "$holder" = host-a ] && other=host-b || other=host-a
   sleep_ms $(( RUNBOOK_LEASE_TIMEOUT_S * 1000 + 5200 ))   # past the last heartbeat's lease
   takeovers=$((takeovers + 1))
   start_or_resume "$journal" "$other"
   local deadline=$(( $(now_ms) + 20000 ))
   until [ "$(pg_query "$journal" "SELECT lease_host FROM runs")" = "$other" ]; do
      kill -0 "$run_pid" 2>/dev/null || { fail "$label: $other's resume exited before taking the run: $(tail -3 "$label.out")"; return 1; }
      [ "$(now_ms)" -lt "$deadline" ] || { fail "$label: $other did not take over within 20 s"; return 1; }
      sleep 0.05
   done
   kill -STOP "$run_pid"
   requests_before=$(request_count)
   # (Only the woken process writes to the output from here: the taker is frozen.)
   local output_before
   output_before=$(stat -c %s "$label.out")
   kill -CONT "$frozen_pid"
   { wait "$frozen_pid"; } 2>/dev/null
   local woke_rc=$?
   frozen_pid=""
   tail -c +$((output_before + 1)) "$label.out" >"$label.woken.out"
   [ "$woke_rc" != 0 ] || fail "$label: the woken holder exited 0"
   grep -qi "lost" "$label.woken.out" || fail "$label: the woken holder did not say it lost the run: $(tail -3 "$label.woken.out")"
   echo "$label: the woken holder exited $woke_rc: $(grep -i lost "$label.woken.out" | head -1)"
   [ "$(request_count)" = "$requests_before" ] ||
      fail "$label: the woken holder sent $(( $(request_count) - requests_before )) requests after the takeover"
   kill -CONT "$run_pid"
   return 0
}

# Waits until the run's current step is a wait or a watch (at most 20 s);
# false when the run ended first.
wait_for_quiet_step()
{
   local journal=$1 deadline=$(( $(now_ms) + 20000 ))
   while kill -0 "$run_pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do
      [ "$(pg_query "$journal" "SELECT kind FROM attempts WHERE outcome IS NULL ORDER BY start_seq DESC LIMIT 1")" = wait ] && return 0
      sleep 0.02
   done
   return 1
}

# ---- the checks on one finished run (as in tests/crash_torture.test.sh)
check_run()
{
   local journal=$1 run step got
   run=$(pg_query "$journal" "SELECT id FROM runs LIMIT 1")
   got=$(split)
   [ "$got" = "$(cat baseline.split)" ] || fail "$label: final split $got, expected $(cat baseline.split)"
   [ "$(pg_query "$journal" "SELECT status FROM runs")" = completed ] || fail "$label: run not completed in the journal"

   pg_query "$journal" "SELECT step_id || ' ' || (data_json::jsonb ->> 'decision') FROM events WHERE kind = 'in_doubt'" >"$label.doubt"
   run_redone=$(grep -c ' redo$' "$label.doubt"); redone_total=$((redone_total + run_redone))

   traffic_steps >"$label.traffic"
   local dupes
   dupes=$(sort "$label.traffic" | uniq -d)
   [ -z "$dupes" ] || fail "$label: traffic changes applied twice: $dupes"
   diff baseline.traffic "$label.traffic" >"$label.traffic.diff" ||
      { fail "$label: traffic steps differ from the uninterrupted run's:"; cat "$label.traffic.diff" >&2; }

   other_arrivals >"$label.other"
   local count arrived max
   while read -r step count; do
      arrived=$(awk -v s="$step" '$1 == s {print $2}' "$label.other")
      arrived=${arrived:-0}
      max=$(( count + $(grep -Fxc "$step redo" "$label.doubt") ))
      [ "$arrived" -le "$max" ] || fail "$label: $step arrived $arrived times (at most $max allowed)"
      [ "$arrived" -ge "$count" ] || fail "$label: $step arrived $arrived times, expected $count"
   done <baseline.other

   local gaps
   gaps=$(pg_query "$journal" "SELECT COUNT(*) - (MAX(seq) - MIN(seq) + 1) FROM events")
   [ "$gaps" = 0 ] || fail "$label: the event sequence has gaps ($gaps)"
   "$RUNBOOK" log "$run" --journal "$journal" --json >"$label.log.json" 2>"$label.log.err" ||
      { fail "$label: runbook log --json failed: $(cat "$label.log.err")"; return; }
   local listed distinct
   listed=$(jq -r '.steps[] | select(.outcome == "done" or .outcome == "marked_done" or .outcome == "skipped") | .id' "$label.log.json" | wc -l)
   distinct=$(jq -r '.steps[].id' "$label.log.json" | sort -u | wc -l)
   [ "$listed" = "$distinct" ] || fail "$label: runbook log shows $listed done attempts for $distinct steps"
}

t_start=$(now_ms)
while [ "$failures" = 0 ] && [ "$kills" -lt "$min_kills" ]; do torture_one kill; done
while [ "$failures" = 0 ] && [ "$restarts" -lt "$min_restarts" ]; do torture_one server; done
while [ "$failures" = 0 ] && [ "$freezes" -lt "$min_freezes" ]; do torture_one freeze; done

echo "crash torture on PostgreSQL (seed $seed): $runs runs completed after $kills SIGKILLs, $restarts server" \
     "restarts (the run held for the server $holds times), $freezes frozen holders taken over, $takeovers resumes on the other host; $redone_total steps" \
     "redone in doubt; $(( ($(now_ms) - t_start) / 1000 )) s; $failures failures"
[ "$runs" -gt 0 ] || fail "nothing was tortured"
[ "$failures" = 0 ]
