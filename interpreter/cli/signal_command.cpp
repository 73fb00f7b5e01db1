// runbook signal RUN NAME / runbook resolve RUN: give a running run one of
// its declared signals (`resolve` gives `resolved`). The run journals who
// gave it and when, and cancels the timers `unless` it.
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/run_request.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"

namespace runbook::cli {

namespace {

int send_signal(const std::string& journal_path, const std::string& run_id, const std::string& signal,
                const char* command)
{
   const int code = post_run_request(journal_path, run_id, signal_request(run_id, signal, command));
   if (code == exit_code::Completed) fmt::print("signal {} sent to run {}\n", signal, run_id);
   return code;
}

}  // namespace

void add_signal_command(CLI::App& app, int& exit_code)
{
   auto run_id = std::make_shared<std::string>();
   auto signal = std::make_shared<std::string>();
   auto journal_path = std::make_shared<std::string>();
   auto* cmd = app.add_subcommand("signal", "Give a running run one of its signals (cancels the timers 'unless' it)");
   cmd->add_option("run", *run_id, "The run id")->required();
   cmd->add_option("name", *signal, "The signal's name, as declared with 'signal NAME'")->required();
   add_journal_flag(cmd, *journal_path);
   cmd->callback([=, &exit_code] { exit_code = send_signal(*journal_path, *run_id, *signal, "signal"); });
}

void add_resolve_command(CLI::App& app, int& exit_code)
{
   auto run_id = std::make_shared<std::string>();
   auto journal_path = std::make_shared<std::string>();
   auto* cmd = app.add_subcommand("resolve", "Mark a running run's incident resolved (runbook signal RUN resolved)");
   cmd->add_option("run", *run_id, "The run id")->required();
   add_journal_flag(cmd, *journal_path);
   cmd->callback([=, &exit_code] { exit_code = send_signal(*journal_path, *run_id, "resolved", "resolve"); });
}

}  // namespace runbook::cli
