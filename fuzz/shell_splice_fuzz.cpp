// libFuzzer target: values spliced into sh commands (io/shell_splice.hpp).
//
// The property, not only the absence of crashes: a value spliced into a bare
// word, "..." or '...' reaches /bin/sh as exactly its characters (the target
// runs the shell and compares what printf received), a NUL byte is refused,
// and the scan of arbitrary author text never crashes or hangs. A violated
// property aborts, so libFuzzer keeps the input; scripts/fuzz.sh copies it to
// tests/regressions/shell_splice/, replayed by tests/unit/regressions_test.cpp.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
   const std::string broken = runbook::fuzz::shell_splice(std::string(reinterpret_cast<const char*>(data), size));
   if (!broken.empty()) {
      std::fprintf(stderr, "shell splice property broken: %s\n", broken.c_str());
      std::abort();
   }
   return 0;
}
