#!/usr/bin/env bash
# Crash torture: the shipped rollout (runbooks/rollout.rb, sandbox profile)
# against runbook-sandbox, with `runbook` killed at random moments and resumed
# until the run ends, then checked against the sandbox's request log and the
# journal:
#   - the final traffic split equals an uninterrupted run's;
#   - every POST /api/traffic took effect exactly once per Idempotency-Key
#     (the sandbox replays a repeated key and logs it as replayed), and the
#     accepted sequence of traffic steps equals the uninterrupted run's, except
#     steps journaled as settled in doubt ("done" by --in-doubt skip);
#   - every other POST (Slack, Statuspage, PagerDuty: not deduplicated)
#     arrived once, more often only as often as the journal says the step was
#     redone in doubt, never only if the journal says it was skipped in doubt;
#   - every POST marked done in doubt did arrive (see "informed" below);
#   - PRAGMA integrity_check is ok, the events are one gapless sequence, and
#     `runbook log --json` lists every step once, done, in first-start order.
#
# Modes, each with its own seeded schedule:
#   kill     SIGKILL at random moments (>= 50 kills; RUNBOOK_TORTURE_LONG=1: 500)
#   int      SIGINT at random moments (exit 130 expected, then resume)
#   sandbox  the sandbox killed and restarted from --state while runbook is
#            frozen (SIGSTOP), and a "power cut": both killed at once
#   hup      SIGHUP (a dropped SSH session): like SIGINT, exit 130, then resume
#   clock    the wall clock of the running process stepped 5 minutes forward
#            or back (RUNBOOK_TEST_WALL_OFFSET_FILE), then SIGKILL
#   edit     SIGKILL, then the runbook file edited (a step inserted at the top
#            of a phase: every later step id of that phase moves) and resumed
#            with --use-current: refused (exit 2) whenever a journal record
#            would land on a different step, then resumed with the journaled
#            source; exactly-once must hold through it all. An edit of a
#            phase not started yet is adopted, and moves that phase's later
#            step ids: such a run is checked against the uninterrupted run's
#            steps renumbered the same way
#   fault    the failure path: green made to fail (the sandbox's fault
#            injection, 30% errors) before each run, so the canary's error
#            criterion fails and the rollout goes to its emergency rollback,
#            whose escalation timers (Level 2/3/4; the profile's 2m/3m/4m)
#            fire while nobody resolves. SIGKILL, SIGINT and SIGHUP at random
#            moments, some aimed at a moment when timers are pending (and
#            then, half the time, the process stays dead past the next
#            deadline, which must fire on resume). At --time-scale 60 (a
#            timer minute is a second), so that there is time to strike
#            between the timers. Checked as the others, against an
#            uninterrupted failing run (exit 3, rolled back), and: blue 100,
#            each escalation level's Slack message arrived once (more only
#            as the journal's redos say), each timer done once, none
#            cancelled. RUNBOOK_TORTURE_MODES=fault runs this mode alone.
#
# In-doubt policy, drawn per run: `redo` (--in-doubt redo on every resume),
# or `informed`: before each resume the test looks, as an operator would, in
# the sandbox's request log for the in-doubt POST's Idempotency-Key and
# resumes with --in-doubt skip if it arrived, redo if not. (A blind
# --in-doubt skip of a request that never arrived fails the run at the next
# check of the split: the operator's mistake, not runbook's.)
#
# RUNBOOK_TORTURE_SEED=N replays a schedule; the seed is printed first. The
# moments also depend on the machine's speed, so a replay strikes the same
# progress points, not the same instructions.
set -uo pipefail
source "$SOURCE_DIR/tests/support/rollout_env.sh"

seed=${RUNBOOK_TORTURE_SEED:-$(( $(date +%s) % 100000 ))}
long=${RUNBOOK_TORTURE_LONG:-0}
min_kills=${RUNBOOK_TORTURE_KILLS:-50}; min_ints=5; min_restarts=4; min_hups=2; min_steps=2; min_edits=2
min_fault_kills=12; min_fault_ints=2; min_fault_hups=2
if [ "$long" = 1 ]; then
   min_kills=500; min_ints=50; min_restarts=40; min_hups=20; min_steps=20; min_edits=20
   min_fault_kills=120; min_fault_ints=20; min_fault_hups=20
fi
RANDOM=$seed
echo "crash torture: seed $seed (RUNBOOK_TORTURE_SEED=$seed replays it)"

work=$(mktemp -d)
trap 'sandbox_stop; [ -n "${run_pid:-}" ] && kill -KILL "$run_pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"

secret_env torture-secret
export RUNBOOK_SANDBOX_TOKEN=$LB_ADMIN_TOKEN
sandbox_start "$work"
profile_flags "$SOURCE_DIR/runbooks/rollout.rb"
rollout=("$SOURCE_DIR/runbooks/rollout.rb" "${PROFILE_FLAGS[@]}")
# The edit mode's own copy, edited between a crash and the resume.
cp "$SOURCE_DIR/runbooks/rollout.rb" "$work/edited-rollout.rb"
export RUNBOOK_TEST_WALL_OFFSET_FILE=$work/wall-offset
echo 0 >"$RUNBOOK_TEST_WALL_OFFSET_FILE"
resume_flags=()
scale=${RUNBOOK_TORTURE_SCALE:-600}
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
now_ms() { date +%s%3N; }


# What the sandbox is made to do before each run: nothing (the happy path),
# or, in the fault mode, green failing (FAULT_JSON).
fault_json=""
fault_ms=0
reset_world()
{
   reset_sandbox
   [ -z "$fault_json" ] || curl -sf -X POST "$SANDBOX_URL/sandbox/faults" -d "$fault_json" >/dev/null
}

# ---- an uninterrupted run: what every tortured run must end like.
# uninterrupted NAME EXIT: runs the rollout once, expects exit EXIT, and
# keeps NAME.split, NAME.traffic, NAME.other and NAME.status for check_run.
uninterrupted()
{
   local name=$1 want_rc=$2
   reset_world
   local t0 rc
   t0=$(now_ms)
   "$RUNBOOK" run "${rollout[@]}" --journal "$work/$name.db" --yes --time-scale "$scale" >"$name.out" 2>&1
   rc=$?
   full_ms=$(( $(now_ms) - t0 ))
   if [ "$rc" -ne "$want_rc" ]; then
      echo "the uninterrupted rollout ($name) exited $rc, expected $want_rc:" >&2
      tail -30 "$name.out" >&2
      exit 1
   fi
   split >"$name.split"
   traffic_steps >"$name.traffic"
   other_arrivals >"$name.other"
   sqlite3 "$work/$name.db" "SELECT status FROM runs" >"$name.status"
   unfinished_steps "$work/$name.db" "$(sqlite3 "$work/$name.db" "SELECT id FROM runs")" >"$name.unfinished"
   echo "uninterrupted run ($name): ${full_ms} ms at --time-scale $scale, exit $rc, $(cat "$name.status"), final split" \
        "$(cat "$name.split"), $(wc -l <"$name.traffic") traffic changes"
   [ -s "$name.other" ] || { echo "the uninterrupted rollout ($name) sent no other request (notifications)" >&2; exit 1; }
}

# The steps whose last attempt is not done (failed, in doubt), with the outcome.
unfinished_steps()
{
   sqlite3 "$1" "SELECT step_id || ' ' || IFNULL(outcome, 'in doubt') FROM attempts a
      WHERE run_id = '$2' AND attempt = (SELECT MAX(attempt) FROM attempts b WHERE b.run_id = a.run_id AND b.step_id = a.step_id)
        AND IFNULL(outcome, '') NOT IN ('done', 'marked_done', 'skipped') ORDER BY step_id"
}

# run_baseline: the happy path. The baseline is what every tortured run is
# compared with, so it must itself be the rollout: all traffic on green,
# reached through the canary shares (at least one share and the final 100%),
# the team told. An empty or shortened baseline would make every comparison
# below pass.
run_baseline()
{
   fault_json=""; base=baseline; expected_rc=0
   uninterrupted baseline 0
   jq -e '.green == 100 and .blue == 0' baseline.split >/dev/null ||
      { echo "the uninterrupted rollout did not end on green 100: $(cat baseline.split)" >&2; exit 1; }
   [ ! -s baseline.unfinished ] || { echo "the uninterrupted rollout left steps not done: $(cat baseline.unfinished)" >&2; exit 1; }
   [ "$(wc -l <baseline.traffic)" -ge 2 ] ||
      { echo "the uninterrupted rollout made $(wc -l <baseline.traffic) traffic changes, expected the canary shares and 100%" >&2; exit 1; }
}

# The escalation levels of the emergency rollback: the Slack POSTs of its
# `after` timers (rollback:emergency/N/...), one per level.
escalation_steps() { grep -E '^rollback:emergency/[0-9]+/1/fn:notify\.slack/1 ' "$1" | awk '{print $1}'; }

# fault_baseline: the failure path, uninterrupted. It must go where the
# rollout's failure routing says: canary traffic moved, then blue 100 by the
# emergency rollback (exit 3), all three escalation levels sent.
fault_baseline()
{
   fault_json='{"green": {"error_rate": 30.0}}'; base=fault-baseline; expected_rc=3
   uninterrupted fault-baseline 3
   fault_ms=$full_ms
   jq -e '.green == 0 and .blue == 100' fault-baseline.split >/dev/null ||
      { echo "the failing rollout did not end on blue 100: $(cat fault-baseline.split)" >&2; exit 1; }
   [ "$(cat fault-baseline.status)" = rolled_back ] ||
      { echo "the failing rollout ended $(cat fault-baseline.status), expected rolled_back" >&2; exit 1; }
   [ "$(escalation_steps fault-baseline.other | wc -l)" = 3 ] ||
      { echo "the failing rollout did not send the three escalation levels:" >&2; cat fault-baseline.other >&2; exit 1; }
   local level
   for level in 2 3 4; do
      [ "$(slack_bodies_matching "ESCALATION LEVEL $level ")" = 1 ] ||
         { echo "the failing rollout sent Level $level $(slack_bodies_matching "ESCALATION LEVEL $level ") times, expected once" >&2; exit 1; }
   done
}

# How many Slack messages' bodies contain TEXT.
slack_bodies_matching()
{
   curl -sf "$SANDBOX_URL/sandbox/requests" |
      jq --arg text "$1" '[.requests[] | select((.path | startswith("/hooks/slack/")) and .status < 300 and (.body | tostring | contains($text)))] | length'
}

# ---- the step ids an edited run was expected to use
# The edit mode inserts a step at the top of a phase. When the run adopts such
# an edit (resume --use-current, accepted because that phase has no journal
# records yet; or a first start after a kill that came before the run row),
# every later step of that phase moves one place down: the uninterrupted
# run's "canary-deployment/1[pct=5]/..." is this run's
# "canary-deployment/2[pct=5]/...". The run follows its journaled source, so
# the inserted lines in that source say how far each phase's ids moved.
inserted_per_phase()
{
   journal_query "$1" "SELECT text FROM sources WHERE run_id = '$2' ORDER BY ordinal LIMIT 1" |
      awk '/^phase "/ { split($0, q, "\""); slug = tolower(q[2]); gsub(/[^a-z0-9]+/, "-", slug); header = 1; n = 0 }
           header && /\{ *$/ { header = 0; counting = 1; next }
           counting && /^  log "inserted by the torture"$/ { n++; next }
           counting { counting = 0; if (n > 0) print slug, n }'
}
# Reads step ids (first word of each line) of the uninterrupted run and
# writes them as the run DB/RUN numbered them.
as_numbered_by_run()
{
   local shifts
   shifts=$(inserted_per_phase "$1" "$2")
   if [ -z "$shifts" ]; then cat; return; fi
   awk -v shifts="$shifts" 'BEGIN { n = split(shifts, rows, "\n"); for (i = 1; i <= n; i++) { split(rows[i], f, " "); by[f[1]] = f[2] } }
      { slash = index($0, "/"); slug = substr($0, 1, slash - 1)
        if (slash > 0 && (slug in by) && match(substr($0, slash + 1), /^[0-9]+/)) {
           rest = substr($0, slash + 1)
           $0 = slug "/" (substr(rest, 1, RLENGTH) + by[slug]) substr(rest, RLENGTH + 1)
        }
        print }'
}

# ---- checks on one finished run
check_run()
{
   local label=$1 db=$2 run=$3
   # What the uninterrupted run did, in this run's step ids.
   as_numbered_by_run "$db" "$run" <"$base.traffic" >"$label.want.traffic"
   as_numbered_by_run "$db" "$run" <"$base.other" >"$label.want.other"
   as_numbered_by_run "$db" "$run" <"$base.unfinished" >"$label.want.unfinished"
   [ -z "$(inserted_per_phase "$db" "$run")" ] || adopted_edits=$((adopted_edits + 1))
   local got
   got=$(split)
   [ "$got" = "$(cat "$base.split")" ] || fail "$label: final split $got, expected $(cat "$base.split")"

   local ok
   ok=$(sqlite3 "$db" "PRAGMA integrity_check")
   [ "$ok" = "ok" ] || fail "$label: integrity_check: $ok"

   # In-doubt settlements, per step: how many times redone / marked done.
   sqlite3 -separator ' ' "$db" \
      "SELECT step_id, json_extract(data_json, '$.decision') FROM events WHERE run_id = '$run' AND kind = 'in_doubt'" \
      >"$label.doubt"
   # (-F: step ids hold brackets, e.g. canary-deployment/1[pct=5]/2.)
   redone() { grep -Fxc "$1 redo" "$label.doubt"; }
   skipped() { grep -Fxc "$1 done" "$label.doubt"; }

   run_redone=$(grep -c ' redo$' "$label.doubt"); run_skipped=$(grep -c ' done$' "$label.doubt")
   # Marked done in doubt only when it did arrive (the informed policy).
   local step
   while read -r step; do
      curl -sf "$SANDBOX_URL/sandbox/requests" |
         jq -e --arg key "$run/$step" 'any(.requests[]; .idempotency_key == $key and .status < 300)' >/dev/null ||
         fail "$label: $step was marked done in doubt but its request never arrived"
   done < <(sqlite3 "$db" "SELECT e.step_id FROM events e JOIN attempts a ON a.run_id = e.run_id AND a.step_id = e.step_id
              WHERE e.run_id = '$run' AND e.kind = 'in_doubt' AND json_extract(e.data_json, '$.decision') = 'done'
                AND a.attempt = 1 AND a.kind = 'http' AND json_extract(a.inputs_json, '$.method') NOT IN ('GET', 'HEAD')")
   redone_total=$((redone_total + run_redone)); skipped_total=$((skipped_total + run_skipped))

   # Traffic: exactly once per key, and the baseline's order, minus skipped steps.
   traffic_steps >"$label.traffic"
   local dupes
   dupes=$(sort "$label.traffic" | uniq -d)
   [ -z "$dupes" ] || fail "$label: traffic changes applied twice: $dupes"
   local expected_traffic=()
   while read -r step; do
      if [ "$(skipped "$step")" -gt 0 ] && ! grep -Fqx "$step" "$label.traffic"; then continue; fi
      expected_traffic+=("$step")
   done <"$label.want.traffic"
   if [ "$(printf '%s\n' "${expected_traffic[@]}")" != "$(cat "$label.traffic")" ]; then
      fail "$label: traffic steps differ from the uninterrupted run's:"
      diff <(printf '%s\n' "${expected_traffic[@]}") "$label.traffic" >&2
   fi

   # Other POSTs: arrivals = 1 + redos at most; 0 only when skipped in doubt.
   other_arrivals >"$label.other"
   while read -r step count; do
      local arrived
      arrived=$(awk -v s="$step" '$1 == s {print $2}' "$label.other")
      arrived=${arrived:-0}
      local max=$(( count + $(redone "$step") ))
      if [ "$arrived" -gt "$max" ]; then fail "$label: $step arrived $arrived times (at most $max allowed)"; fi
      if [ "$arrived" -lt "$count" ] && [ "$(skipped "$step")" -eq 0 ]; then
         fail "$label: $step arrived $arrived times, expected $count, and it was not settled in doubt"
      fi
   done <"$label.want.other"

   # One continuous story: gapless event seqs, every step's last attempt done,
   # each step once in the log, in the order they first started.
   local gaps
   gaps=$(sqlite3 "$db" "SELECT COUNT(*) - (MAX(seq) - MIN(seq) + 1) FROM events WHERE run_id = '$run'")
   [ "$gaps" = 0 ] || fail "$label: the event sequence has gaps ($gaps)"
   # (The failure path's failing step stays failed: as in the uninterrupted run.)
   local unfinished
   unfinished=$(unfinished_steps "$db" "$run")
   [ "$unfinished" = "$(cat "$label.want.unfinished")" ] ||
      fail "$label: steps not done at the end: ${unfinished:-none}; the uninterrupted run's: $(cat "$label.want.unfinished")"
   "$RUNBOOK" log "$run" --journal "$db" --json >"$label.log.json" 2>"$label.log.err" ||
      fail "$label: runbook log --json failed: $(cat "$label.log.err")"
   local listed distinct
   # Every step done exactly once (an attempt redone in doubt is listed too,
   # but only one attempt of a step may be done).
   listed=$(jq -r '.steps[] | select(.outcome == "done" or .outcome == "marked_done" or .outcome == "skipped") | .id' "$label.log.json" | wc -l)
   distinct=$(jq -r '.steps[].id' "$label.log.json" | sort -u | wc -l)
   distinct=$(( distinct - $(grep -c . "$label.want.unfinished") ))
   [ "$listed" = "$distinct" ] || fail "$label: runbook log shows $listed done attempts for $distinct steps"
   local status
   status=$(sqlite3 "$db" "SELECT status FROM runs WHERE id = '$run'")
   [ "$status" = "$(cat "$base.status")" ] || fail "$label: run status $status, expected $(cat "$base.status")"
   [ -z "$fault_json" ] || check_escalation "$label" "$db" "$run"
   "$RUNBOOK" log "$run" --journal "$db" >"$label.log.txt" 2>&1 || fail "$label: runbook log failed"
}

# The failure path's timers: every escalation level's message arrived once,
# or once more per redo in doubt of its POST (never 0 unless settled "done"
# in doubt, and then it did arrive: checked above); each timer's steps
# finished once, none cancelled (nobody resolved). Counts the timers that
# fired on a resume after their deadline passed while runbook was dead.
check_escalation()
{
   local label=$1 db=$2 run=$3 level step arrived
   for level in 2 3 4; do
      # Level N's timer is step N+2 (steps 1 and 2 note when the rollback
      # started and that the traffic has not moved yet).
      step=rollback:emergency/$((level + 2))/1/fn:notify.slack/1
      arrived=$(slack_bodies_matching "ESCALATION LEVEL $level ")
      local max=$(( 1 + $(grep -Fxc "$step redo" "$label.doubt") ))
      if [ "$arrived" -gt "$max" ] || [ "$arrived" -lt 1 ]; then
         fail "$label: escalation Level $level arrived $arrived times, expected 1 (at most $max with the redos in doubt)"
      fi
   done
   local timers
   timers=$(sqlite3 "$db" "SELECT step_id || ' ' || json_extract(data_json, '$.event') || ' ' || COUNT(*) FROM events
      WHERE run_id = '$run' AND kind = 'timer' AND step_id GLOB 'rollback:emergency/[0-9]*'
        AND json_extract(data_json, '$.event') IN ('done', 'cancelled')
      GROUP BY step_id, json_extract(data_json, '$.event') ORDER BY step_id")
   local want
   want=$(printf 'rollback:emergency/%s done 1\n' 4 5 6)
   [ "$timers" = "$want" ] || fail "$label: timers settled as: ${timers//$'\n'/; } (expected each of Level 2, 3, 4 done once)"
   # Fired more than 5 runbook seconds (83 ms at --time-scale 60) after its
   # deadline: it fell due while no process was running and fired on resume
   # (a live run fires it within one supervisor pass, 50 ms).
   local late
   late=$(sqlite3 "$db" "SELECT COUNT(*) FROM events WHERE run_id = '$run' AND kind = 'timer'
      AND step_id GLOB 'rollback:emergency/[0-9]*' AND json_extract(data_json, '$.event') = 'fired'
      AND at - json_extract(data_json, '$.due') > 5000")
   late_fires=$((late_fires + late))
}

# ---- one tortured run: start, interrupt at random moments, resume until it ends
run_pid=""
timer_strikes=0; dead_past_deadline=0; late_fires=0; fault_runs=0
kills=0; ints=0; hups=0; clock_steps=0; edits=0; edit_refusals=0; adopted_edits=0; restarts=0; runs=0; attempts_total=0; redone_total=0; skipped_total=0
start_or_resume()
{
   local db=$1 policy=$2
   # A kill before the run row was committed leaves nothing to resume (and
   # nothing done): start again.
   local started
   started=$(journal_query "$db" "SELECT COUNT(*) FROM runs")
   [ "$policy" = informed ] && policy=$(informed_policy "$db")
   # Created here, not by the job's redirection, so that wait_for_post can
   # open it at once.
   : >"$db.attempt.out"
   if [ "${started:-0}" = 0 ]; then
      local file=${rollout[0]}
      [ "${edit_mode:-0}" = 1 ] && file=$work/edited-rollout.rb
      "$RUNBOOK" run "$file" "${rollout[@]:1}" --journal "$db" --yes --time-scale "$scale" --in-doubt "$policy" \
         >"$db.attempt.out" 2>&1 &
   else
      "$RUNBOOK" resume --journal "$db" --yes --time-scale "$scale" --in-doubt "$policy" ${resume_flags[@]+"${resume_flags[@]}"} \
         >"$db.attempt.out" 2>&1 &
   fi
   run_pid=$!
}

# What an operator who can read the load balancer's and hooks' request logs
# decides for the in-doubt step: skip (mark done) if its POST arrived and was
# accepted, redo otherwise.
informed_policy()
{
   local db=$1 step run
   run=$(journal_query "$db" "SELECT id FROM runs LIMIT 1")
   step=$(journal_query "$db" "SELECT a.step_id FROM attempts a
      WHERE a.kind = 'http' AND json_extract(a.inputs_json, '$.method') NOT IN ('GET', 'HEAD')
        AND IFNULL(a.outcome, 'interrupted') = 'interrupted'
        AND a.attempt = (SELECT MAX(attempt) FROM attempts b WHERE b.run_id = a.run_id AND b.step_id = a.step_id)")
   if [ -n "$step" ] && curl -sf "$SANDBOX_URL/sandbox/requests" |
         jq -e --arg key "$run/$step" 'any(.requests[]; .idempotency_key == $key and .status < 300)' >/dev/null; then
      echo skip
   else
      echo redo
   fi
}

# A read of the journal beside the live writer (WAL: readers never block it).
journal_query() { sqlite3 -cmd ".timeout 5000" "$1" "$2" 2>/dev/null; }
finished_steps() { journal_query "$1" "SELECT COUNT(*) FROM events WHERE kind = 'step_finished'"; }

# Where the interruptions land is chosen in progress terms, not wall time: a
# `watch` restarts its window on resume (the gap was not observed; it keeps
# the bad samples it journaled, so its budget is not reset), so kills
# at random wall moments can land inside the same watch for ever (the first
# version of this test livelocked so after 48 kills). Most interruptions
# wait until the journal shows at least one more finished step than when the
# attempt began, then a random delay of up to ~1/10 of an uninterrupted run:
# every such attempt makes progress, and the moment still falls anywhere,
# inside a request, a watch, a journal write or the resume itself. One in
# five strikes after the random delay alone, progress or not (a kill during
# start-up or while the resume reads the journal).
wait_for_progress()
{
   local db=$1 before=$2 deadline=$(( $(now_ms) + 60000 ))
   while kill -0 "$run_pid" 2>/dev/null; do
      local now_done
      now_done=$(finished_steps "$db")
      [ "${now_done:-0}" -gt "$before" ] && return 0
      if [ "$(now_ms)" -gt "$deadline" ]; then
         fail "no step finished within 60 s of a start or resume; the run's output ends:"
         tail -15 "$db.out" >&2
         return 1
      fi
      [ "$eager" = 1 ] || sleep 0.01
   done
}

# The escalation timers armed and not yet fired, done or cancelled (a condition on events e).
pending_timer="e.kind = 'timer' AND json_extract(e.data_json, '$.event') = 'armed'
   AND NOT EXISTS (SELECT 1 FROM events d WHERE d.run_id = e.run_id AND d.step_id = e.step_id AND d.kind = 'timer'
                   AND json_extract(d.data_json, '$.event') IN ('fired', 'done', 'cancelled'))"
# The wall-clock moment (ms) at which the earliest pending timer falls due;
# nothing when none is pending. (A scaled clock counts the wall time since
# its origin, the gap while no process ran included: runbook time = origin +
# (wall - origin) x scale.)
next_timer_due_wall()
{
   journal_query "$1" "SELECT CAST(r.clock_origin_ms + (MIN(json_extract(e.data_json, '$.due')) - r.clock_origin_ms) / r.time_scale AS INTEGER)
      FROM runs r JOIN events e ON e.run_id = r.id WHERE $pending_timer"
}
# Waits (at most 30 s) until a timer is armed and pending, or the run ends.
wait_for_pending_timer()
{
   local db=$1 deadline=$(( $(now_ms) + 30000 ))
   while kill -0 "$run_pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do
      [ "$(journal_query "$db" "SELECT COUNT(*) FROM events e WHERE $pending_timer")" -gt 0 ] 2>/dev/null && return 0
      sleep 0.02
   done
}

# Follows this attempt's output until runbook prints a POST step's start;
# gives up after 5 s (the run may have no POST left).
wait_for_post()
{
   local out=$1 line="" partial="" deadline=$(( $(now_ms) + 5000 ))
   exec 3<"$out" || return 0
   while kill -0 "$run_pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do
      if IFS= read -r line <&3; then
         line=$partial$line; partial=""
         [[ $line == *"] http POST "* ]] && break
      else
         partial+=$line      # read stopped at the end of a half-written line
         sleep 0.002
      fi
   done
   exec 3<&-
}

random_sleep()
{
   local span=$(( full_ms / 10 + 20 ))
   local delay_ms=$(( (RANDOM * 32768 + RANDOM) % span ))
   sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
}

torture_one()
{
   local mode=$1 label=$2 policy=$3
   local db="$work/$label.db"
   reset_world
   local rc=-1 attempts=0 before
   while :; do
      attempts=$((attempts + 1)); attempts_total=$((attempts_total + 1))
      if [ "$attempts" -gt 400 ]; then fail "$label: still not finished after 400 resumes"; return; fi
      edit_mode=0; [ "$mode" = edit ] && edit_mode=1
      before=$(finished_steps "$db"); before=${before:-0}
      start_or_resume "$db" "$policy"
      # SIGINT always waits for progress: a background job of a script
      # starts with SIGINT ignored (POSIX), so one sent before runbook
      # installed its handler would be lost, not tested.
      # The moment, 1 in 5 each: after a random delay alone; the instant
      # runbook prints that it starts a POST (journaled as started, the
      # request about to go or in flight: the in-doubt case); the instant a
      # step more has finished (polled without pause); and, twice, a random
      # delay after a step more has finished.
      local moment=$((RANDOM % 5))
      [ "$mode" = int ] && [ "$moment" = 0 ] && moment=2
      # The failure path: one in three aims at the escalation timers.
      [ -n "$fault_json" ] && [ $((RANDOM % 3)) = 0 ] && moment=timers
      eager=0; [ "$moment" = 2 ] && eager=1
      case $moment in
         0) random_sleep ;;
         1) wait_for_post "$db.attempt.out" ;;
         2) wait_for_progress "$db" "$before" || return ;;
         timers) wait_for_pending_timer "$db"; random_sleep ;;
         *) wait_for_progress "$db" "$before" || return; random_sleep ;;
      esac
      sent_int=""
      if kill -0 "$run_pid" 2>/dev/null; then
         case $mode in
            kill) kill -KILL "$run_pid" 2>/dev/null && kills=$((kills + 1)) ;;
            int)
               sent_int=$(finished_steps "$db")
               kill -INT "$run_pid" 2>/dev/null || sent_int="" ;;
            hup)
               sent_int=$(finished_steps "$db")
               kill -HUP "$run_pid" 2>/dev/null && hups=$((hups + 1)) || sent_int="" ;;
            clock)
               # The wall clock steps under the running process; durations
               # are monotonic, so the run carries on unaffected until killed.
               echo $(( RANDOM % 2 ? 300000 : -300000 )) >"$RUNBOOK_TEST_WALL_OFFSET_FILE"
               random_sleep
               kill -KILL "$run_pid" 2>/dev/null && kills=$((kills + 1)) && clock_steps=$((clock_steps + 1))
               echo 0 >"$RUNBOOK_TEST_WALL_OFFSET_FILE" ;;
            edit)
               kill -KILL "$run_pid" 2>/dev/null && kills=$((kills + 1))
               # A step inserted at the top of a random phase.
               local phase=$(( RANDOM % 4 + 1 ))
               awk -v n="$phase" '{ print } /^phase / { seen++; pending = seen == n } pending && /\{ *$/ { print "  log \"inserted by the torture\""; pending = 0 }' \
                  "$work/edited-rollout.rb" >"$work/edited.tmp" && mv "$work/edited.tmp" "$work/edited-rollout.rb"
               edits=$((edits + 1)) ;;
            sandbox)
               if [ $((RANDOM % 2)) = 0 ]; then
                  # Freeze runbook, crash and restart the sandbox, thaw: the
                  # run sees its connection reset and must carry on.
                  kill -STOP "$run_pid" 2>/dev/null
                  sandbox_kill; sandbox_start "$work" "$SANDBOX_PORT" || { fail "$label: sandbox restart"; return; }
                  kill -CONT "$run_pid" 2>/dev/null
                  # ... and crash runbook a little later, so the run ends
                  # through resumes like every other mode.
                  random_sleep
                  kill -KILL "$run_pid" 2>/dev/null && kills=$((kills + 1))
               else
                  # A power cut: both die at once; both restart.
                  kill -KILL "$run_pid" 2>/dev/null; sandbox_kill
                  kills=$((kills + 1))
                  sandbox_start "$work" "$SANDBOX_PORT" || { fail "$label: sandbox restart"; return; }
               fi
               restarts=$((restarts + 1)) ;;
         esac
      fi
      { wait "$run_pid"; } 2>/dev/null; rc=$?    # (no "Killed" line per kill)
      run_pid=""
      # (Read once the process is gone: the journal cannot change any more.)
      local pending_due=""
      [ -n "$fault_json" ] && pending_due=$(next_timer_due_wall "$db")
      if [ -n "$pending_due" ] && [ "$rc" != "$expected_rc" ]; then
         # Struck while escalation timers were pending.
         timer_strikes=$((timer_strikes + 1))
         # Half the time nobody resumes until the next deadline has passed:
         # the timer falls due while no process runs, and must fire on resume.
         if [ $((RANDOM % 2)) = 0 ]; then
            local dead_ms=$(( pending_due - $(now_ms) + 100 ))
            [ "$dead_ms" -gt 0 ] && sleep "$(printf '%d.%03d' $((dead_ms / 1000)) $((dead_ms % 1000)))"
            dead_past_deadline=$((dead_past_deadline + 1))
         fi
      fi
      cat "$db.attempt.out" >>"$db.out"
      if [ "$mode" = edit ] && [ "$rc" != 0 ]; then
         # Resume the edited file; a refusal names what changed, and the
         # journaled source carries on.
         resume_flags=(--use-current)
      else
         resume_flags=()
      fi
      if [ "$rc" = 2 ] && [ "$mode" = edit ] && grep -q "refusing --use-current" "$db.attempt.out"; then
         grep -q "was .*, is now\|not in the file any more\|defined differently" "$db.attempt.out" ||
            { fail "$label: the refusal does not say what changed: $(tail -3 "$db.attempt.out")"; return; }
         edit_refusals=$((edit_refusals + 1))
         resume_flags=()
         rc=137   # Resume again, with the journaled source.
      fi
      if [ -n "$sent_int" ]; then
         if [ "$rc" = 130 ]; then
            ints=$((ints + 1))
         elif [ "$rc" = "$expected_rc" ] && [ "$(( $(finished_steps "$db") - sent_int ))" -gt 3 ]; then
            # The run may end normally if the signal came during its last
            # step; carrying on for several more steps is ignoring Ctrl-C.
            fail "$label: runbook ignored SIGINT: $(( $(finished_steps "$db") - sent_int )) more steps finished, then it exited $rc"
            return
         fi
      fi
      # Struck after it journaled the end, before it exited: nothing to resume.
      if [ "$rc" != "$expected_rc" ] && [ "$(journal_query "$db" "SELECT status FROM runs")" = "$(cat "$work/$base.status")" ]; then
         rc=$expected_rc
      fi
      [ "$rc" = "$expected_rc" ] && break
      # A request cut off in flight (the sandbox restarted under it) may end
      # the run by itself before the torture's kill: exit 1, the step in
      # doubt and the run left interrupted, for an operator to resume.
      if [ "$rc" = 1 ] && [ "$(journal_query "$db" "SELECT status FROM runs")" = interrupted ] &&
         grep -q "stays resumable" "$db.attempt.out"; then
         rc=137
      fi
      case $rc in
         130|137) continue ;;     # interrupted / killed: resume
         *)
            fail "$label: runbook exited $rc (policy $policy); its output ends:"
            tail -15 "$db.out" >&2
            return ;;
      esac
   done
   local run
   run=$(journal_query "$db" "SELECT id FROM runs ORDER BY started_at DESC LIMIT 1")
   check_run "$label" "$db" "$run"
   runs=$((runs + 1))
   echo "$label: completed after $attempts starts and resumes; in doubt: $run_redone redone, $run_skipped marked done" \
        "(--in-doubt $policy); $failures failures so far"
}

policies=(redo informed)
eager=0
# Tortures runs in MODE until the counter named COUNTER reaches MIN, or until
# something failed. An edit run starts from a fresh copy of the runbook.
torture_until() {
   local mode=$1 counter=$2 min=$3
   while [ "$failures" -eq 0 ] && [ "${!counter}" -lt "$min" ]; do
      n=$((n + 1))
      [ "$mode" = edit ] && cp "$SOURCE_DIR/runbooks/rollout.rb" "$work/edited-rollout.rb"
      torture_one "$mode" "$mode-$n" "${policies[RANDOM % 2]}"
   done
}

t_start=$(now_ms)
n=0
modes=${RUNBOOK_TORTURE_MODES:-happy fault}
# Only these two: a mode the script does not know would torture nothing and
# pass (RUNBOOK_TORTURE_MODES=edit once did exactly that).
for mode in $modes; do
   case $mode in
      happy | fault) ;;
      *) echo "unknown RUNBOOK_TORTURE_MODES entry '$mode': the modes are 'happy' (kill, int, sandbox, hup, clock, edit) and 'fault'" >&2
         exit 2 ;;
   esac
done
if [[ " $modes " == *" happy "* ]]; then
   run_baseline
   torture_until kill kills "$min_kills"
   torture_until int ints "$min_ints"
   torture_until sandbox restarts "$min_restarts"
   torture_until hup hups "$min_hups"
   torture_until clock clock_steps "$min_steps"
   torture_until edit edits "$min_edits"
   resume_flags=()
fi
happy_s=$(( ($(now_ms) - t_start) / 1000 ))

# The failure path, at --time-scale 60: the emergency rollback's timers are a
# second apart, room for a kill between two of them.
t_fault=$(now_ms)
fault_kills=0; fault_ints=0; fault_hups=0
if [ "$failures" -eq 0 ] && [[ " $modes " == *" fault "* ]]; then
   scale=${RUNBOOK_TORTURE_FAULT_SCALE:-60}
   fault_baseline
   for mode in kill int hup; do
      case $mode in
         kill) want=$min_fault_kills ;;
         int) want=$min_fault_ints ;;
         hup) want=$min_fault_hups ;;
      esac
      while [ "$failures" -eq 0 ]; do
         case $mode in
            kill) [ "$fault_kills" -lt "$want" ] || break ;;
            int) [ "$fault_ints" -lt "$want" ] || break ;;
            hup) [ "$fault_hups" -lt "$want" ] || break ;;
         esac
         before_kills=$kills; before_ints=$ints; before_hups=$hups
         n=$((n + 1)); torture_one "$mode" "fault-$mode-$n" "${policies[RANDOM % 2]}"
         fault_kills=$((fault_kills + kills - before_kills))
         # (A SIGHUP also ends the run with exit 130 and counts in $ints.)
         [ "$mode" = int ] && fault_ints=$((fault_ints + ints - before_ints))
         fault_hups=$((fault_hups + hups - before_hups))
         fault_runs=$((fault_runs + 1))
      done
   done
   [ "$failures" -gt 0 ] || [ "$timer_strikes" -gt 0 ] ||
      fail "the failure path was never struck while escalation timers were pending"
   [ "$failures" -gt 0 ] || [ "$dead_past_deadline" = 0 ] || [ "$late_fires" -gt 0 ] ||
      fail "$dead_past_deadline times runbook stayed dead past a timer's deadline, but no timer fired late on resume"
fi
fault_s=$(( ($(now_ms) - t_fault) / 1000 ))
elapsed=$(( ($(now_ms) - t_start) / 1000 ))

echo "crash torture (seed $seed): $hups SIGHUPs, $clock_steps wall-clock steps, $edits edits between crash and" \
     "resume ($edit_refusals --use-current refused; $adopted_edits runs ended on an edited source)"
echo "crash torture (seed $seed): failure path (emergency rollback, escalation timers): $fault_runs runs after" \
     "$fault_kills SIGKILLs, $fault_ints SIGINTs, $fault_hups SIGHUPs; $timer_strikes struck with timers pending," \
     "$dead_past_deadline stayed dead past a deadline, $late_fires timers fired late on resume; ${fault_s} s" \
     "(the rest: ${happy_s} s)"
echo "crash torture (seed $seed): $runs runs completed after $kills SIGKILLs, $ints SIGINTs and" \
     "$restarts sandbox restarts ($attempts_total starts and resumes; in-doubt steps: $redone_total redone," \
     "$skipped_total marked done), in ${elapsed} s; $failures failures"
[ "$runs" -gt 0 ] || [ "$fault_runs" -gt 0 ] || fail "nothing was tortured: no run completed in any mode"
[ "$failures" -eq 0 ]
