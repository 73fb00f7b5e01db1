#!/usr/bin/env bash
# Installs every Debian package runbook needs to build, test and demo.
# Safe to run again: apt-get skips what is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache
  tao-pegtl-dev libfmt-dev libcurl4-openssl-dev libsqlite3-dev sqlite3
  catch2 libcli11-dev nlohmann-json3-dev libcpp-httplib-dev libssl-dev
  prometheus curl jq
  # test tools: TLS test certificates, helper scripts, dropping root in journal tests
  openssl python3 util-linux
  # the PostgreSQL journal: libpq to build, a server the tests start themselves
  postgresql libpq-dev
  # scripts/fuzz.sh: clang with libFuzzer and the sanitizer runtimes
  clang clang-14 libclang-rt-14-dev
  # bench/run.sh: the comparison with Ansible runs a real playbook of uri tasks;
  # GNU time measures a run's peak memory
  ansible-core time
  # runbook serve draws a run's plan with Graphviz (the text plan without it);
  # its browser test drives a headless Chromium with Selenium
  graphviz chromium chromium-driver python3-selenium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
