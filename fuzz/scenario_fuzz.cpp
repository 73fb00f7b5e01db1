// libFuzzer target: the scenario parser (runbook simulate / runbook test) on
// arbitrary bytes.
//
// Any input must give a Scenario or diagnostics: never a crash, a hang or
// unbounded memory. Rendering the diagnostics is part of the target, since
// the caret line is computed from the input. scripts/fuzz.sh builds and runs
// it; what it finds becomes a file in tests/regressions/scenarios/, replayed
// by tests/unit/regressions_test.cpp through the same function.
#include <cstddef>
#include <cstdint>

#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
   runbook::fuzz::scenario(std::string(reinterpret_cast<const char*>(data), size));
   return 0;
}
