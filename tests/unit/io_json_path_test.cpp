// jq-style JSON paths and untrusted JSON parsing.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include "io/json_path.hpp"

using runbook::JsonPath;
using runbook::lookup_json_path;
using runbook::parse_json_text;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const nlohmann::json document = nlohmann::json::parse(R"({
   "data": {"value": 0.25, "cpu": [10, 20, 30], "nested": {"deep": true}},
   "key with space": "spaced",
   "quote\"key": 1,
   "items": [],
   "name": "green",
   "n": null
})");

/// The found value, dumped; or "error: <text>".
std::string at(std::string_view path)
{
   const auto lookup = lookup_json_path(document, path);
   return lookup.ok() ? lookup.value->dump() : "error: " + lookup.error;
}

}  // namespace

TEST_CASE("json path: the paths the language allows", "[io][json]")
{
   CHECK(at(".") == document.dump());
   CHECK(at(".data.value") == "0.25");
   CHECK(at(".data.cpu[0]") == "10");
   CHECK(at(".data.cpu[2]") == "30");
   CHECK(at(".data.cpu[-1]") == "30");
   CHECK(at(".data.cpu[-3]") == "10");
   CHECK(at(".data.nested.deep") == "true");
   CHECK(at(".[\"key with space\"]") == "\"spaced\"");
   CHECK(at("[\"key with space\"]") == "error: malformed JSON path '[\"key with space\"]': a path starts with '.', as in '.data.value'");
   CHECK(at(".\"key with space\"") == "\"spaced\"");
   CHECK(at(".data[\"value\"]") == "0.25");
   CHECK(at(".[\"quote\\\"key\"]") == "1");
   CHECK(at(".data.cpu.[1]") == "20");
   CHECK(at(".n") == "null");
   CHECK(at("._under_score") == "error: no key '_under_score' at .");
}

TEST_CASE("json path: missing keys and indexes say where the path stopped", "[io][json]")
{
   CHECK(at(".data.missing") == "error: no key 'missing' at .data");
   CHECK(at(".value") == "error: no key 'value' at .");
   CHECK(at(".data.cpu[3]") == "error: no index 3 at .data.cpu (the array has 3 elements)");
   CHECK(at(".data.cpu[-4]") == "error: no index -4 at .data.cpu (the array has 3 elements)");
   CHECK(at(".items[0]") == "error: no index 0 at .items (the array has 0 elements)");
   CHECK(at(".name.first") == "error: cannot read key 'first' at .name: it is a string, not an object");
   CHECK(at(".data[0]") == "error: cannot read index 0 at .data: it is an object, not an array");
   CHECK(at(".n.x") == "error: cannot read key 'x' at .n: it is null, not an object");
   CHECK(at(".[\"key with space\"].x") == "error: cannot read key 'x' at .[\"key with space\"]: it is a string, not an object");
   const auto list = nlohmann::json::parse("[[1], 2]");
   CHECK(lookup_json_path(list, ".[1][0]").error == "cannot read index 0 at .[1]: it is a number, not an array");
}

TEST_CASE("json path: malformed paths are parse errors", "[io][json]")
{
   const auto error_of = [](std::string_view text) {
      std::string error;
      const auto path = JsonPath::parse(text, error);
      return path ? std::string("parsed") : error;
   };
   CHECK(error_of("") == "malformed JSON path '': it is empty; use '.' for the whole document");
   CHECK(error_of("data.value") == "malformed JSON path 'data.value': a path starts with '.', as in '.data.value'");
   CHECK(error_of(".a[") == "malformed JSON path '.a[': expected a number or a string after '[', found the end of the path");
   CHECK(error_of(".a[1") == "malformed JSON path '.a[1': expected ']', found the end of the path");
   CHECK(error_of(".a[x]") == "malformed JSON path '.a[x]': expected a number or a string after '[', found 'x' at offset 3");
   CHECK(error_of(".a.") == "malformed JSON path '.a.': expected a name, '[' or '\"' after '.', found the end of the path");
   CHECK(error_of(".a..b") == "malformed JSON path '.a..b': expected a name, '[' or '\"' after '.', found '.' at offset 3");
   CHECK(error_of(".[\"open") == "malformed JSON path '.[\"open': unterminated or invalid string at offset 2");
   CHECK(error_of(".a b") == "malformed JSON path '.a b': unexpected ' ' at offset 2");
   CHECK(error_of(".a|.b") == "malformed JSON path '.a|.b': unexpected '|' at offset 2");
   CHECK(error_of(std::string(".a\0b", 4)) == std::string("malformed JSON path '.a") + '\0' + "b': unexpected byte 0x00 at offset 2");
   CHECK(error_of(".a[99999999999999999999]").find("expected a number") != std::string::npos);
   // A lookup with a malformed path reports the parse error.
   CHECK(at(".a[") == "error: malformed JSON path '.a[': expected a number or a string after '[', found the end of the path");
}

TEST_CASE("json path: a parsed path can be reused and shows its segments", "[io][json]")
{
   std::string error;
   const auto path = JsonPath::parse(".data.cpu[-1]", error);
   REQUIRE(path);
   CHECK(path->text() == ".data.cpu[-1]");
   REQUIRE(path->segments().size() == 3);
   CHECK(std::get<std::string>(path->segments()[0]) == "data");
   CHECK(std::get<long long>(path->segments()[2]) == -1);
   const auto other = nlohmann::json::parse(R"({"data": {"cpu": [1, 2]}})");
   const auto* found = path->find(other, error);
   REQUIRE(found != nullptr);
   CHECK(*found == 2);
}

TEST_CASE("json text: untrusted bodies parse or say why not", "[io][json][hostile]")
{
   std::string error;
   SECTION("valid JSON")
   {
      const auto parsed = parse_json_text(R"({"value": 1.5})", error);
      REQUIRE(parsed);
      CHECK((*parsed)["value"] == 1.5);
   }
   SECTION("an HTML error page")
   {
      CHECK_FALSE(parse_json_text("<html><body>502 Bad Gateway</body></html>", error));
      CHECK_THAT(error, StartsWith("not JSON (parse error at line 1, column 1: "));
      CHECK_THAT(error, Contains("the body begins \"<html><body>502 Bad Gateway</body></html>\""));
   }
   SECTION("an empty body")
   {
      CHECK_FALSE(parse_json_text("  \n", error));
      CHECK(error == "not JSON: the body is empty");
   }
   SECTION("a truncated document")
   {
      CHECK_FALSE(parse_json_text(R"({"value": )", error));
      CHECK_THAT(error, StartsWith("not JSON (parse error"));
   }
   SECTION("invalid UTF-8 inside a string")
   {
      CHECK_FALSE(parse_json_text("\"\xff\xfe\"", error));
      CHECK_THAT(error, StartsWith("not JSON ("));
   }
   SECTION("absurd nesting is refused before anyone recurses into it")
   {
      const std::string deep(100000, '[');
      CHECK_FALSE(parse_json_text(deep + std::string(100000, ']'), error));
      CHECK(error == "JSON nested deeper than 256 levels");
      const std::string fine = std::string(200, '[') + std::string(200, ']');
      CHECK(parse_json_text(fine, error));
   }
}

TEST_CASE("json excerpt: short, single-line, cut at a character", "[io][json]")
{
   CHECK(runbook::json_excerpt(nlohmann::json("abc")) == "\"abc\"");
   CHECK(runbook::json_excerpt(nlohmann::json::parse(R"({"a": [1, 2]})")) == R"({"a":[1,2]})");
   CHECK(runbook::json_excerpt(nlohmann::json(std::string(100, 'x')), 10) == "\"xxxxxxxxx...");
   CHECK(runbook::json_excerpt(nlohmann::json("line\nbreak")) == "\"line\\nbreak\"");
   // "é" is two bytes: a cut in its middle drops it whole, a cut after it keeps it.
   CHECK(runbook::json_excerpt(nlohmann::json("aaaaaaaé!"), 10) == "\"aaaaaaaé...");
   CHECK(runbook::json_excerpt(nlohmann::json("aaaaaaaé!"), 9) == "\"aaaaaaa...");
}

TEST_CASE("json path: random input never crashes, and what parses finds or explains", "[io][json][hostile]")
{
   // Deterministic pseudo-random paths over the characters that matter to the grammar.
   const std::string alphabet = ".[]\"\\-0123abc _\x01\xff";
   std::uint32_t state = 12345;
   const auto next = [&state] {
      state = state * 1664525u + 1013904223u;
      return state >> 8;
   };
   const auto doc = nlohmann::json::parse(R"({"a": [1, {"b": 2}], "c": {"a": [[3]]}, "0": 4})");
   int parsed = 0;
   for (int i = 0; i < 20000; ++i) {
      std::string text;
      const std::size_t length = next() % 12;
      for (std::size_t j = 0; j < length; ++j) text += alphabet[next() % alphabet.size()];
      if (i % 2 == 0) text.insert(0, ".");
      std::string error;
      const auto path = JsonPath::parse(text, error);
      if (!path) {
         INFO(text);
         CHECK_THAT(error, StartsWith("malformed JSON path '"));
         continue;
      }
      ++parsed;
      const auto* found = path->find(doc, error);
      if (found == nullptr) {
         INFO(text);
         CHECK_FALSE(error.empty());
      }
   }
   CHECK(parsed > 100);   // The generator does reach valid paths.
}
