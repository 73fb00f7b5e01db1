#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, builds
# with warnings as errors, runs every test with ctest. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUNBOOK_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
