#!/usr/bin/env bash
# Hostile runbook files through the CLI (`runbook check`, `runbook run`):
# a 50 MB runbook, a 50 MB line of garbage, NUL bytes, invalid UTF-8, deep
# nesting, unterminated strings and interpolations, an import cycle, and files
# that are not files (/dev/zero, a FIFO, a folder). Each: a clear error (exit
# 2) or success, within a time bound, never a crash or a hang. The unit-level
# cases (and linear scaling) are in tests/unit/hostile_input_test.cpp.
set -uo pipefail
: "${RUNBOOK:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0
tried=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# expect LABEL EXIT_CODES PATTERN SECONDS -- command...
expect()
{
   local label=$1 codes=$2 pattern=$3 limit=$4; shift 5
   tried=$((tried + 1))
   local start=$SECONDS rc
   timeout "$limit" "$@" >"$label.out" 2>&1 </dev/null; rc=$?
   local took=$((SECONDS - start))
   if [ "$rc" = 124 ]; then fail "$label: still running after ${limit}s"; return; fi
   [ "$rc" -lt 128 ] || { fail "$label: crashed (exit $rc)"; tail -5 "$label.out" >&2; return; }
   grep -qw "$rc" <<<"$codes" || fail "$label: exit $rc, expected one of: $codes"
   [ -z "$pattern" ] || grep -qiE "$pattern" "$label.out" || fail "$label: the output does not say /$pattern/: $(head -c 400 "$label.out")"
   local size
   size=$(wc -c <"$label.out")
   [ "$size" -lt 1048576 ] || fail "$label: ${size} bytes of output"
   echo "ok: $label -> exit $rc in ${took}s: $(grep -m1 -E 'error|warning|NUL|nest' "$label.out" | cut -c1-150)"
}

header='runbook "hostile"'
chunk='
phase "Wave" {
  checklist "Before" {
    - "Dashboards open"
  }
  log "routing traffic"
  wait 5m
  if 1 < 2 {
    log "nested"
  }
}
'
# A 50 MB runbook of valid phases.
{ echo "$header"; for _ in $(seq 1 2000); do printf '%s' "$chunk"; done; } >chunk2000.rb
{ echo "$header"; while [ "$(stat -c %s big.rb 2>/dev/null || echo 0)" -lt 52428800 ]; do cat chunk2000.rb; done; } >big.rb 2>/dev/null
# The phases repeat their names: the checker reports duplicates, bounded.
expect "50 MB runbook" "0 2" "" 300 -- "$RUNBOOK" check big.rb

{ echo "$header"; head -c 52428800 /dev/zero | tr '\0' '@'; echo; } >garbage-line.rb
expect "50 MB line of garbage" "2" "error" 300 -- "$RUNBOOK" check garbage-line.rb

printf '%s\nphase "p" {\n  log "a"\0\0\n}\n' "$header" >nul.rb
expect "NUL bytes" "2" "NUL" 10 -- "$RUNBOOK" check nul.rb

printf '%s\nphase "p" {\n  log "caf\xe9 \xff\xfe \xc0\xaf"\n}\n' "$header" >utf8.rb
expect "invalid UTF-8 (text)" "0 2" "" 10 -- "$RUNBOOK" check utf8.rb
expect "invalid UTF-8 (json)" "0 2" "" 10 -- "$RUNBOOK" check utf8.rb --format json
if [ -s "invalid UTF-8 (json).out" ]; then
   jq -e . "invalid UTF-8 (json).out" >/dev/null 2>&1 || fail "check --format json printed invalid JSON for invalid UTF-8 input"
fi

{ echo "$header"; echo 'phase "p" {'; printf 'let x = '; head -c 100000 /dev/zero | tr '\0' '('; echo 1; echo '}'; } >nested.rb
expect "100000 nested parentheses" "2" "nest" 10 -- "$RUNBOOK" check nested.rb
{ echo "$header"; echo 'phase "p" {'; for _ in $(seq 1 5000); do echo 'if true {'; done; } >blocks.rb
expect "5000 nested blocks, unclosed" "2" "nest" 10 -- "$RUNBOOK" check blocks.rb

printf '%s\nphase "p" {\n  log "never closed\n}\n' "$header" >string.rb
expect "unterminated string" "2" "string.rb:3" 10 -- "$RUNBOOK" check string.rb
printf '%s\nphase "p" {\n  log "${x\n}\n' "$header" >interp.rb
expect "unterminated interpolation" "2" "interp.rb:3" 10 -- "$RUNBOOK" check interp.rb
printf '%s\nlog "${' "$header" >interp-eof.rb
expect "interpolation at end of file" "2" "error" 10 -- "$RUNBOOK" check interp-eof.rb

printf '%s\nuse "./b.rb"\n' "$header" >a.rb
printf 'use "./c.rb"\nfn fb() {\n  log "b"\n}\n' >b.rb
printf 'use "./b.rb"\nfn fc() {\n  log "c"\n}\n' >c.rb
expect "import cycle" "2" "cycle" 10 -- "$RUNBOOK" check a.rb
expect "import cycle (run)" "2" "cycle" 10 -- "$RUNBOOK" run a.rb --journal cycle.db --yes

expect "/dev/zero" "2" "" 10 -- "$RUNBOOK" check /dev/zero
mkfifo fifo.rb
expect "a FIFO" "2" "" 10 -- "$RUNBOOK" check fifo.rb
mkdir folder.rb
expect "a folder" "2" "" 10 -- "$RUNBOOK" check folder.rb
expect "run a file with NUL bytes" "2" "NUL" 10 -- "$RUNBOOK" run nul.rb --journal nul.db --yes

echo "hostile runbooks: $tried inputs tried, $failures failures"
[ "$failures" -eq 0 ]
