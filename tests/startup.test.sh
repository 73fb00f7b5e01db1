#!/usr/bin/env bash
# What a command pays before it starts working (docs/performance.md).
# libcurl is opened when a run makes its first request, never by a command
# that makes none (interpreter/io/curl_library.hpp), and only the command
# named on the command line is declared to CLI11 (cli/main.cpp):
#   - every command `runbook --help` lists is found by its own name (the
#     command table's names are CLI11's), with its own flags;
#   - the binary does not link libcurl or OpenSSL;
#   - check, plan and simulate load neither (the dynamic loader says what it
#     loads under LD_DEBUG=libs);
#   - a run with an HTTP step does load libcurl, and its request works: a
#     connection refused is said in words, with the URL.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
: "${SOURCE_DIR:?}"

commands=$("$RUNBOOK" --help | awk '/^Subcommands:/ { inside = 1; next } inside && /^  [a-z]/ { print $1 }')
[ "$(wc -w <<<"$commands")" -ge 20 ] || fail "runbook --help lists only: $commands"
for command in $commands; do
   usage=$("$RUNBOOK" "$command" --help 2>&1 | head -3)
   grep -q "runbook $command" <<<"$usage" || fail "runbook $command --help is not its own help: $usage"
done
"$RUNBOOK" chek x.rb >typo.txt 2>&1
code=$?
[ $code -eq 2 ] || fail "an unknown command exits 2, got $code"
grep -q "there is no command 'chek' (did you mean 'check'?)" typo.txt || fail "an unknown command is said, with the closest: $(cat typo.txt)"

linked=$(ldd "$RUNBOOK" 2>&1)
grep -Eq "libcurl|libssl|libcrypto" <<<"$linked" && fail "runbook links libcurl or OpenSSL: $linked"

rollout=$SOURCE_DIR/runbooks/rollout.rb
for command in "check $rollout" "plan $rollout" "simulate $rollout --scenario $SOURCE_DIR/runbooks/tests/rollout-happy.scenario"; do
   # shellcheck disable=SC2086
   LD_DEBUG=libs "$RUNBOOK" $command >out.txt 2>loader.txt
   code=$?
   [ $code -eq 0 ] || fail "runbook $command should succeed (0), got $code: $(grep -v '^ *[0-9]*:' loader.txt | head -5)"
   grep -q "calling init: .*libfmt" loader.txt || fail "LD_DEBUG=libs said nothing for runbook $command: the check below proves nothing"
   if seen=$(grep -E "calling init: .*(libcurl|libssl)" loader.txt); then fail "runbook $command loaded: $seen"; fi
done

cat >refused.rb <<'EOF2'
runbook "One request to a port nobody listens on"
on fail stop
phase "Ask" {
  http get "http://127.0.0.1:9/health"
}
EOF2
LD_DEBUG=libs "$RUNBOOK" run refused.rb --journal j.db --yes </dev/null >run.txt 2>loader.txt
code=$?
[ $code -eq 1 ] || fail "the refused request should fail the run (exit 1), got $code: $(cat run.txt)"
grep -q "calling init: .*libcurl.so.4" loader.txt || fail "a run with an HTTP step should open libcurl"
grep -q "could not connect to http://127.0.0.1:9/health" run.txt ||
   fail "the refused connection should be said in words: $(cat run.txt)"

exit $((failures > 0))
