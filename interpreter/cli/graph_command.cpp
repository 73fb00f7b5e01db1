// runbook graph FILE --format mermaid|dot : phases, steps and rollback edges.
#include <fmt/core.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "exec/exit_codes.hpp"
#include "plan/graph.hpp"

namespace runbook::cli {

namespace {

struct GraphFlags {
   std::string file;
   std::string format = "mermaid";
   LoadFlags load;
};

int run_graph(const GraphFlags& flags)
{
   const CheckedProgram loaded = load_and_check(source_request(flags.file, flags.load));
   if (!loaded.usage_error.empty()) {
      fmt::print(stderr, "runbook graph: {}\n", loaded.usage_error);
      return exit_code::Invalid;
   }
   if (!loaded.diags.all().empty()) fmt::print(stderr, "{}", render_text(loaded.diags, false));
   if (loaded.diags.has_errors()) return exit_code::Invalid;
   const plan::Plan plan = plan::build_plan(loaded.program, loaded.given_params);
   fmt::print("{}", flags.format == "dot" ? plan::render_dot(plan) : plan::render_mermaid(plan));
   return exit_code::Completed;
}

}  // namespace

void add_graph_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<GraphFlags>();
   auto* cmd = app.add_subcommand("graph", "Draw the runbook's phases, steps and rollback edges (Mermaid or DOT)");
   cmd->add_option("file", flags->file, "Runbook file")->required()->check(CLI::ExistingFile);
   cmd->add_option("--format", flags->format, "mermaid (default) or dot")->check(CLI::IsMember({"mermaid", "dot"}));
   add_load_flags(cmd, flags->load);
   cmd->callback([flags, &exit_code] { exit_code = run_graph(*flags); });
}

}  // namespace runbook::cli
