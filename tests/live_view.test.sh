#!/usr/bin/env bash
# The live terminal view, end to end: the real `runbook run` of a small
# runbook (a wait, a watch of a metric, an armed trigger) under a
# pseudo-terminal, then the same run piped.
#
# On a terminal: the status block is redrawn in place (cursor up + erase),
# shows the progress bar, time left, the metric against its threshold and the
# armed trigger, and the terminal is left clean (cursor shown, plain lines).
# NO_COLOR: still redrawn, never coloured. --output plain: line by line.
# Ctrl-C: exit 130, cursor shown. Piped: no escape sequence at all.
set -uo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pty_run() { python3 "$SOURCE_DIR/tests/live/pty_run.py" "$@"; }
has() { grep -qaP -- "$2" "$1"; }

echo 0.4 >"$work/error_rate"
runbook_file="$SOURCE_DIR/tests/live/watch.rb"
n=0
# 18s of runbook time: 3s of wall time at the default scale, 1.5s with "fast".
run_args() {
   n=$((n + 1))
   echo run "$runbook_file" -p "metrics_dir=$work" --journal "$work/journal-$n.db" --time-scale "$([ "${1:-}" = fast ] && echo 12 || echo 6)"
}

# ---- a terminal (UTF-8, colour)
export LANG=C.UTF-8
unset NO_COLOR
# shellcheck disable=SC2046
pty_run "$work/tty.out" 100 "$RUNBOOK" $(run_args)
rc=$?
[ "$rc" = 0 ] || fail "live run exited $rc: $(tail -c 2000 "$work/tty.out")"
out="$work/tty.out"
has "$out" '\e\[\d+A\e\[J' || fail "no in-place redraw (cursor up + erase)"
[ "$(grep -aoP '\e\[\d+A' "$out" | wc -l)" -ge 5 ] || fail "fewer than 5 redraws during an 18s (3s wall) run"
has "$out" '█+░+\]' || fail "no progress bar"
has "$out" 'left \(~\d+s real\)' || fail "no time left"
has "$out" 'phase 1/1: Canary' || fail "no phase in the status block"
has "$out" 'error_rate 0\.4% < 1%' || fail "no metric against its threshold"
has "$out" 'triggers: 1 armed' || fail "no armed trigger"
has "$out" 'high_errors P0' || fail "the armed trigger is not named"
has "$out" '\e\[3[0-9](;1)?m' || fail "no colour on a colour terminal"
has "$out" '-- phase: Canary' || fail "the plain lines do not scroll above the block"
has "$out" '== completed' || fail "no final summary line"
# Left clean: the cursor is shown after it was last hidden, and nothing is drawn after the summary.
last_hide=$(grep -aboP '\e\[\?25l' "$out" | tail -n1 | cut -d: -f1)
last_show=$(grep -aboP '\e\[\?25h' "$out" | tail -n1 | cut -d: -f1)
[ -n "$last_show" ] && [ "${last_show:-0}" -gt "${last_hide:-0}" ] || fail "the cursor is left hidden"
tail_text=$(grep -aoP '== completed.*' "$out" | tail -n1)
[[ "$tail_text" != *$'\e['*A* ]] || fail "the status block was redrawn after the run ended"

# ---- NO_COLOR: redrawn, no colour
# shellcheck disable=SC2046
NO_COLOR=1 pty_run "$work/nocolor.out" 100 "$RUNBOOK" $(run_args fast) || fail "NO_COLOR run failed"
has "$work/nocolor.out" '\e\[\d+A' || fail "NO_COLOR: no live redraw"
! has "$work/nocolor.out" '\e\[[0-9;]*m' || fail "NO_COLOR: colour sequences printed"

# ---- narrow terminal: lines are cut, never wrapped
# shellcheck disable=SC2046
pty_run "$work/narrow.out" 40 "$RUNBOOK" $(run_args fast) || fail "narrow run failed"
python3 - "$work/narrow.out" <<'PY' || fail "a status line is wider than the 40-column terminal"
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
# Status lines: what is printed after an erase (ESC [ J) up to the next cursor-up.
for block in re.findall(r"\x1b\[J(.*?)(?=\x1b\[\d+A|$)", text, re.S):
    for line in block.split("\r\n"):
        if re.match(r"\d\d:\d\d:\d\d ", line):
            continue  # A scrolling log line (may wrap; it is not redrawn).
        visible = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line)
        if len(visible) > 39:
            print("too wide:", repr(visible)); sys.exit(1)
PY

# ---- --output plain on a terminal: line by line
# shellcheck disable=SC2046
pty_run "$work/plain.out" 100 "$RUNBOOK" $(run_args fast) --output plain || fail "plain run failed"
! has "$work/plain.out" '\e\[\d+A' || fail "--output plain redraws in place"
has "$work/plain.out" '~ \[.*\] error_rate < 1%: ok' || fail "--output plain lacks the sample lines"

# ---- --output json on a terminal: one JSON object per line
# shellcheck disable=SC2046
pty_run "$work/json.out" 100 "$RUNBOOK" $(run_args fast) --output json || fail "json run failed"
! has "$work/json.out" '\e\[' || fail "--output json has escape sequences"
tr -d '\r' <"$work/json.out" | python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin if l.strip()]' \
   || fail "--output json lines are not JSON"

# ---- Ctrl-C: exit 130, the terminal left clean
# shellcheck disable=SC2046
PTY_CTRL_C_AFTER=1 pty_run "$work/ctrlc.out" 100 "$RUNBOOK" $(run_args)
rc=$?
[ "$rc" = 130 ] || fail "Ctrl-C: exit $rc, expected 130"
has "$work/ctrlc.out" 'interrupted' || fail "Ctrl-C: no interrupted summary"
last_hide=$(grep -aboP '\e\[\?25l' "$work/ctrlc.out" | tail -n1 | cut -d: -f1)
last_show=$(grep -aboP '\e\[\?25h' "$work/ctrlc.out" | tail -n1 | cut -d: -f1)
[ -n "$last_show" ] && [ "${last_show:-0}" -gt "${last_hide:-0}" ] || fail "Ctrl-C: the cursor is left hidden"

# ---- piped: exactly the plain lines, no escape sequence
# shellcheck disable=SC2046
"$RUNBOOK" $(run_args fast) </dev/null | cat >"$work/pipe.out"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "piped run exited $rc"
! has "$work/pipe.out" '\e' || fail "piped output has escape sequences"
has "$work/pipe.out" '^\d\d:\d\d:\d\d -- phase: Canary$' || fail "piped output lacks the plain phase line"
has "$work/pipe.out" '^\d\d:\d\d:\d\d    ~ \[.*\] error_rate < 1%: ok' || fail "piped output lacks the sample lines"
has "$work/pipe.out" '^\d\d:\d\d:\d\d == completed$' || fail "piped output lacks the summary"

# ---- a pending timer and a question nobody answers (issue 12): the block
# says what the timer will do, when, and what cancels it; the question says
# its choices, its deadline and what nobody answering decides, in words.
pty_run "$work/timer.out" 160 "$RUNBOOK" run "$SOURCE_DIR/tests/live/timer_ask.rb" --journal "$work/timer.db" --time-scale 6
rc=$?
[ "$rc" = 0 ] || fail "timer/ask run exited $rc: $(tail -c 2000 "$work/timer.out")"
out="$work/timer.out"
has "$out" 'timer in \d+s \(~\d+s real\): escalate\("Level 2", "Engineering team"\), unless resolved' ||
   fail "the status block does not show the pending timer, when it is due and what it does"
has "$out" 'What now\? \[wait \| roll back\] \(unanswered by \d\d:\d\d:\d\d, in 6s: "roll back" by default\)' ||
   fail "the prompt does not say when nobody answering decides, and what"
has "$out" '\?  \[.*\] DNS records are not resolving yet\. What now\?  \(choices: wait \| roll back; unanswered by' ||
   fail "the question's line does not list the ask's choices and its deadline"
has "$out" 'chose roll back' || fail "nobody answered, but the default was not taken"
has "$out" 'Level 2: bringing in Engineering team' || fail "the timer did not fire"

if [ "$failures" -gt 0 ]; then
   echo "$failures failure(s); outputs in $work" >&2
   trap - EXIT
   exit 1
fi
echo "live view: all checks passed"
