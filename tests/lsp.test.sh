#!/usr/bin/env bash
# runbook lsp, driven by a scripted JSON-RPC client (tests/support/lsp_client.py)
# as an editor drives it:
#   - initialize: the capabilities, and UTF-8 positions only when offered;
#   - diagnostics as the user types, at the right character of a line with
#     é and an emoji (UTF-16 and UTF-8), cleared when the text is fixed, and
#     the same codes and lines as `runbook check --format json` for every
#     golden case of tests/invalid/;
#   - hover: a param's value and type (with -p), a metric's source and unit,
#     a trigger in words, a step's id; nothing over a blank;
#   - go to definition: a metric, a rollback, a module's function (into the
#     standard library's file);
#   - completion: the names in scope and keywords, every one a keyword of
#     the grammar; the outline; formatting when the server offers it;
#   - hostile input: an unknown method, a request before initialize, a
#     frame that is not JSON, one without a length, an absurd length; the
#     server answers each and stays up (or ends cleanly), and exits 0 only
#     after shutdown.
set -uo pipefail
: "${RUNBOOK:?}" "${SOURCE_DIR:?}"
exec python3 - "$RUNBOOK" "$SOURCE_DIR" <<'PYEOF'
import glob, json, os, re, subprocess, sys, tempfile
runbook, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "tests", "support"))
from lsp_client import Client

failures = []
def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)

work = tempfile.mkdtemp()
path = os.path.join(work, "dépôt a.rb")           # A space and accents: the URI is percent-encoded.
uri = "file://" + "".join(c if c.isalnum() or c in "/-._~" else "".join(f"%{b:02X}" for b in c.encode()) for c in path)
text = open(os.path.join(src, "tests", "fixtures", "lsp", "canary.rb")).read()
broken = text.replace('log "é😀 ${reason}"', 'log "é😀 ${undefind_thing}"')
check(broken != text, "the fixture should hold ${reason}")

def start(*flags, utf8=False):
    c = Client([runbook, "lsp", *flags], cwd=work)
    caps = {"general": {"positionEncodings": ["utf-8", "utf-16"]}} if utf8 else {}
    r = c.request("initialize", {"processId": None, "rootUri": None, "capabilities": caps})
    c.notify("initialized")
    return c, r

def position_of(line_text, needle, utf16=True, offset=0):
    """(character) of needle in line_text, in UTF-16 or UTF-8 units."""
    prefix = line_text[: line_text.index(needle) + offset]
    return len(prefix.encode("utf-16-le")) // 2 if utf16 else len(prefix.encode())

def line_of(t, needle):
    for n, line in enumerate(t.split("\n")):
        if needle in line: return n, line
    raise AssertionError(needle)

# --- initialize, diagnostics in UTF-16 -------------------------------------
c, init = start("-p", "max_error_rate=2%")
caps = init["result"]["capabilities"]
check(caps["positionEncoding"] == "utf-16", f"UTF-16 unless the client offers UTF-8: {caps}")
for cap in ("hoverProvider", "definitionProvider", "documentSymbolProvider"):
    check(caps.get(cap) is True, f"{cap} should be on: {caps}")
check(caps["textDocumentSync"]["change"] == 1, "full document sync")
check(init["result"]["serverInfo"]["name"] == "runbook", "serverInfo")

c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "runbook", "version": 1, "text": broken}})
diags = c.diagnostics(uri)
errors = [d for d in diags if d["severity"] == 1]
check(len(errors) == 1 and errors[0]["code"] == "undefined-name", f"one undefined-name error: {diags}")
n, line = line_of(broken, "log \"é😀 ${undefind_thing}")
if errors:
    r = errors[0]["range"]
    want = position_of(line, "undefind_thing")
    check(r["start"] == {"line": n, "character": want}, f"UTF-16 start {r['start']}, want line {n} char {want}")
    check(r["end"]["character"] == want + len("undefind_thing"), f"the range covers the name: {r}")
    check("undefind_thing" in errors[0]["message"], errors[0]["message"])

c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]})
diags = c.diagnostics(uri)
check(not [d for d in diags if d["severity"] == 1], f"fixed text: no error left: {diags}")

# --- hover -----------------------------------------------------------------
def hover(needle, offset=1):
    n, line = line_of(text, needle)
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": n, "character": position_of(line, needle, offset=offset)}})
    res = r.get("result")
    return res["contents"]["value"] if res else None

h = hover("error_rate > max_error_rate", offset=len("error_rate > ") + 2) or ""
check("max_error_rate" in h and "2%" in h and "-p" in h, f"hover on a param shows its -p value: {h!r}")
h = hover("error_rate > max_error_rate") or ""
check("metric" in h and "/api/metrics/error-rate" in h and "%" in h, f"hover on a metric: source and unit: {h!r}")
h = hover("arms high_errors", offset=len("arms ") + 1) or ""
check("trigger" in h and "When" in h and "rollback" in h and "canary" in h, f"hover on a trigger in words: {h!r}")
h = hover('sh "deploy', offset=0) or ""
check("step `canary/" in h, f"hover on a step's line gives its id: {h!r}")
r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 0}})
check(r.get("result") is None, f"nothing over a blank line: {r}")

# --- definition ------------------------------------------------------------
def definition(needle, offset=1):
    n, line = line_of(text, needle)
    return c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": {"line": n, "character": position_of(line, needle, offset=offset)}}).get("result")

d = definition("error_rate > max_error_rate")
decl_line, _ = line_of(text, "metric error_rate")
check(d and d["uri"] == uri and d["range"]["start"]["line"] == decl_line, f"definition of a metric: {d}, want line {decl_line}")
d = definition("-> rollback back", offset=len("-> rollback ") + 1)
decl_line, _ = line_of(text, "rollback back {")
check(d and d["range"]["start"]["line"] == decl_line, f"definition of a rollback: {d}")
d = definition("traffic.route(", offset=len("traffic.") + 2)
check(d and d["uri"].endswith("/stdlib/traffic.rb"), f"definition of a module's function opens the stdlib file: {d}")
if d:
    stdlib_line = open(os.path.join(src, "stdlib", "traffic.rb")).read().split("\n")[d["range"]["start"]["line"]]
    check(stdlib_line.startswith("fn route("), f"... at its fn line: {stdlib_line!r}")

# --- completion, outline ---------------------------------------------------
r = c.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
labels = {i["label"] for i in r["result"]["items"]}
for name in ("error_rate", "max_error_rate", "high_errors", "back", "traffic.route", "sh", "watch", "rollback"):
    check(name in labels, f"completion offers {name}")
grammar = set(re.findall(r'TAO_PEGTL_KEYWORD\( "([a-z_]+)" \)', open(os.path.join(src, "interpreter/syntax/grammar.hpp")).read()))
for item in r["result"]["items"]:
    if item.get("kind") == 14:
        check(item["label"] in grammar, f"completion keyword {item['label']} is not a keyword of the grammar")
r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
symbols = {(s["name"], s["detail"]) for s in r["result"]}
for want in (("canary", "phase"), ("high_errors", "trigger"), ("back", "rollback"), ("error_rate", "metric"), ("max_error_rate", "param")):
    check(want in symbols, f"the outline has {want}: {sorted(symbols)}")
check(not any(name.startswith("traffic.") for name, _ in symbols), "the outline lists this file's declarations only")

check(caps.get("documentFormattingProvider") is True, "formatting is offered")
messy = text.replace("\n  sh ", "\n      sh ", 1)
check(messy != text, "the fixture has an indented sh step")
c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": messy}]})
c.diagnostics(uri)
r = c.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}})
edits = r.get("result") or []
check(len(edits) == 1 and edits[0]["newText"] == text, f"formatting gives back the canonical text: {edits}")
c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": messy + "phase {\n"}]})
c.diagnostics(uri)
r = c.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}})
check(r.get("result") == [], f"a text that does not parse is left as it is: {r}")
c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": text}]})
c.diagnostics(uri)

# --- hostile input, then a clean end -----------------------------------------
r = c.request("textDocument/rename", {"textDocument": {"uri": uri}})
check(r.get("error", {}).get("code") == -32601, f"unknown method: -32601: {r}")
r = c.request("textDocument/hover", {"textDocument": {"uri": "file:///not/open.rb"}, "position": {"line": 0, "character": 0}})
check("error" in r, f"hover on a document not open is an error reply: {r}")
r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": "x"}})
check(r.get("error", {}).get("code") == -32603, f"a malformed field is an error reply, not a crash: {r}")
c.send_raw(b"Content-Length: 5\r\n\r\n{nope")
m = c.read()
check(m.get("error", {}).get("code") == -32700, f"a frame that is not JSON: -32700: {m}")
c.send_raw(b"X-Other: 1\r\n\r\n")
m = c.read()
check(m.get("error", {}).get("code") == -32700, f"a frame without Content-Length: -32700: {m}")
r = c.request("shutdown")
check("result" in r and r["result"] is None, f"shutdown: {r}")
c.notify("exit")
check(c.finish() == 0, "exit after shutdown: 0")

c, _ = start()
r = c.request("textDocument/hover", {})
check("error" in r, "a request with no document is an error reply")
c.notify("exit")
check(c.finish() == 1, "exit without shutdown: 1")

c = Client([runbook, "lsp"], cwd=work)
r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
check(r.get("error", {}).get("code") == -32002, f"a request before initialize: -32002: {r}")
c.send_raw(b"Content-Length: 99999999999\r\n\r\n")
m = c.read()
check(m.get("error", {}).get("code") == -32700, f"an absurd length is refused: {m}")
check(c.finish() == 1, "the stream is given up after an absurd length, exit 1")

# --- UTF-8 positions when offered ------------------------------------------
c, init = start(utf8=True)
check(init["result"]["capabilities"]["positionEncoding"] == "utf-8", "UTF-8 when the client offers it")
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "runbook", "version": 1, "text": broken}})
errors = [d for d in c.diagnostics(uri) if d["severity"] == 1]
n, line = line_of(broken, "log \"é😀 ${undefind_thing}")
check(errors and errors[0]["range"]["start"]["character"] == position_of(line, "undefind_thing", utf16=False),
      f"UTF-8 columns count bytes: {errors}")
c.request("shutdown"); c.notify("exit"); c.finish()

# --- the same diagnostics as runbook check, for every golden case ----------
c, _ = start(utf8=True)
cases = sorted(glob.glob(os.path.join(src, "tests", "invalid", "*.rb")))
check(len(cases) > 50, f"only {len(cases)} golden cases found")
for case in cases:
    case_text = open(case, encoding="utf-8", errors="replace").read()
    case_uri = "file://" + case
    c.notify("textDocument/didOpen", {"textDocument": {"uri": case_uri, "languageId": "runbook", "version": 1, "text": case_text}})
    # A diagnostic in a module is said on the document's first line.
    got = sorted((d["range"]["start"]["line"] + 1, d["code"]) for d in c.diagnostics(case_uri))
    done = subprocess.run([runbook, "check", "--format", "json", case], capture_output=True, text=True, cwd=work)
    want = sorted((d["range"]["start"]["line"] if d["range"]["filename"] == case else 1, d["code"])
                  for d in json.loads(done.stdout)["diagnostics"])
    check(got == want, f"{os.path.basename(case)}: lsp {got} vs check {want}")
    c.notify("textDocument/didClose", {"textDocument": {"uri": case_uri}})
    cleared = c.diagnostics(case_uri)
    check(cleared == [], f"closing clears the diagnostics of {case}")
c.request("shutdown"); c.notify("exit"); c.finish()

print(f"lsp: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
PYEOF
