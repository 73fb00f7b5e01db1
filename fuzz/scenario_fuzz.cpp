// libFuzzer target: the scenario parser (`runbook simulate --scenario`,
// `runbook test`) on arbitrary bytes: diagnostics, never a crash, a hang or a
// sanitizer report. What it finds becomes a file in
// tests/regressions/scenarios/, replayed by tests/unit/regressions_test.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
   runbook::fuzz::scenario(std::string(reinterpret_cast<const char*>(data), size));
   return 0;
}
