#include "options.hpp"

#include <cstdlib>

#include <CLI/CLI.hpp>

namespace sandbox {

std::optional<SandboxOptions> parse_options(int argc, char** argv, int& exit_code)
{
   SandboxOptions options;
   CLI::App app{"runbook-sandbox: a local stand-in for the seed's mailsender system (load balancer admin API, "
                "health, monitoring, Prometheus metrics, Slack/Statuspage/PagerDuty receivers) on 127.0.0.1. "
                "See docs/sandbox.md."};
   app.add_option("--port", options.port, "port on 127.0.0.1 (0 picks a free one; the ready line says which)")
      ->check(CLI::Range(0, 65535));
   std::string token;
   app.add_option("--token", token, "bearer token POST /api/traffic requires (or set RUNBOOK_SANDBOX_TOKEN; without either, no auth)");
   std::string state;
   app.add_option("--state", state, "JSON file that keeps the split, faults, idempotency keys and request log across restarts");
   app.add_option("--seed", options.seed, "shifts where synthetic errors and slow requests fall (default 1)");
   app.add_option("--requests-per-second", options.requests_per_second, "synthetic request flow behind /metrics (default 100)")
      ->check(CLI::Range(1.0, 100000.0));
   app.add_flag("--verbose", options.verbose, "print one line per mutating request on stderr");
   try {
      app.parse(argc, argv);
   }
   catch (const CLI::ParseError& e) {
      // CLI11 prints the help or the error; the exit code is ours: 0 for
      // --help, 2 for a bad command line (as the runbook CLI does).
      exit_code = app.exit(e) == 0 ? 0 : 2;
      return std::nullopt;
   }
   // The environment variable keeps the token out of `ps` output.
   if (!token.empty()) options.token = token;
   else if (const char* from_env = std::getenv("RUNBOOK_SANDBOX_TOKEN"); from_env && *from_env) options.token = from_env;
   if (!state.empty()) options.state_file = state;
   return options;
}

}  // namespace sandbox
