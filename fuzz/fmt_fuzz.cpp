// libFuzzer target: `runbook fmt` (syntax/format.hpp) on arbitrary bytes.
//
// Whatever the bytes, formatting must not crash or hang, formatting the
// output again must change nothing, and a text that parses must format to
// one that parses to the same tree (fuzz_inputs.hpp, format_roundtrip()).
// A broken promise aborts, so libFuzzer keeps the input as a finding;
// scripts/fuzz.sh copies it to tests/regressions/fmt/, replayed by
// tests/unit/regressions_test.cpp.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
   const std::string broken = runbook::fuzz::format_roundtrip(std::string(reinterpret_cast<const char*>(data), size));
   if (!broken.empty()) {
      std::fprintf(stderr, "fmt_fuzz: %s\n", broken.c_str());
      std::abort();
   }
   return 0;
}
