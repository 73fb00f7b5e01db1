// The command line of runbook-sandbox.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace sandbox {

struct SandboxOptions {
   int port = 0;                                      ///< 0: the system picks a free port.
   std::optional<std::string> token;                  ///< Bearer token of POST /api/traffic; none: no auth.
   std::optional<std::filesystem::path> state_file;   ///< Persist the state here after every mutation.
   std::uint64_t seed = 1;                            ///< Shifts where synthetic errors fall; proportions never change.
   double requests_per_second = 100;                  ///< The synthetic flow behind /metrics.
   bool verbose = false;                              ///< One stderr line per mutating request (no secrets).
};

/// Parses argv; on --help or a bad command line prints the message and sets
/// `exit_code` (0 for --help, 2 for an error) and returns nullopt.
std::optional<SandboxOptions> parse_options(int argc, char** argv, int& exit_code);

}  // namespace sandbox
