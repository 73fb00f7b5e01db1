// libFuzzer target: the runbook parser and checker on arbitrary bytes.
//
// The input is the text of a runbook file that may `use` the real standard
// library (loaded from memory: the fuzzer does no file I/O). Whatever the
// bytes, parsing, checking and rendering the diagnostics in both formats must
// not crash, hang, leak or trip a sanitizer: bad input gets diagnostics.
// scripts/fuzz.sh builds and runs it; what it finds becomes a file in
// tests/regressions/runbooks/, replayed by tests/unit/regressions_test.cpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
   runbook::fuzz::parse_check(std::string(reinterpret_cast<const char*>(data), size));
   return 0;
}
