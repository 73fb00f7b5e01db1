// runbook run FILE: execute a runbook for real, every step journaled.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"

namespace runbook::cli {

namespace {

int run_run(const std::string& file, const RunFlags& flags)
{
   CheckOptions options;
   options.require_param_values = true;
   const CheckedProgram loaded = load_and_check(source_request(file, flags.load, options));
   if (!loaded.usage_error.empty()) {
      fmt::print(stderr, "runbook run: {}\n", loaded.usage_error);
      return exit_code::Invalid;
   }
   if (!loaded.diags.all().empty()) fmt::print(stderr, "{}", render_text(loaded.diags, false));
   if (loaded.diags.has_errors()) {
      fmt::print(stderr, "runbook run: {} has errors; nothing was run\n", file);
      return exit_code::Invalid;
   }
   auto journal = open_journal_or_report(flags.journal, "run");
   if (!journal) return exit_code::Invalid;
   return drive_run(loaded.program, *journal, flags, file, "", 0, RunSettings{});
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code)
{
   auto file = std::make_shared<std::string>();
   auto flags = std::make_shared<RunFlags>();
   auto* cmd = app.add_subcommand("run", "Run a runbook for real; every step is journaled so it can be resumed");
   cmd->add_option("file", *file, "The runbook")->required()->check(CLI::ExistingFile);
   add_run_flags(cmd, *flags);
   cmd->callback([file, flags, &exit_code] {
      // Before anything else: a hang-up or Ctrl-C while the runbook loads is
      // seen by the run when it starts (exit 130), not a death by signal.
      install_interrupt_handler();
      exit_code = run_run(*file, *flags);
   });
}

}  // namespace runbook::cli
