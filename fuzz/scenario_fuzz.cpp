// libFuzzer target: the scenario parser (runbook simulate --scenario, runbook
// test) on arbitrary bytes. Whatever the bytes: diagnostics, never a crash,
// a hang or a sanitizer report. Crashes found become files in
// tests/regressions/scenarios/, replayed by tests/unit/regressions_test.cpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "simulate/scenario_parser.hpp"
#include "syntax/diagnostic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
   runbook::Diagnostics diags;
   runbook::sim::Scenario scenario =
       runbook::sim::parse_scenario("fuzz.scenario", std::string(reinterpret_cast<const char*>(data), size), diags);
   (void)scenario;
   std::string text = runbook::render_text(diags, false);
   return text.size() > size * 1000 + 100000 ? 1 : 0;
}
