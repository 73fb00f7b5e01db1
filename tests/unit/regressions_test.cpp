// Replays every input in tests/regressions/ (crashes and hangs the fuzzers
// found, kept after the fix) through exactly what the fuzz targets run.
// A regression crashes this test (and ASan/UBSan report it in the sanitizer
// build); a hang trips ctest's timeout.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "../../fuzz/fuzz_inputs.hpp"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs_in(const std::string& folder)
{
   std::vector<fs::path> files;
   std::error_code ec;
   for (const auto& entry : fs::directory_iterator(fs::path(RUNBOOK_TESTS_DIR) / "regressions" / folder, ec))
      if (entry.is_regular_file()) files.push_back(entry.path());
   std::sort(files.begin(), files.end());
   return files;
}

std::string read_bytes(const fs::path& path)
{
   std::ifstream in(path, std::ios::binary);
   std::ostringstream text;
   text << in.rdbuf();
   return text.str();
}

}  // namespace

TEST_CASE("fuzzer regressions: runbooks parse, check and render without crashing", "[regressions]")
{
   const auto files = inputs_in("runbooks");
   REQUIRE_FALSE(files.empty());
   for (const auto& file : files) {
      INFO(file.string());
      CHECK_NOTHROW(runbook::fuzz::parse_check(read_bytes(file)));
   }
}

TEST_CASE("fuzzer regressions: scenarios parse and render without crashing", "[regressions]")
{
   const auto files = inputs_in("scenarios");
   REQUIRE_FALSE(files.empty());
   for (const auto& file : files) {
      INFO(file.string());
      CHECK_NOTHROW(runbook::fuzz::scenario(read_bytes(file)));
   }
}

TEST_CASE("fuzzer regressions: spliced sh values reach /bin/sh exactly", "[regressions][shell]")
{
   const auto files = inputs_in("shell_splice");
   CHECK_FALSE(files.empty());
   for (const auto& file : files) {
      INFO(file.string());
      CHECK(runbook::fuzz::shell_splice(read_bytes(file)).empty());
   }
}

TEST_CASE("fuzzer regressions: the language server answers hostile documents and streams", "[regressions][lsp]")
{
   const auto files = inputs_in("lsp");
   REQUIRE_FALSE(files.empty());
   for (const auto& file : files) {
      INFO(file.string());
      CHECK_NOTHROW(runbook::fuzz::lsp_session(read_bytes(file)));
   }
}

TEST_CASE("fuzzer regressions: runbook fmt is idempotent and keeps the tree", "[regressions][fmt]")
{
   // Its own findings, and the parser's (inputs that once broke the parser
   // are the ones most likely to confuse a lexer too).
   auto files = inputs_in("fmt");
   REQUIRE_FALSE(files.empty());
   const auto parser_inputs = inputs_in("runbooks");
   files.insert(files.end(), parser_inputs.begin(), parser_inputs.end());
   for (const auto& file : files) {
      INFO(file.string());
      CHECK(runbook::fuzz::format_roundtrip(read_bytes(file)).empty());
   }
}
