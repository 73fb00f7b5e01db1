// runbook: check, plan, simulate, run and resume runbooks.
//
// main only sets up the process and dispatches; every command lives in its
// own cli/<name>_command.cpp and is listed in cli/commands.cpp.
#include <csignal>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "exec/exit_codes.hpp"
#include "io/http_client.hpp"

int main(int argc, char** argv)
{
   // libcurl runs with CURLOPT_NOSIGNAL, so a closed socket must not kill us.
   std::signal(SIGPIPE, SIG_IGN);
   runbook::http_global_init();

   CLI::App app{"runbook: declarative rollout and rollback runbooks, checked, planned, simulated and journaled"};
   app.require_subcommand(1);
   app.set_version_flag("--version", "runbook " RUNBOOK_VERSION);   // project(VERSION) in CMakeLists.txt
   int exit_code = runbook::exit_code::Completed;
   for (auto add : runbook::cli::all_commands()) add(app, exit_code);

   try {
      app.parse(argc, argv);
   } catch (const CLI::ParseError& e) {
      // --help and --version are "errors" to CLI11 with exit code 0.
      const int code = app.exit(e);
      return code == 0 ? 0 : runbook::exit_code::Invalid;
   }
   return exit_code;
}
