// runbook approve RUN [STEP] [--answer CHOICE]: answer a pending approval,
// checklist item or ask of a run from another terminal. The run polls its
// journal for the request; an answer that is not one of the question's
// choices is refused there (the run says so and keeps waiting).
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/run_request.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"

namespace runbook::cli {

void add_approve_command(CLI::App& app, int& exit_code)
{
   auto run_id = std::make_shared<std::string>();
   auto step = std::make_shared<std::string>();
   auto journal_path = std::make_shared<std::string>();
   auto answer = std::make_shared<std::string>();
   auto* cmd = app.add_subcommand("approve", "Answer the pending approval, checklist item or ask of a running run");
   cmd->add_option("run", *run_id, "The run id")->required();
   cmd->add_option("step", *step, "The step id to approve (default: whatever the run is asking now)");
   cmd->add_option("--answer", *answer,
                   "The choice to answer (an ask needs one; an approval: yes, the default, or no)");
   add_journal_flag(cmd, *journal_path);
   cmd->callback([=, &exit_code] {
      exit_code = post_run_request(*journal_path, *run_id, approve_request(*step, *answer));
      if (exit_code == exit_code::Completed)
         fmt::print("{} sent to run {}{}\n", answer->empty() ? "approval" : "answer '" + *answer + "'", *run_id,
                    step->empty() ? "" : " for step " + *step);
   });
}

}  // namespace runbook::cli
