#!/usr/bin/env bash
# Fuzz the parser+checker, the scenario parser, the sh splice quoting and runbook fmt with libFuzzer.
#
#   scripts/fuzz.sh                 60 s per target (what scripts/test.sh runs in CI)
#   scripts/fuzz.sh --seconds N     N s per target
#   scripts/fuzz.sh --long          1 hour per target (before a release,
#                                   or after touching the grammar); the corpus it
#                                   grows is kept in build-fuzz/corpus/ between runs
#
# Builds build-fuzz/ with clang (-DRUNBOOK_FUZZ=ON: libFuzzer + ASan + UBSan),
# seeds each target from the tests (runbooks/, stdlib/, tests/**/*.rb,
# tests/regressions/, runbooks/tests/*.scenario) and runs it with a 2 s
# per-input timeout (a hang is a finding) and an RSS limit. A finding is
# copied to tests/regressions/<kind>/ and the script fails: fix the bug, keep
# the file (tests/unit/regressions_test.cpp replays it), commit both.
# Prints the number of executions per target.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
while (($#)); do
   case $1 in
      --long) seconds=3600 ;;
      --seconds) seconds=$2; shift ;;
      *) echo "usage: $0 [--long | --seconds N]" >&2; exit 2 ;;
   esac
   shift
done

# libFuzzer ships with clang (scripts/setup.sh installs clang and
# libclang-rt-14-dev); Debian names the versioned binary clang++-14.
clangxx=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$clangxx" ]; then
   echo "fuzz.sh: clang++ not found (scripts/setup.sh installs it)" >&2
   exit 2
fi
build_start=$SECONDS
# A unity build with line tables only, as scripts/test.sh builds its trees:
# the fuzz build is one of CI's three compiles of the library.
CXX=$clangxx cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
   -DRUNBOOK_FUZZ=ON -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target parse_check_fuzz scenario_fuzz shell_splice_fuzz lsp_fuzz fmt_fuzz
echo "== fuzz build (clang, libFuzzer+ASan+UBSan): $((SECONDS - build_start)) s"

# name  seed files                                          regressions folder  dictionary
targets=(parse_check_fuzz scenario_fuzz shell_splice_fuzz lsp_fuzz fmt_fuzz)
declare -A kind=([parse_check_fuzz]=runbooks [scenario_fuzz]=scenarios [shell_splice_fuzz]=shell_splice [lsp_fuzz]=lsp [fmt_fuzz]=fmt)
declare -A dict=([parse_check_fuzz]=fuzz/runbook.dict [scenario_fuzz]=fuzz/scenario.dict [shell_splice_fuzz]=fuzz/shell.dict [lsp_fuzz]=fuzz/lsp.dict [fmt_fuzz]=fuzz/runbook.dict)
seed_files()
{
   case $1 in
      parse_check_fuzz) find runbooks stdlib tests -name '*.rb' -type f; find tests/regressions/runbooks -type f ;;
      scenario_fuzz) find runbooks tests fuzz/corpus -name '*.scenario' -type f; find tests/regressions/scenarios -type f ;;
      shell_splice_fuzz) find fuzz/corpus/shell_splice tests/regressions/shell_splice -type f ;;
      lsp_fuzz) find fuzz/corpus/lsp tests/regressions/lsp -type f; find tests/fixtures/lsp -name '*.rb' -type f ;;
      fmt_fuzz) find runbooks stdlib tests -name '*.rb' -type f; find tests/regressions/runbooks tests/regressions/fmt -type f ;;
   esac
}

status=0
for target in "${targets[@]}"; do
   corpus=build-fuzz/corpus/$target
   artifacts=build-fuzz/artifacts/$target
   # Findings of an earlier run were copied to tests/regressions/ then:
   # only this run's count.
   rm -rf "$artifacts"
   mkdir -p "$corpus" "$artifacts"
   seed_files "$target" | while read -r f; do cp -f "$f" "$corpus/seed-$(sha1sum "$f" | cut -c1-12)"; done
   log=build-fuzz/$target.log
   echo "fuzzing $target for ${seconds}s (corpus $(ls "$corpus" | wc -l) files)"
   set +e
   "build-fuzz/fuzz/$target" -max_total_time="$seconds" -timeout=2 -rss_limit_mb=2048 -max_len=65536 \
      -dict="${dict[$target]}" -artifact_prefix="$artifacts/" -print_final_stats=1 \
      "$corpus" >"$log" 2>&1
   rc=$?
   set -e
   execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
   echo "  $target: $execs executions, exit $rc"
   found=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) 2>/dev/null)
   if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
      status=1
      echo "  $target found a problem; the report ends:" >&2
      grep -A30 -m1 'ERROR\|==ERROR\|runtime error\|ALARM' "$log" | head -40 >&2 || tail -40 "$log" >&2
      for f in $found; do
         dest=tests/regressions/${kind[$target]}/$(basename "$f")
         cp "$f" "$dest"
         echo "  kept as $dest: fix the bug, give the file a name that says what it broke, commit both" >&2
      done
   fi
done
exit "$status"
