#!/usr/bin/env bash
# Installing runbook (packaging/CMakeLists.txt, docs/install.md):
#   layout       `cmake --install` lays out bin/, share/runbook/stdlib, the
#                manual page and the completions; the installed binary finds
#                the installed stdlib first and checks every shipped runbook
#   manual       every command `runbook --help` lists has an entry in
#                runbook(1), which groff renders without a warning
#   completion   the bash completion offers the commands and a command's
#                flags, read from the binary it completes
#   deb          cpack makes runbook_VERSION_ARCH.deb whose Depends name the
#                libraries the binary links; installed with dpkg, /usr/bin/
#                runbook checks and tests the shipped runbooks with the
#                stdlib in /usr/share, and the package removes cleanly
# The deb case needs root and dpkg (CI has both); elsewhere it is a skip
# ctest reports, a failure under RUNBOOK_NO_SKIPS=1.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/support/scratch.sh"
: "${SOURCE_DIR:?}" "${BUILD_DIR:?}"
skipped=()
skip() {
   if [ "${RUNBOOK_NO_SKIPS:-0}" = 1 ]; then fail "cannot run here (RUNBOOK_NO_SKIPS=1): $*"; return; fi
   echo "SKIPPED: $*"; skipped+=("$*")
}
version=$(sed -n 's/^project(runbook VERSION \([0-9.]*\).*/\1/p' "$SOURCE_DIR/CMakeLists.txt")
[ -n "$version" ] || { echo "no project version in CMakeLists.txt" >&2; exit 2; }
shipped=("$SOURCE_DIR"/runbooks/*.rb)

# A runbook that uses a module nobody has: `check` lists where it looked, in
# order, so the first entry says which stdlib an installed binary reads.
printf 'runbook "Lookup"\nuse "std/no_such_module"\nphase "P" {\n  log "x"\n}\n' >lookup.rb
first_stdlib_dir() { "$1" check lookup.rb 2>&1 | sed -n 's/.*looked in: \([^,]*\).*/\1/p' | head -1; }
# Every folder it looked in, as the message lists them.
stdlib_dirs() { env -u RUNBOOK_PATH "$1" check lookup.rb 2>&1 | sed -n 's/.*looked in: \(.*\)$/\1/p' | head -1; }

case_layout()
{
   cmake --install "$BUILD_DIR" --prefix "$work/prefix" >install.log 2>&1 || { fail "layout: cmake --install: $(tail -5 install.log)"; return; }
   local f
   for f in bin/runbook bin/runbook-sandbox share/runbook/stdlib/traffic.rb share/man/man1/runbook.1.gz \
            share/bash-completion/completions/runbook share/zsh/vendor-completions/_runbook \
            lib/runbook/librunbook-serve.so; do
      [ -e "prefix/$f" ] || fail "layout: prefix/$f was not installed"
   done
   [ "$(prefix/bin/runbook version)" = "runbook $version" ] || fail "layout: version says '$(prefix/bin/runbook version)', expected $version"
   local dir; dir=$(first_stdlib_dir prefix/bin/runbook)
   [ "$dir" = "$work/prefix/share/runbook/stdlib" ] || fail "layout: the installed binary looks in '$dir' first, not its own stdlib"
   local looked; looked=$(stdlib_dirs prefix/bin/runbook)
   [ "$looked" = "$work/prefix/share/runbook/stdlib" ] ||
      fail "layout: the installed binary also looks outside its own stdlib (the source tree it was built from?): $looked"
   env -u RUNBOOK_PATH prefix/bin/runbook check "${shipped[@]}" >check.out 2>&1 || fail "layout: check of the shipped runbooks: $(tail -5 check.out)"
}

case_manual()
{
   local commands missing=()
   commands=$("$RUNBOOK" --help | awk '/^Subcommands:$/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
   [ "$(wc -w <<<"$commands")" -ge 15 ] || { fail "manual: --help lists only: $commands"; return; }
   local c
   for c in $commands; do
      grep -Eq "^\.B[IR]? \"?$c[\" ]|^\.B $c\$" "$SOURCE_DIR/packaging/runbook.1" || missing+=("$c")
   done
   ((${#missing[@]} == 0)) || fail "manual: runbook(1) has no entry for: ${missing[*]}"
   local warnings; warnings=$(groff -man -ww -z "$SOURCE_DIR/packaging/runbook.1" 2>&1)
   [ -z "$warnings" ] || fail "manual: groff warns: $warnings"
}

# Completes the words given (the last one partial) with the completion the
# prefix installed, the prefix's runbook first on PATH.
complete_words()
{
   PATH="$work/prefix/bin:$PATH" bash -c '
      source "$1"; shift
      COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
      _runbook; printf "%s\n" "${COMPREPLY[@]}"' _ "$work/prefix/share/bash-completion/completions/runbook" "$@" 2>&1
}

case_completion()
{
   [ -x prefix/bin/runbook ] || { fail "completion: nothing installed (the layout case failed)"; return; }
   local out
   out=$(complete_words runbook re)
   [ "$(sort <<<"$out" | tr '\n' ' ')" = "resolve resume review " ] || fail "completion: 'runbook re' gave: $out"
   out=$(complete_words runbook resume --use)
   [ "$out" = "--use-current" ] || fail "completion: 'runbook resume --use' gave: $out"
   out=$(complete_words runbook run --in-doubt r)
   [ "$out" = "redo" ] || fail "completion: 'runbook run --in-doubt r' gave: $out"
   grep -qx -- "--depth" <<<"$(complete_words runbook verify --)" || fail "completion: verify's flags lack --depth"
   grep -qx -- "--check" <<<"$(complete_words runbook fmt --)" || fail "completion: fmt's flags lack --check"
}

case_deb()
{
   command -v cpack >/dev/null && command -v dpkg-deb >/dev/null || { skip "deb: no cpack or dpkg-deb"; return; }
   (cd "$BUILD_DIR" && cpack -G DEB -B "$work/deb") >cpack.log 2>&1 || { fail "deb: cpack: $(tail -5 cpack.log)"; return; }
   local deb; deb=$(ls deb/runbook_"$version"_*.deb 2>/dev/null | head -1)
   [ -n "$deb" ] || { fail "deb: no runbook_${version}_*.deb in $(ls deb)"; return; }
   local depends; depends=$(dpkg-deb -f "$deb" Depends)
   local lib
   for lib in libcurl libsqlite3 libfmt libc6; do
      grep -q "$lib" <<<"$depends" || fail "deb: Depends lacks $lib: $depends"
   done
   # libpq is opened only for a PostgreSQL journal: recommended, not required.
   grep -q libpq5 <<<"$(dpkg-deb -f "$deb" Recommends)" || fail "deb: Recommends lacks libpq5"
   if grep -q libpq <<<"$depends"; then fail "deb: Depends names libpq, which only a PostgreSQL journal opens"; fi
   dpkg-deb -c "$deb" >contents.txt
   grep -q "./usr/share/runbook/stdlib/notify.rb" contents.txt || fail "deb: no stdlib in the package"
   if [ "$(id -u)" != 0 ]; then skip "deb: installing with dpkg needs root"; return; fi
   if dpkg-query -W -f='${Status}' runbook 2>/dev/null | grep -q "install ok installed"; then
      skip "deb: a runbook package is installed already; not replacing it"; return
   fi
   dpkg -i "$deb" >dpkg.log 2>&1 || { fail "deb: dpkg -i: $(tail -5 dpkg.log)"; return; }
   cleanup_extra='dpkg -r runbook >/dev/null 2>&1'
   [ "$(/usr/bin/runbook version)" = "runbook $version" ] || fail "deb: /usr/bin/runbook version: $(/usr/bin/runbook version)"
   [ "$(first_stdlib_dir /usr/bin/runbook)" = /usr/share/runbook/stdlib ] || fail "deb: /usr/bin/runbook does not read /usr/share/runbook/stdlib first"
   cp -r "$SOURCE_DIR/runbooks" installed-runbooks
   (cd installed-runbooks && env -u RUNBOOK_PATH /usr/bin/runbook check ./*.rb) >deb-check.out 2>&1 ||
      fail "deb: check with the installed binary: $(tail -5 deb-check.out)"
   (cd installed-runbooks/.. && env -u RUNBOOK_PATH /usr/bin/runbook test installed-runbooks/tests) >deb-test.out 2>&1 ||
      fail "deb: runbook test with the installed binary: $(tail -5 deb-test.out)"
   man -w runbook >/dev/null 2>&1 || fail "deb: man cannot find runbook(1)"
   dpkg -r runbook >dpkg-r.log 2>&1 || fail "deb: dpkg -r: $(tail -5 dpkg-r.log)"
   cleanup_extra=:
   [ ! -e /usr/bin/runbook ] && [ ! -e /usr/share/runbook ] || fail "deb: files left after dpkg -r"
}

for case_name in ${CASES:-layout manual completion deb}; do
   before=$failures
   "case_$case_name"
   [ "$failures" = "$before" ] && echo "ok: $case_name"
done
[ "$failures" = 0 ] || exit 1
((${#skipped[@]} == 0)) || exit 77
