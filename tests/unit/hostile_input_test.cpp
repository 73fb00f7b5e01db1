// Hostile runbooks: whatever the bytes, the parser and checker answer with a
// clear diagnostic or a bounded limit, never a crash, a hang or super-linear
// time. Each input goes through the same path as the fuzz target
// (fuzz/fuzz_inputs.hpp: load with the stdlib, check, render text and JSON).
// The 50 MB file and the CLI's view of these inputs: tests/hostile_runbooks.test.sh.
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../../fuzz/fuzz_inputs.hpp"

using namespace runbook;

namespace {

struct Outcome {
   Diagnostics diags;
   std::string text;         ///< render_text
   std::string json;         ///< render_json
};

/// Loads `text` as fuzz.rb (with `extra` files next to it), checks it if it
/// parsed, and renders the diagnostics; the program lives while rendering.
Outcome load(const std::string& text, const std::map<std::string, std::string>& extra = {})
{
   InMemorySources sources;
   sources.files = fuzz::stdlib_files();
   for (const auto& [path, body] : extra) sources.files[path] = body;
   sources.files["fuzz.rb"] = text;
   LoadOptions options;
   options.search_path = {"stdlib"};
   Outcome out;
   Program program = load_program("fuzz.rb", sources, options, out.diags);
   if (program.root && !out.diags.has_errors()) check_program(program, out.diags, CheckOptions{});
   out.text = render_text(out.diags, false);
   out.json = render_json(out.diags);
   return out;
}

bool mentions(const Outcome& o, const std::string& words)
{
   return std::any_of(o.diags.all().begin(), o.diags.all().end(),
                      [&](const Diagnostic& d) { return d.message.find(words) != std::string::npos; });
}

/// The JSON rendering must stay valid JSON whatever the source bytes were.
void require_valid_json(const Outcome& o)
{
   const auto parsed = nlohmann::json::parse(o.json, nullptr, false);
   REQUIRE_FALSE(parsed.is_discarded());
}

std::string repeat(const std::string& s, std::size_t n)
{
   std::string out;
   out.reserve(s.size() * n);
   for (std::size_t i = 0; i < n; ++i) out += s;
   return out;
}

const std::string header = "runbook \"hostile\"\n";

double seconds_to_parse(const std::string& text)
{
   const auto start = std::chrono::steady_clock::now();
   fuzz::parse_check(text);
   return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Best of three, to keep a busy CI machine's noise out of the ratio.
double best_time(const std::string& text)
{
   double best = 1e9;
   for (int i = 0; i < 3; ++i) best = std::min(best, seconds_to_parse(text));
   return best;
}

}  // namespace

TEST_CASE("deeply nested input is refused at a bounded depth, not a stack overflow", "[hostile]")
{
   const std::size_t depth = 100000;
   // Steps live in a phase: `let` is wrapped in one.
   const auto in_phase = [](const std::string& step) { return header + "phase \"p\" {\n  " + step + "\n}\n"; };
   const std::vector<std::pair<std::string, std::string>> shapes = {
      {"parentheses", in_phase("let x = " + repeat("(", depth) + "1" + repeat(")", depth))},
      {"lists", in_phase("let x = " + repeat("[", depth) + repeat("]", depth))},
      {"maps", in_phase("let x = " + repeat("{\"a\": ", depth) + "1" + repeat("}", depth))},
      {"unary minus", in_phase("let x = " + repeat("-", depth) + "1")},
      {"not", in_phase("let x = " + repeat("not ", depth) + "true")},
      {"blocks", header + "phase \"p\" {\n" + repeat("if true {\n", depth) + repeat("}\n", depth) + "}\n"},
      {"interpolations", in_phase("log \"" + repeat("${\"", depth) + repeat("\"}", depth) + "\"")},
      {"unclosed", in_phase("let x = " + repeat("(", depth))},
   };
   for (const auto& [name, text] : shapes) {
      INFO(name);
      const Outcome o = load(text);
      REQUIRE(o.diags.has_errors());
      CHECK(mentions(o, "nest"));
      require_valid_json(o);
   }
}

TEST_CASE("very long lines parse or fail with a message", "[hostile]")
{
   const std::string long_string = header + "phase \"p\" {\n  log \"" + std::string(4 << 20, 'a') + "\"\n}\n";
   const Outcome ok = load(long_string);
   CHECK_FALSE(ok.diags.has_errors());

   // One 4 MB line of garbage: one diagnostic with a caret, not four million.
   const Outcome bad = load(header + std::string(4 << 20, '@') + "\n");
   REQUIRE(bad.diags.has_errors());
   CHECK(bad.diags.error_count() <= 20);
   CHECK(bad.text.size() < 64 * 1024);   // the rendered line is shortened around the caret
   require_valid_json(bad);

   // A huge identifier.
   const Outcome name = load(header + "let " + std::string(1 << 20, 'x') + " = 1\n");
   require_valid_json(name);
}

TEST_CASE("invalid UTF-8 and NUL bytes get diagnostics, and JSON output stays valid", "[hostile]")
{
   const std::vector<std::pair<std::string, std::string>> inputs = {
      {"in a string", header + "phase \"p\" {\n  log \"caf\xe9 \xff\xfe\"\n}\n"},
      {"in a comment", header + "# \xc3\x28 \xa0\xa1\n"},
      {"as a name", header + "let \xff\xfe = 1\n"},
      {"truncated sequence at end", header + "let x = \"\xe2\x82"},
      {"overlong encoding", header + "log \"\xc0\xaf\"\n"},
      {"NUL in the middle", header + std::string("let x = 1\0let y = 2\n", 21)},
      {"NUL first", std::string("\0\0\0\0", 4)},
   };
   for (const auto& [name, text] : inputs) {
      INFO(name);
      const Outcome o = load(text);
      require_valid_json(o);
      if (text.find('\0') != std::string::npos) CHECK(mentions(o, "NUL"));
   }
}

TEST_CASE("import cycles are reported with the cycle, not followed forever", "[hostile]")
{
   const std::map<std::string, std::string> modules = {
      {"a.rb", "use \"./b.rb\"\nfn fa() {\n  log \"a\"\n}\n"},
      {"b.rb", "use \"./c.rb\"\nfn fb() {\n  log \"b\"\n}\n"},
      {"c.rb", "use \"./a.rb\"\nfn fc() {\n  log \"c\"\n}\n"},
   };
   const Outcome cycle = load(header + "use \"./a.rb\"\n", modules);
   REQUIRE(cycle.diags.has_errors());
   CHECK(mentions(cycle, "cycle"));

   const Outcome self = load(header + "use \"./fuzz.rb\"\n");
   REQUIRE(self.diags.has_errors());
}

TEST_CASE("unterminated strings, interpolations and blocks point at where they start", "[hostile]")
{
   const std::vector<std::pair<std::string, std::string>> inputs = {
      {"string", header + "phase \"p\" {\n  log \"never closed\n}\n"},
      {"string at end of file", header + "log \"abc"},
      {"interpolation", header + "phase \"p\" {\n  log \"${x\n}\n"},
      {"interpolation at end of file", header + "log \"${"},
      {"raw string", header + "let q = 'abc\n"},
      {"block", header + "phase \"p\" {\n  log \"x\"\n"},
      {"list", header + "let x = [1, 2\n"},
      {"escape at end", header + "log \"\\"},
   };
   for (const auto& [name, text] : inputs) {
      INFO(name);
      const Outcome o = load(text);
      REQUIRE(o.diags.has_errors());
      REQUIRE_FALSE(o.diags.all().empty());
      CHECK(o.diags.all().front().loc.line >= 2);
      require_valid_json(o);
   }
}

TEST_CASE("parse time grows linearly with the input", "[hostile][timing]")
{
   // Realistic text and error-heavy text; 8 times the input may take at most
   // 8 x 3 the time (generous: CI machines are noisy), which any quadratic
   // behaviour (64x) breaks.
   const std::string good_chunk = R"(
phase "Wave" {
  checklist "Before" {
    - "Dashboards open"
  }
  http post "${api}/api/traffic" body {"environment": "green", "percentage": 5} expect status 200
  wait 5m
  if 1 < 2 {
    log "nested ${api} interpolation"
  }
}
)";
   const std::vector<std::pair<std::string, std::string>> shapes = {
      {"a realistic runbook", header + "param api = \"http://x\"\n"},
      {"a line of errors", header},
      {"unclosed brackets", header},
      {"unterminated strings", header},
   };
   const std::vector<std::string> chunks = {good_chunk, "phase @ { ) ] }\n", "let x = (((((((\n",
                                            "log \"abc ${ \n"};
   for (std::size_t i = 0; i < shapes.size(); ++i) {
      INFO(shapes[i].first);
      const std::size_t base = 400;
      const double small = best_time(shapes[i].second + repeat(chunks[i], base));
      const double large = best_time(shapes[i].second + repeat(chunks[i], base * 8));
      INFO("x1: " << small << " s, x8: " << large << " s");
      CHECK(large < std::max(small, 0.002) * 8 * 3);
   }
}
