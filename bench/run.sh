#!/usr/bin/env bash
# The benchmark suite (issue 8), in one command from a fresh clone:
#
#   bench/run.sh [--no-setup] [--only parse,check,journal,simulate,detect,memory,ansible]
#
# 1. scripts/setup.sh installs the Debian packages (ansible-core among them,
#    for the comparison) unless --no-setup;
# 2. builds the Release binaries and bench_* programs in build-bench/
#    (RUNBOOK_BENCH_BUILD overrides), apart from the developer build;
# 3. bench/report.py measures everything side by side and prints one table
#    of figures, aims and ratios; the same table goes to
#    build-bench/bench-results.md for docs/performance.md.
#
# It takes 4-6 minutes, most of it Ansible running its playbook (and its
# --check) and the journal waiting for the disk. Never part of ctest.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${RUNBOOK_BENCH_BUILD:-$root/build-bench}
setup=1
report_args=()
while (($#)); do
  case $1 in
    --no-setup) setup=0 ;;
    --only) report_args+=(--only "$2"); shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if ((setup)); then
  "$root/scripts/setup.sh"
fi

# Release, without -Werror: g++ 12 at -O3 reports false -Wrestrict warnings in
# libstdc++'s string code; warnings are errors in the developer build.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRUNBOOK_WERROR=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target runbook runbook-sandbox \
  bench_parse_check bench_journal_bench bench_simulate_bench >/dev/null

python3 "$root/bench/report.py" --build "$build" --markdown "$build/bench-results.md" "${report_args[@]}"
