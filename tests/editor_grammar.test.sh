#!/usr/bin/env bash
# The TextMate grammar (editors/vscode/syntaxes/runbook.tmLanguage.json,
# docs/editors.md) against the language's own grammar:
#   - it is valid JSON and every pattern compiles;
#   - its keyword lists hold exactly the keywords interpreter/syntax/grammar.hpp
#     declares (a keyword added to the language without highlighting, or a
#     stale one, fails here);
#   - scanning a sample line by line with its patterns gives the scopes a
#     reader expects: units glued to numbers, `${...}` inside strings, a
#     keyword only as a whole word (`shell` is not `sh`), comments to the end
#     of the line; and every shipped runbook scans with no string left open.
set -uo pipefail
: "${SOURCE_DIR:?}"
exec python3 - "$SOURCE_DIR" <<'EOF'
import json, re, sys, glob, os
src = sys.argv[1]
grammar = json.load(open(os.path.join(src, "editors/vscode/syntaxes/runbook.tmLanguage.json")))
failures = []
def fail(msg): failures.append(msg); print("FAIL:", msg, file=sys.stderr)

declared = set(re.findall(r'TAO_PEGTL_KEYWORD\( "([a-z_]+)" \)', open(os.path.join(src, "interpreter/syntax/grammar.hpp")).read()))
if len(declared) < 50: fail(f"only {len(declared)} keywords read from grammar.hpp")
repo = grammar["repository"]
highlighted = set()
for p in repo["keywords"]["patterns"]:
    m = re.search(r'\(\?:([a-z_|]+)\)\\b', p["match"])
    if not m: fail(f"keyword pattern without a (?:a|b)\\b list: {p['match']}"); continue
    highlighted |= set(m.group(1).split("|"))
for word in sorted(declared - highlighted): fail(f"the language's keyword '{word}' is not highlighted")
for word in sorted(highlighted - declared): fail(f"'{word}' is highlighted as a keyword but the language has no such keyword")

# A small scanner: at each position the first top-level pattern that matches
# wins (as TextMate does); strings are scanned with their own patterns.
def compile_all(node):
    for key in ("match", "begin", "end"):
        if key in node:
            try: node["_" + key] = re.compile(node[key])
            except re.error as e: fail(f"pattern {node[key]!r} does not compile: {e}")
    for child in node.get("patterns", []): compile_all(child)
    for child in node.get("repository", {}).values(): compile_all(child)
compile_all(grammar)

def resolve(p): return repo[p["include"][1:]] if "include" in p else p
def flat(patterns):
    out = []
    for p in patterns:
        p = resolve(p)
        out += flat(p["patterns"]) if "patterns" in p and "_match" not in p and "_begin" not in p else [p]
    return out

def scan(line, patterns, end=None, stack=()):
    tokens, i = [], 0
    while i < len(line):
        if end is not None:
            m = end.match(line, i)
            if m: return tokens, m.end(), True
        for p in flat(patterns):
            if "_match" in p:
                m = p["_match"].match(line, i)
                if m and m.end() > i:
                    tokens.append((m.group(0), p["name"])); i = m.end(); break
            elif "_begin" in p:
                m = p["_begin"].match(line, i)
                if m:
                    inner, j, closed = scan(line[m.end():], p.get("patterns", []), p["_end"], stack + (p["name"],))
                    tokens.append((line[i:m.end() + j], p["name"])); tokens += [(t, s) for t, s in inner]
                    i = m.end() + j; break
        else:
            i += 1
    return tokens, i, end is None

def scopes_of(line):
    tokens, _, _ = scan(line, grammar["patterns"])
    return tokens

def expect(line, text, scope_part):
    if not any(t == text and scope_part in s for t, s in scopes_of(line)):
        fail(f"in {line!r}: {text!r} is not scoped {scope_part}: {scopes_of(line)}")
def expect_not(line, text):
    if any(t == text for t, s in scopes_of(line)):
        fail(f"in {line!r}: {text!r} was scoped on its own: {scopes_of(line)}")

expect('  watch 30m every 30s {', "30m", "constant.numeric")
expect('  watch 30m every 30s {', "watch", "keyword.control.step")
expect('param max_memory_growth: rate = 10MB/min', "10MB/min", "constant.numeric")
expect('trigger t when error_rate > 1% for 5m severity P0 -> rollback emergency', "1%", "constant.numeric")
expect('trigger t when error_rate > 1% for 5m severity P0 -> rollback emergency', "P0", "severity")
expect('trigger t when error_rate > 1% for 5m severity P0 -> rollback emergency', "trigger", "storage.type")
expect('  wait 1h30m', "1h30m", "constant.numeric")
expect('  log "at ${pct}% now" # a comment', "# a comment", "comment")
expect('  log "at ${pct}% now" # a comment', "${pct}", "meta.interpolation")
expect('metric latency = http get "${monitor}/p99" json ".value" unit ms', "ms", "support.constant.unit")
expect_not('  let s = 5', "s")
expect('param soak: duration = 30m', "duration", "support.type")
expect('  traffic.route(lb, lb_token, "green", 5)', "traffic.route", "entity.name.function")
expect_not('  let shell = sh_path', "sh")
expect_not('  let shell = sh_path', "let shell")
expect('  let shell = sh_path', "let", "keyword.control.step")
expect('  http post "${lb}/switch" body "{}"', "post", "http-method")

# Every shipped runbook and stdlib module: no line leaves a string open.
for path in sorted(glob.glob(os.path.join(src, "runbooks/*.rb")) + glob.glob(os.path.join(src, "stdlib/*.rb"))):
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.count('"') % 2 == 1 and "#" not in line.split('"')[0] and '\\"' not in line:
            continue  # an odd quote count is a multi-line construct the scanner need not follow
        tokens = scopes_of(line)
        strings = [t for t, s in tokens if s.startswith("string.")]
        for t in strings:
            if len(t) < 2 or not t.endswith('"'):
                fail(f"{os.path.relpath(path, src)}:{n}: a string is left open: {line!r}")

sys.exit(1 if failures else 0)
EOF
