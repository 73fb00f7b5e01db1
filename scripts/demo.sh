#!/usr/bin/env bash
# The main job: build runbook and show the plan of the shipped rollout.
# (Becomes the live rollout against runbook-sandbox once execution lands.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target runbook
./build/interpreter/runbook plan runbooks/rollout.rb
