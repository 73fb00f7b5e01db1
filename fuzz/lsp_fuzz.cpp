// libFuzzer target: the language server (runbook lsp) on arbitrary bytes,
// as a document's text and as the protocol stream (fuzz_inputs.hpp,
// lsp_session). Any input must be answered: never a crash, a hang or
// unbounded memory. What it finds becomes a file in tests/regressions/lsp/.
#include <cstddef>
#include <cstdint>

#include "fuzz_inputs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
   runbook::fuzz::lsp_session(std::string(reinterpret_cast<const char*>(data), size));
   return 0;
}
