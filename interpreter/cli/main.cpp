// runbook: check, plan, simulate, run and resume runbooks.
//
// main only sets up the process and dispatches; every command lives in its
// own cli/<name>_command.cpp and is listed in cli/commands.cpp.
#include <csignal>
#include <string_view>
#include <system_error>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "exec/exit_codes.hpp"
#include "io/child_reaper.hpp"

int main(int argc, char** argv)
{
   // The helper a run starts to stop its commands should it die (io/child_reaper.hpp).
   if (argc == 2 && std::string_view(argv[1]) == "__reap-children") return runbook::run_child_reaper();
   // libcurl runs with CURLOPT_NOSIGNAL, so a closed socket must not kill us.
   std::signal(SIGPIPE, SIG_IGN);

   CLI::App app{"runbook: declarative rollout and rollback runbooks, checked, planned, simulated and journaled"};
   app.require_subcommand(1);
   app.set_version_flag("--version", "runbook " RUNBOOK_VERSION);   // project(VERSION) in CMakeLists.txt
   int exit_code = runbook::exit_code::Completed;
   if (!runbook::cli::add_commands_for(app, exit_code, argc, argv)) return runbook::exit_code::Invalid;

   try {
      app.parse(argc, argv);
   } catch (const CLI::ParseError& e) {
      // --help and --version are "errors" to CLI11 with exit code 0.
      const int code = app.exit(e);
      return code == 0 ? 0 : runbook::exit_code::Invalid;
   } catch (const std::system_error& e) {
      // `runbook plan X | head -1`: the reader went away. SIGPIPE is ignored
      // (above), so the write failed with EPIPE instead: end as every other
      // Unix tool does on a closed pipe, by SIGPIPE, quietly.
      if (e.code() != std::errc::broken_pipe) throw;
      std::signal(SIGPIPE, SIG_DFL);
      std::raise(SIGPIPE);
      return 128 + SIGPIPE;
   }
   return exit_code;
}
