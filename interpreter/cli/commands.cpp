#include "cli/commands.hpp"

#include <fmt/core.h>

#include "syntax/suggest.hpp"

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
void add_serve_command(CLI::App& app, int& exit_code);
void add_lsp_command(CLI::App& app, int& exit_code);
void add_fmt_command(CLI::App& app, int& exit_code);

const std::vector<Command>& all_commands()
{
   static const std::vector<Command> commands = {
      {"check", add_check_command},
      {"plan", add_plan_command},
      {"graph", add_graph_command},
      {"diff", add_diff_command},
      {"simulate", add_simulate_command},
      {"test", add_test_command},
      {"verify", add_verify_command},
      {"review", add_review_command},
      {"fmt", add_fmt_command},
      {"run", add_run_command},
      {"resume", add_resume_command},
      {"runs", add_runs_command},
      {"status", add_status_command},
      {"log", add_log_command},
      {"approve", add_approve_command},
      {"abort", add_abort_command},
      {"signal", add_signal_command},
      {"resolve", add_resolve_command},
      {"fire", add_fire_command},
      {"serve", add_serve_command},
      {"lsp", add_lsp_command},
      {"version", add_version_command},
   };
   return commands;
}

const Command* find_command(std::string_view name)
{
   for (const auto& command : all_commands())
      if (name == command.name) return &command;
   return nullptr;
}

bool add_commands_for(CLI::App& app, int& exit_code, int argc, char** argv)
{
   const std::string_view first = argc > 1 ? argv[1] : "";
   if (const Command* named = find_command(first)) {
      named->add(app, exit_code);
      return true;
   }
   if (!first.empty() && first.front() != '-') {
      std::vector<std::string> names;
      for (const auto& command : all_commands()) names.emplace_back(command.name);
      const std::string closest = closest_name(first, names);
      fmt::print(stderr, "runbook: there is no command '{}'{}; `runbook --help` lists them\n", first,
                 closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest));
      return false;
   }
   for (const auto& command : all_commands()) command.add(app, exit_code);
   return true;
}

}  // namespace runbook::cli
