#include "cli/commands.hpp"

namespace runbook::cli {

// Each is defined in cli/<name>_command.cpp.
void add_version_command(CLI::App& app, int& exit_code);
void add_check_command(CLI::App& app, int& exit_code);
void add_plan_command(CLI::App& app, int& exit_code);
void add_graph_command(CLI::App& app, int& exit_code);
void add_diff_command(CLI::App& app, int& exit_code);
void add_review_command(CLI::App& app, int& exit_code);
void add_simulate_command(CLI::App& app, int& exit_code);
void add_test_command(CLI::App& app, int& exit_code);
void add_verify_command(CLI::App& app, int& exit_code);
void add_run_command(CLI::App& app, int& exit_code);
void add_resume_command(CLI::App& app, int& exit_code);
void add_runs_command(CLI::App& app, int& exit_code);
void add_status_command(CLI::App& app, int& exit_code);
void add_log_command(CLI::App& app, int& exit_code);
void add_approve_command(CLI::App& app, int& exit_code);
void add_abort_command(CLI::App& app, int& exit_code);
void add_signal_command(CLI::App& app, int& exit_code);
void add_resolve_command(CLI::App& app, int& exit_code);
void add_fire_command(CLI::App& app, int& exit_code);
void add_lsp_command(CLI::App& app, int& exit_code);
void add_fmt_command(CLI::App& app, int& exit_code);

const std::vector<AddCommand>& all_commands()
{
   static const std::vector<AddCommand> commands = {
      add_check_command,
      add_plan_command,
      add_graph_command,
      add_diff_command,
      add_simulate_command,
      add_test_command,
      add_verify_command,
      add_review_command,
      add_fmt_command,
      add_run_command,
      add_resume_command,
      add_runs_command,
      add_status_command,
      add_log_command,
      add_approve_command,
      add_abort_command,
      add_signal_command,
      add_resolve_command,
      add_fire_command,
      add_lsp_command,
      add_version_command,
   };
   return commands;
}

}  // namespace runbook::cli
