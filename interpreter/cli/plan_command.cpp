// runbook plan FILE : what the runbook will do, without doing any of it.
//
// Nothing is executed and nothing touches the network: the plan is worked out
// from the checked tree (plan/plan.hpp). Invalid runbooks get their
// diagnostics and exit 2, as with `runbook check`.
#include <fmt/core.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "exec/exit_codes.hpp"
#include "plan/render.hpp"

namespace runbook::cli {

namespace {

struct PlanFlags {
   std::string file;
   std::string format = "text";
   LoadFlags load;
};

int run_plan(const PlanFlags& flags)
{
   const CheckedProgram loaded = load_and_check(source_request(flags.file, flags.load));
   if (!loaded.usage_error.empty()) {
      fmt::print(stderr, "runbook plan: {}\n", loaded.usage_error);
      return exit_code::Invalid;
   }
   if (!loaded.diags.all().empty()) fmt::print(stderr, "{}", render_text(loaded.diags, false));
   if (loaded.diags.has_errors()) return exit_code::Invalid;
   const plan::Plan plan = plan::build_plan(loaded.program, loaded.given_params);
   if (flags.format == "markdown") fmt::print("{}", plan::render_markdown(plan));
   else if (flags.format == "json") fmt::print("{}", plan::render_json(plan));
   else fmt::print("{}", plan::render_text(plan));
   return exit_code::Completed;
}

}  // namespace

void add_plan_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<PlanFlags>();
   auto* cmd = app.add_subcommand("plan", "Show every step, side effect, trigger and rollback without running anything");
   cmd->add_option("file", flags->file, "Runbook file")->required()->check(CLI::ExistingFile);
   cmd->add_option("--format", flags->format, "text, markdown (for a review comment) or json")
       ->check(CLI::IsMember({"text", "markdown", "json"}));
   add_load_flags(cmd, flags->load);
   cmd->callback([flags, &exit_code] { exit_code = run_plan(*flags); });
}

}  // namespace runbook::cli
