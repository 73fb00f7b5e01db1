#!/usr/bin/env bash
# `runbook serve`'s runs page on a journal holding many runs, as a team's
# does: it shows the newest page of runs (100) with links to older ones,
# filters by operator (who started the run) as `runbook runs --operator`
# does, and refuses a page that is not a number. Only the shown runs have
# their events read, so the page stays quick on thousands of runs.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
command -v curl >/dev/null || { echo "serve_runs_page: curl is not installed: skipped"; exit 77; }

cat >quick.rb <<'EOF2'
runbook "Quick"
phase "Only" {
  log "done"
}
EOF2
# 130 runs: the first 30 by bob, the next 100 by alice (the newest).
for i in $(seq 1 130); do
   who=alice
   [ "$i" -le 30 ] && who=bob
   RUNBOOK_OPERATOR=$who "$RUNBOOK" run quick.rb --journal j.db --yes --output plain >/dev/null 2>&1 ||
      { fail "run $i did not complete"; exit 1; }
done
oldest=$("$RUNBOOK" runs --journal j.db --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[-1]["id"])')
newest=$("$RUNBOOK" runs --journal j.db --json | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')

"$RUNBOOK" serve --journal j.db --listen 127.0.0.1:0 >serve.out 2>serve.err &
server=$!
cleanup_extra='kill $server 2>/dev/null; wait $server 2>/dev/null'
for _ in $(seq 1 100); do grep -q listening serve.out && break; sleep 0.1; done
base=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' serve.out)
[ -n "$base" ] || { fail "serve did not say where it listens: $(cat serve.out serve.err)"; exit 1; }

fetch() { curl -s -o "$1" -w '%{http_code}' "$base$2"; }
rows() { grep -o '<tr><td data-label="Run">' "$1" | wc -l; }

[ "$(fetch first.html /)" = 200 ] || fail "the runs page did not load"
[ "$(rows first.html)" = 100 ] || fail "the first page shows $(rows first.html) runs, not 100"
grep -qF "Runs 1-100 of 130." first.html || fail "the first page does not say which runs it shows"
grep -qF "$newest" first.html || fail "the first page lacks the newest run"
grep -qF "$oldest" first.html && fail "the first page shows the oldest run"
grep -q 'href="/?status=&amp;runbook=&amp;operator=&amp;page=1">Older<' first.html ||
   fail "the first page has no link to older runs"
grep -q '>Newer<' first.html && fail "the first page links to newer runs"

[ "$(fetch second.html '/?page=1')" = 200 ] || fail "the second page did not load"
[ "$(rows second.html)" = 30 ] || fail "the second page shows $(rows second.html) runs, not 30"
grep -qF "Runs 101-130 of 130." second.html || fail "the second page does not say which runs it shows"
grep -qF "$oldest" second.html || fail "the second page lacks the oldest run"
grep -q '>Newer<' second.html || fail "the second page has no link to newer runs"
grep -q '>Older<' second.html && fail "the last page links to older runs"

# Who started the run: the operator column and the filter.
[ "$(fetch bob.html '/?operator=bob')" = 200 ] || fail "the operator filter did not load"
[ "$(rows bob.html)" = 30 ] || fail "the operator filter shows $(rows bob.html) runs, not bob's 30"
grep -q '<td data-label="Operator">alice</td>' bob.html && fail "the operator filter shows alice's runs"
grep -q '<td data-label="Operator">bob</td>' bob.html || fail "bob's runs do not name him"
grep -q '>Older<' bob.html && fail "30 runs need no second page"
grep -q 'name="operator" value="bob"' bob.html || fail "the form forgets the operator filter"

[ "$(fetch beyond.html '/?page=7')" = 200 ] || fail "a page past the end did not load"
grep -qF "No runs match." beyond.html || fail "a page past the end shows runs"
for bad in abc -1 1e3 9999999; do
   [ "$(fetch bad.html "/?page=$bad")" = 400 ] || fail "page=$bad was not refused"
done
grep -qF "The page is not a number." bad.html || fail "a bad page is not said"

exit $((failures > 0))
