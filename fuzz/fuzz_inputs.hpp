// What the fuzz targets do with one input, shared with the unit test that
// replays tests/regressions/ (tests/unit/regressions_test.cpp), so a crash the
// fuzzer found is replayed through exactly the code that crashed.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "check/checker.hpp"
#include "simulate/scenario_parser.hpp"
#include "syntax/diagnostic.hpp"
#include "syntax/loader.hpp"

namespace runbook::fuzz {

/// The standard library's modules, read once from the source tree, keyed as
/// the in-memory loader finds them with search path {"stdlib"}.
inline const std::map<std::string, std::string>& stdlib_files()
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

/// Loads `text` as a runbook (it may `use "std/..."` modules), checks it when
/// it parsed, and renders the diagnostics in both formats. Returns the text
/// rendering (the caller only needs it not to crash).
inline std::string parse_check(const std::string& text)
{
   InMemorySources sources;
   sources.files = stdlib_files();
   sources.files["fuzz.rb"] = text;
   LoadOptions options;
   options.search_path = {"stdlib"};
   Diagnostics diags;
   Program program = load_program("fuzz.rb", sources, options, diags);
   if (program.root && !diags.has_errors()) check_program(program, diags, CheckOptions{});
   // Rendering points carets into the source text: exercise it while the
   // program (which owns the text) is alive.
   std::string rendered = render_text(diags, false);
   rendered += render_json(diags);
   return rendered;
}

/// Parses `text` as a scenario, asks it for its runbook's path and renders
/// its diagnostics.
inline std::string scenario(const std::string& text)
{
   Diagnostics diags;
   const sim::Scenario parsed = sim::parse_scenario("fuzz.scenario", text, diags);
   // diags point into its source: keep it alive while rendering
   return parsed.runbook_path() + render_text(diags, false);
}

}  // namespace runbook::fuzz
