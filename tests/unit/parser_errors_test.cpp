// Syntax errors: the exact text an author sees (ninja style: any change to a
// message shows up here in review), recovery, and hostile input.
#include <catch2/catch.hpp>

#include <chrono>
#include <tao/pegtl/contrib/analyze.hpp>

#include "syntax/grammar.hpp"
#include "syntax/parser.hpp"

using namespace runbook;

namespace {

struct Result {
   SourceFile source;
   Diagnostics diags;
   std::unique_ptr<ast::File> file;
   std::string text;
};

std::unique_ptr<Result> parse(std::string text)
{
   auto result = std::make_unique<Result>();
   result->source = SourceFile{"bad.rb", std::move(text)};
   result->file = parse_file(result->source, result->diags);
   result->text = render_text(result->diags);
   return result;
}

std::string errors(std::string text)
{
   return parse(std::move(text))->text;
}

#ifdef __SANITIZE_ADDRESS__
constexpr int slowdown = 10;  // Sanitizer builds run unoptimised code with checks.
#else
constexpr int slowdown = 1;
#endif

/// Parses `text` and requires it to finish within `limit` (a generous bound:
/// each of these inputs takes well under 0.3 s in an optimised build).
std::unique_ptr<Result> parse_fast(std::string text, std::chrono::milliseconds limit = std::chrono::milliseconds(2000 * slowdown))
{
   const auto start = std::chrono::steady_clock::now();
   auto result = parse(std::move(text));
   CHECK(std::chrono::steady_clock::now() - start < limit);
   return result;
}

struct Case {
   const char* input;
   const char* expected;
};

}  // namespace

TEST_CASE("the grammar has no rule that can loop without consuming input", "[syntax]")
{
   CHECK(tao::pegtl::analyze<grammar::file>(-1) == 0);
}

TEST_CASE("syntax errors say what was expected, where, in the language's words", "[syntax]")
{
   const Case cases[] = {
   // A name is a duration param (resolved by the checker); a number without a unit is neither.
   {"trigger high when error_rate > 1% for 5m severity P0 every 30 -> rollback emergency\n",
          "bad.rb:1:60: error: expected a duration such as 30s or 5m (or a duration param) after 'every'\n"
          "trigger high when error_rate > 1% for 5m severity P0 every 30 -> rollback emergency\n"
          "                                                           ^\n"},
   {"phase \"Canary\" {\n  watch 30m every 30s {\n    error_rate < 1%\n  }\n  sh \"deploy\" retry 3 every \"often\"\n}\n",
          "bad.rb:5:29: error: expected a duration such as 30s or 5m (or a duration param) after 'every'\n"
          "  sh \"deploy\" retry 3 every \"often\"\n"
          "                            ^\n"},
   {"phase \"Canary\" {\n  log \"unterminated\n}\n",
          "bad.rb:2:20: error: unterminated string: add a closing \"\n"
          "  log \"unterminated\n"
          "                   ^\n"},
   {"phase \"Canary\" {\n  wait 30s\n  log \"ok\"\n",
          "bad.rb:3:11: error: expected '}' to close the phase started at line 1\n"
          "  log \"ok\"\n"
          "          ^\n"},
   {"phase \"Canary\" {\n  for pct in [1, 5 {\n    wait 1s\n  }\n}\n",
          "bad.rb:2:20: error: expected ',' or ']' after a list item\n"
          "  for pct in [1, 5 {\n"
          "                   ^\n"},
   {"param soak: durration = 30m\n",
          "bad.rb:1:13: error: expected a type after ':': string, number, bool, percent, duration, bytes, list or map\n"
          "param soak: durration = 30m\n"
          "            ^\n"},
   {"metric m = http get \"u\" unit %\n",
          "bad.rb:1:25: error: expected json \".path\" after the URL: the metric is one value of the JSON response\n"
          "metric m = http get \"u\" unit %\n"
          "                        ^\n"},
   {"metric m = http post \"u\" json \".v\" unit %\n",
          "bad.rb:1:17: error: expected 'get' after 'http': a metric is read with GET\n"
          "metric m = http post \"u\" json \".v\" unit %\n"
          "                ^\n"},
   {"trigger t when x > 1 -> explode\n",
          "bad.rb:1:25: error: expected an action after '->': rollback NAME, notify \"text\", record, or a function call\n"
          "trigger t when x > 1 -> explode\n"
          "                        ^\n"},
   {"trigger t when x > 1 severity P5 -> record\n",
          "bad.rb:1:31: error: expected a severity after 'severity': P0, P1, P2 or P3\n"
          "trigger t when x > 1 severity P5 -> record\n"
          "                              ^\n"},
   {"trigger t x > 1 -> record\n",
          "bad.rb:1:11: error: expected 'when' and the condition\n"
          "trigger t x > 1 -> record\n"
          "          ^\n"},
   {"secret token = \"hunter2\"\n",
          "bad.rb:1:16: error: expected env(\"VARIABLE\"): a secret is read from the environment\n"
          "secret token = \"hunter2\"\n"
          "               ^\n"},
   {"phase Canary {\n}\n",
          "bad.rb:1:7: error: expected the phase's title as a string after 'phase', such as phase \"Canary\"\n"
          "phase Canary {\n"
          "      ^\n"},
   {"phase \"A\" {\n  http fetch \"u\"\n}\n",
          "bad.rb:2:8: error: expected an HTTP method after 'http': get, head, post, put, patch or delete\n"
          "  http fetch \"u\"\n"
          "       ^\n"},
   {"phase \"A\" {\n  let x == 3\n}\n",
          "bad.rb:2:9: error: expected '=' after the name in 'let'\n"
          "  let x == 3\n"
          "        ^\n"},
   {"phase \"A\" {\n  if x > 1\n    log \"a\"\n  }\n}\n",
          "bad.rb:2:11: error: expected '{' and the steps to run when the condition holds\n"
          "  if x > 1\n"
          "          ^\n"},
   {"phase \"A\" {\n  log \"a\" + \n}\n",
          "bad.rb:2:12: error: expected a value after the operator\n"
          "  log \"a\" + \n"
          "           ^\n"},
   {"phase \"A\" {\n  wait 5x\n}\n",
          "bad.rb:2:9: error: unknown unit after the number: use ms, s, m, h or d for durations, % for percent, or KB, MB, GB for sizes\n"
          "  wait 5x\n"
          "        ^\n"},
   {"phase \"A\" {\n  log \"bad \\q escape\"\n}\n",
          "bad.rb:2:13: error: unknown escape sequence: use \\\", \\\\, \\n, \\t, \\r or \\$\n"
          "  log \"bad \\q escape\"\n"
          "            ^\n"},
   {"phase \"A\" {\n  checklist \"c\" {\n    \"no dash\"\n  }\n}\n",
          "bad.rb:3:5: error: expected an item such as - \"Deploy to staging\" or '}' to close the checklist started at line 2\n"
          "    \"no dash\"\n"
          "    ^\n"
          "  note: each checklist item is a '-' followed by a string\n"},
   {"phase \"A\" {\n  traffic.route(a, b\n}\n",
          "bad.rb:2:21: error: expected ',' or ')' after an argument\n"
          "  traffic.route(a, b\n"
          "                    ^\n"},
   {"phase \"A\" {\n  await x timeout 2m every\n}\n",
          "bad.rb:2:27: error: expected a duration such as 30s or 5m after 'every'\n"
          "  await x timeout 2m every\n"
          "                          ^\n"},
   {"use std/traffic\n",
          "bad.rb:1:5: error: expected a module path as a string after 'use', such as use \"std/traffic\"\n"
          "use std/traffic\n"
          "    ^\n"},
   {"runbook \"a\"\nrunbook \"b\"\n",
          "bad.rb:2:1: error: the runbook already has a title\n"
          "runbook \"b\"\n"
          "^\n"
          "  note: 'runbook \"title\"' appears once, as the first line\n"},
   {"phase \"A\" {\n  log {\"a\": 1 \"b\": 2}\n}\n",
          "bad.rb:2:15: error: expected ',' or '}' after a map entry\n"
          "  log {\"a\": 1 \"b\": 2}\n"
          "              ^\n"},
   {"phase \"A\" {\n  log [1, 2\n  wait 1s\n}\n",
          "bad.rb:2:12: error: expected ',' or ']' after a list item\n"
          "  log [1, 2\n"
          "           ^\n"},
   {"phase \"A\" {\n  sh \"x\" expect status\n}\n",
          "bad.rb:2:23: error: expected a status code after 'status'\n"
          "  sh \"x\" expect status\n"
          "                      ^\n"},
   {"phase \"A\" {\n\tlog \"tab\" oops\n}\n",
          "bad.rb:2:12: error: expected a new line or ';' after the step\n"
          "    log \"tab\" oops\n"
          "              ^\n"
          "  note: each step starts on its own line; clauses such as 'timeout' or 'expect' belong to the step before them\n"},
   {"phase \"A\" arms {\n}\n",
          "bad.rb:1:16: error: expected 'all' or the names of triggers after 'arms'\n"
          "phase \"A\" arms {\n"
          "               ^\n"},
   {"fn f(a b) {\n}\n",
          "bad.rb:1:8: error: expected ',' or ')' after a parameter\n"
          "fn f(a b) {\n"
          "       ^\n"},
   {"phase \"A\" {\n  assert x < 1 after three failures\n}\n",
          "bad.rb:2:22: error: expected a number of failures after 'after', as in 'after 3 failures'\n"
          "  assert x < 1 after three failures\n"
          "                     ^\n"},
   {"metric m = sh \"x\"\n",
          "bad.rb:1:1: error: the metric 'm' needs a unit\n"
          "metric m = sh \"x\"\n"
          "^\n"
          "  note: add what the number means, e.g. 'unit %', 'unit ms' or 'unit count'\n"},
   {"phase \"${x}\" {\n}\n",
          "bad.rb:1:8: error: a phase title is a fixed text: it cannot use ${...}\n"
          "phase \"${x}\" {\n"
          "       ^\n"
          "  note: write the text out, or use a raw string '...' if you need a literal ${\n"},
   };
   for (const auto& c : cases) {
      INFO(c.input);
      CHECK(errors(c.input) == c.expected);
   }
}

TEST_CASE("a syntax error does not hide the next one", "[syntax]")
{
   auto result = parse("runbook \"r\"\n"
                       "phase \"A\" {\n"
                       "  wait soon later\n"
                       "  log \"still parsed\"\n"
                       "  http fetch \"u\"\n"
                       "  log \"also parsed\"\n"
                       "}\n"
                       "metric m = http get \"u\" json \".v\" unit furlongs\n"
                       "phase \"B\" {\n"
                       "  log \"fine\"\n"
                       "}\n");
   CHECK(result->text ==
         "bad.rb:3:13: error: expected a new line or ';' after the step\n"
         "  wait soon later\n"
         "            ^\n"
         "  note: each step starts on its own line; clauses such as 'timeout' or 'expect' belong to the step before them\n"
         "bad.rb:5:8: error: expected an HTTP method after 'http': get, head, post, put, patch or delete\n"
         "  http fetch \"u\"\n"
         "       ^\n"
         "bad.rb:8:40: error: expected a unit after 'unit': %, ratio, ms, s, bytes, KB, MB, GB, a size per time such as MB/min, count or number\n"
         "metric m = http get \"u\" json \".v\" unit furlongs\n"
         "                                       ^\n");
   // What parsed around the errors is kept.
   REQUIRE(result->file->phases.size() == 2);
   CHECK(result->file->phases[0].body.size() == 2);
   CHECK(result->file->phases[1].body.size() == 1);
   CHECK(result->file->metrics.empty());
}

TEST_CASE("recovery skips the body of a broken block and resumes after it", "[syntax]")
{
   auto result = parse("phase \"A\" {\n"
                       "  for pct in [1, 5 {\n"
                       "    log \"inside\"\n"
                       "  }\n"
                       "  log \"after\"\n"
                       "  wait\n"
                       "}\n");
   CHECK(result->diags.error_count() == 2);
   CHECK(result->diags.all()[1].loc.line == 6);
   REQUIRE(result->file->phases.size() == 1);
   CHECK(result->file->phases[0].body.size() == 1);  // log "after"
}

TEST_CASE("a missing '}' is reported once and the next phase still parses", "[syntax]")
{
   auto result = parse("phase \"A\" {\n"
                       "  log \"a\"\n"
                       "phase \"B\" {\n"
                       "  log \"b\"\n"
                       "}\n");
   CHECK(result->text ==
         "bad.rb:3:1: error: expected a step or '}' to close the phase started at line 1\n"
         "phase \"B\" {\n"
         "^\n"
         "  note: steps are: sh, http, checklist, approve, ask, wait, watch, await, assert, rollback, abort, log, notify, "
         "let, if, for, return, undo all, undo \"STEP-ID\", after, or a call such as traffic.route(...)\n");
   REQUIRE(result->file->phases.size() == 1);
   CHECK(result->file->phases[0].title == "B");
}

TEST_CASE("a step outside any block gets a hint", "[syntax]")
{
   CHECK(errors("sh \"deploy\"\n") ==
         "bad.rb:1:1: error: expected a declaration: runbook, use, param, secret, metric, trigger, warning, signal, fn, phase, rollback or on fail\n"
         "sh \"deploy\"\n"
         "^\n"
         "  note: steps belong inside a phase, a rollback block or a function\n");
}

TEST_CASE("a misspelled keyword gets a suggestion", "[syntax]")
{
   CHECK(errors("phase \"A\" {\n  aprove \"ok?\"\n}\n") ==
         "bad.rb:2:3: error: expected a step or '}' to close the phase started at line 1\n"
         "  aprove \"ok?\"\n"
         "  ^\n"
         "  note: did you mean 'approve'?\n"
         "  note: steps are: sh, http, checklist, approve, ask, wait, watch, await, assert, rollback, abort, log, notify, "
         "let, if, for, return, undo all, undo \"STEP-ID\", after, or a call such as traffic.route(...)\n");
   CHECK(errors("phasee \"A\" {\n}\n") ==
         "bad.rb:1:1: error: expected a declaration: runbook, use, param, secret, metric, trigger, warning, signal, fn, phase, rollback or on fail\n"
         "phasee \"A\" {\n"
         "^\n"
         "  note: did you mean 'phase'?\n");
}

TEST_CASE("syntax errors stop after twenty", "[syntax]")
{
   std::string text;
   for (int i = 0; i < 100; ++i) text += "phase \"A\" { wait }\n";
   auto result = parse(text);
   CHECK(result->diags.error_count() == 20);
   CHECK(result->diags.all().back().notes == std::vector<std::string>{"stopping after 20 syntax errors"});
}

TEST_CASE("NUL bytes and invalid UTF-8 are rejected with a position", "[syntax]")
{
   const std::string nul(1, '\0');
   CHECK(errors("phase \"A\" {\n  log \"a" + nul + "b\"\n}\n") ==
         "bad.rb:2:9: error: the file contains a NUL byte: a runbook must be a text file\n"
         "  log \"a" + nul + "b\"\n"
         "        ^\n");
   // The column counts bytes; the caret counts characters.
   CHECK(errors("phase \"A\" {\n  log \"caf\xc3\xa9 \xff\"\n}\n") ==
         "bad.rb:2:14: error: invalid UTF-8 in a string\n"
         "  log \"caf\xc3\xa9 \xff\"\n"
         "            ^\n");
   CHECK(errors("phase \"A\" {\n  log \"\xed\xa0\x80\"\n}\n").find("invalid UTF-8 in a string") != std::string::npos);
   CHECK(errors("phase \"A\" {\n  log '\xc0\xaf'\n}\n").find("invalid UTF-8 in a string") != std::string::npos);
}

TEST_CASE("deep nesting is an error, not a crash", "[syntax]")
{
   SECTION("brackets")
   {
      auto result = parse_fast("phase \"A\" {\n  let x = " + std::string(100000, '(') + "1\n}\n");
      REQUIRE(result->diags.error_count() == 1);
      CHECK(result->diags.all()[0].message ==
            "too deeply nested: brackets, blocks and operators may nest at most 200 levels");
   }
   SECTION("lists")
   {
      auto result = parse_fast("phase \"A\" {\n  let x = " + std::string(100000, '[') + "\n}\n");
      CHECK(result->diags.error_count() == 1);
   }
   SECTION("blocks")
   {
      std::string text = "phase \"A\" {\n";
      for (int i = 0; i < 5000; ++i) text += "if x {\n";
      auto result = parse_fast(text);
      REQUIRE(result->diags.error_count() >= 1);
      CHECK(result->diags.all()[0].message.rfind("too deeply nested", 0) == 0);
   }
   SECTION("unary operators")
   {
      std::string text = "phase \"A\" {\n  let x = ";
      for (int i = 0; i < 100000; ++i) text += "not - ";
      auto result = parse_fast(text + "1\n}\n");
      CHECK(result->diags.error_count() == 1);
   }
   SECTION("else if chains")
   {
      std::string text = "phase \"A\" {\n  if a {}";
      for (int i = 0; i < 5000; ++i) text += " else if a {}";
      auto result = parse_fast(text + "\n}\n");
      CHECK(result->diags.error_count() == 1);
   }
   SECTION("operator chains")
   {
      std::string text = "phase \"A\" {\n  let x = 1";
      for (int i = 0; i < 300000; ++i) text += "+1";
      auto result = parse_fast(text + "\n}\n");
      REQUIRE(result->diags.error_count() == 1);
      CHECK(result->diags.all()[0].message == "this expression has more than 1000 operators in a row");
   }
}

TEST_CASE("huge lines and unterminated strings finish fast with a clear error", "[syntax]")
{
   SECTION("a 1 MB string without its closing quote")
   {
      auto result = parse_fast("phase \"A\" {\n  log \"" + std::string(1 << 20, 'a') + "\n}\n");
      REQUIRE(result->diags.error_count() == 1);
      CHECK(result->diags.all()[0].message == "unterminated string: add a closing \"");
      CHECK(result->diags.all()[0].loc.line == 2);
      // The echoed line is cut around the caret.
      const std::string expected_tail = std::string(114, 'a') + "\n" + std::string(117, ' ') + "^\n";
      CHECK(result->text == "bad.rb:2:1048584: error: unterminated string: add a closing \"\n..." + expected_tail);
   }
   SECTION("an interpolation that never closes")
   {
      auto result = parse_fast("phase \"A\" {\n  log \"${" + std::string(1 << 20, 'a') + "\n}\n");
      REQUIRE(result->diags.error_count() == 1);
      CHECK(result->diags.all()[0].message == "expected '}' to close the interpolation '${'");
   }
   SECTION("a 1 MB line of steps")
   {
      std::string line = "phase \"A\" {";
      while (line.size() < (1u << 20)) line += " wait 1s;";
      auto result = parse_fast(line + " }\n");
      CHECK_FALSE(result->diags.has_errors());
      CHECK(result->file->phases.at(0).body.size() > 100000);
   }
   SECTION("a 1 MB line of garbage")
   {
      auto result = parse_fast(std::string(1 << 20, '@'));
      CHECK(result->diags.error_count() == 1);
   }
}

TEST_CASE("every truncation and every single-byte corruption of a runbook parses without a crash", "[syntax]")
{
   // ninja's build-log test, for the parser: whatever is cut off or
   // overwritten, the parser reports an error or succeeds, and never hangs
   // or crashes (run under the sanitizers in CI's sanitizer build).
   const std::string runbook =
      "runbook \"Truncated\"\n"
      "use \"std/traffic\" as t\n"
      "param soak: duration = 30m\n"
      "secret token = env(\"TOKEN\")\n"
      "metric errors = http get \"${api}/e\" json '.v' unit % header \"A\" = \"B ${token}\" lost after 2 errors\n"
      "trigger high \"High\" when errors > 1% for 5m severity P1 grace 1m -> rollback back\n"
      "fn f(a, b) {\n  return a + b * 2\n}\n"
      "phase \"Canary\" arms all {\n"
      "  checklist \"c\" { - \"one\" - 'two' }\n"
      "  for pct in [1, 5, 10] {\n"
      "    http post \"u/${pct}\" body {\"p\": pct, x: [1, {}]} expect status 200, json \".ok\" == true as r\n"
      "    watch (pct >= 5 ? 1h : soak) every 30s { errors < 0.1% after 3 consecutive failures on lost fail }\n"
      "  }\n"
      "  if not r.ok { abort \"no\" } else if x { log \"${-x}\" } else { wait 1h30m }\n"
      "  await http get \"h\" json \".s\" == \"up\" timeout 2m every 5s\n"
      "  sh \"deploy\" retry 3 every 10s idempotent id \"d\" undo { sh \"undo\" }\n"
      "}\n"
      "rollback back {\n  undo all; t.route(\"blue\", 100)\n}\n";
   {
      SourceFile whole{"t.rb", runbook};
      Diagnostics diags;
      parse_file(whole, diags);
      INFO(render_text(diags));
      REQUIRE_FALSE(diags.has_errors());
   }
   for (std::size_t size = 0; size < runbook.size(); ++size) {
      SourceFile cut{"t.rb", runbook.substr(0, size)};
      Diagnostics diags;
      auto file = parse_file(cut, diags);
      CHECK(file != nullptr);
      for (const auto& d : diags.all()) CHECK(d.loc.offset <= size);
      (void)render_text(diags);
   }
   const char replacements[] = {'{', '}', '"', '\'', '(', ')', '[', ']', '$', '#', '\n', '-', '>', ' ', 'x', '\\'};
   for (std::size_t at = 0; at < runbook.size(); ++at) {
      for (const char c : replacements) {
         std::string text = runbook;
         text[at] = c;
         SourceFile changed{"t.rb", text};
         Diagnostics diags;
         parse_file(changed, diags);
         CHECK(diags.error_count() <= 20);
      }
   }
}

TEST_CASE("ensure: a missing title or expression is said in the language's words", "[syntax]")
{
   CHECK(errors("ensure traffic_ok\n").find("expected the invariant's title as a string after 'ensure'") != std::string::npos);
   // The expression stays on the title's line: the next declaration is not taken for it.
   const auto missing = parse("ensure \"traffic is fine\"\nphase \"P\" {\n  log \"x\"\n}\n");
   CHECK(missing->text.find("bad.rb:1:") != std::string::npos);
   CHECK(missing->text.find("expected a true-or-false expression after the invariant's title") != std::string::npos);
   REQUIRE(missing->file);
   CHECK(missing->file->phases.size() == 1);   // recovery resumes at the phase
}
