// Every diagnostic code the sources can report has a golden case.
//
// The codes are read out of interpreter/ (the first string literal of every
// `.error(` / `.warning(` call); the golden corpora (tests/invalid/*.rb,
// tests/invalid-scenarios/*.scenario, see tests/check_golden.test.sh and
// tests/scenario_golden.test.sh) are run through the library the way their
// command lines say, and the codes they produce are collected. A code with
// no case fails this test: a new diagnostic needs its NAME.rb + NAME.expected.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "check/checker.hpp"
#include "check/params.hpp"
#include "simulate/scenario_parser.hpp"
#include "simulate/simulation.hpp"
#include "syntax/loader.hpp"

namespace fs = std::filesystem;
using namespace runbook;

namespace {

std::string read_text(const fs::path& path)
{
   std::ifstream in(path, std::ios::binary);
   std::stringstream text;
   text << in.rdbuf();
   return text.str();
}

/// The first string literal after each `error(` / `warning(` in the sources.
std::set<std::string> codes_in_sources()
{
   static const std::regex call(R"(\b(?:error|warning)\s*\(\s*(?:[^"();]|\([^()]*\))*"([a-z][a-z0-9]*(?:-[a-z0-9]+)*)\")");
   std::set<std::string> codes;
   for (const auto& entry : fs::recursive_directory_iterator(fs::path(RUNBOOK_SOURCE_DIR) / "interpreter")) {
      if (entry.path().extension() != ".cpp") continue;
      const std::string text = read_text(entry.path());
      for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it)
         codes.insert((*it)[1].str());
   }
   return codes;
}

/// A golden case's command line: the words of NAME.cmd, else DEFAULT + NAME.args.
std::vector<std::string> command_of(const fs::path& stem, std::vector<std::string> fallback)
{
   fs::path cmd = stem;
   cmd += ".cmd";
   fs::path args = stem;
   args += ".args";
   std::vector<std::string> words;
   std::istringstream in(fs::exists(cmd) ? read_text(cmd) : read_text(args));
   for (std::string word; in >> word;) words.push_back(word);
   if (fs::exists(cmd)) return words;
   fallback.insert(fallback.end(), words.begin(), words.end());
   return fallback;
}

void collect(const Diagnostics& diags, std::set<std::string>& codes)
{
   for (const auto& d : diags.all()) codes.insert(d.code);
}

/// Runs one case through the library as its command (check, run, test) would.
void run_case(const std::vector<std::string>& command, std::set<std::string>& codes)
{
   REQUIRE(command.size() >= 2);
   const std::string& verb = command[0];
   const std::string path = (fs::path(RUNBOOK_TESTS_DIR) / command[1]).string();
   Diagnostics diags;
   if (verb == "test") {
      const sim::Scenario scenario = sim::load_scenario(path, diags);
      if (!diags.has_errors()) sim::simulate(scenario, {}, diags);
      collect(diags, codes);
      return;
   }
   std::vector<std::string> params;
   for (std::size_t i = 2; i + 1 < command.size(); ++i)
      if (command[i] == "-p") params.push_back(command[i + 1]);
   FileSystemSources sources;
   LoadOptions load_options;
   load_options.search_path = default_search_path();
   Program program = load_program(path, sources, load_options, diags);
   std::string usage_error;
   if (program.root && apply_param_flags(program, params, usage_error) && !diags.has_errors()) {
      CheckOptions options;
      options.require_param_values = verb == "run";
      check_program(program, diags, options);
   }
   collect(diags, codes);
}

std::set<std::string> codes_in_corpus(const std::string& folder, const std::string& extension, const std::string& verb)
{
   std::set<std::string> codes;
   for (const auto& entry : fs::directory_iterator(fs::path(RUNBOOK_TESTS_DIR) / folder)) {
      if (entry.path().extension() != extension) continue;
      fs::path stem = entry.path();
      stem.replace_extension();
      INFO("golden case " << entry.path().string());
      run_case(command_of(stem, {verb, folder + "/" + entry.path().filename().string()}), codes);
   }
   return codes;
}

}  // namespace

TEST_CASE("every diagnostic code in the sources has a golden case", "[diagnostics]")
{
   const std::set<std::string> in_sources = codes_in_sources();
   // The scan itself must work: a few codes every version of runbook has.
   for (const char* known : {"syntax", "undefined-name", "type-mismatch", "scenario-syntax"}) CHECK(in_sources.count(known) == 1);

   std::set<std::string> covered = codes_in_corpus("invalid", ".rb", "check");
   for (const auto& code : codes_in_corpus("invalid-scenarios", ".scenario", "test")) covered.insert(code);

   std::vector<std::string> missing;
   for (const auto& code : in_sources)
      if (covered.count(code) == 0) missing.push_back(code);
   INFO("codes with no case in tests/invalid/ or tests/invalid-scenarios/: " << Catch::Detail::stringify(missing));
   CHECK(missing.empty());
}
