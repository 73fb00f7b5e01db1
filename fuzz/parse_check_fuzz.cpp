// libFuzzer target: the runbook parser and checker on arbitrary bytes.
//
// The input is the text of a runbook file that may `use` the real standard
// library (loaded from memory, so the fuzzer does no file I/O). Whatever the
// bytes, parsing, checking and rendering the diagnostics in both formats must
// not crash, hang, leak or trip a sanitizer: bad input gets diagnostics.
// scripts/fuzz.sh builds and runs it; crashes found become files in
// tests/regressions/runbooks/, replayed by tests/unit/regressions_test.cpp.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "check/checker.hpp"
#include "syntax/diagnostic.hpp"
#include "syntax/loader.hpp"

namespace {

/// The standard library's modules, read once from the source tree.
const std::map<std::string, std::string>& stdlib_files()
{
   static const std::map<std::string, std::string> files = [] {
      std::map<std::string, std::string> out;
      std::error_code ec;
      for (const auto& entry : std::filesystem::directory_iterator(RUNBOOK_SOURCE_STDLIB, ec)) {
         if (entry.path().extension() != ".rb") continue;
         std::ifstream in(entry.path(), std::ios::binary);
         std::stringstream text;
         text << in.rdbuf();
         out["stdlib/" + entry.path().filename().string()] = text.str();
      }
      return out;
   }();
   return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
   runbook::InMemorySources sources;
   sources.files = stdlib_files();
   sources.files["fuzz.rb"] = std::string(reinterpret_cast<const char*>(data), size);

   runbook::LoadOptions options;
   options.search_path = {"stdlib"};
   runbook::Diagnostics diags;
   runbook::Program program = runbook::load_program("fuzz.rb", sources, options, diags);
   if (program.root && !diags.has_errors()) {
      runbook::CheckOptions check_options;
      runbook::check_program(program, diags, check_options);
   }
   // Rendering points carets into the source text: exercise it too.
   std::string text = runbook::render_text(diags, false);
   std::string json = runbook::render_json(diags);
   return text.empty() && json.empty() ? 1 : 0;
}
