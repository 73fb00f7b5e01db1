// runbook simulate FILE --scenario SCENARIO | --replay RUN : rehearse a run on a virtual clock.
//
// The real interpreter runs the runbook; the scenario (or a real run's
// journaled samples) answers every side effect, so nothing is executed and
// hours of rollout take milliseconds. Prints the timeline; exits with the
// simulated run's exit code (0 completed, 1 failed, 3 rolled back, 4 the
// rollback failed), or 2 when the runbook or the scenario is invalid.
#include <cstdio>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "exec/exit_codes.hpp"
#include "journal/journal.hpp"
#include "simulate/expectations.hpp"
#include "simulate/replay.hpp"
#include "simulate/scenario_parser.hpp"
#include "simulate/simulation.hpp"
#include "simulate/timeline.hpp"

namespace runbook::cli {

namespace {

struct SimulateFlags {
   std::string file;
   std::string scenario;
   std::string replay;
   std::string journal;
   std::string format = "text";
   LoadFlags load;
};

int run_simulate(const SimulateFlags& flags)
{
   sim::TimelineFormat format = sim::TimelineFormat::Text;
   sim::parse_timeline_format(flags.format, format);
   if (flags.scenario.empty() == flags.replay.empty()) {
      fmt::print(stderr, "runbook simulate: give either --scenario SCENARIO or --replay RUN\n");
      return exit_code::Invalid;
   }

   Diagnostics diags;
   sim::Scenario scenario;
   if (!flags.scenario.empty()) {
      scenario = sim::load_scenario(flags.scenario, diags);
   } else {
      try {
         auto journal = open_journal(journal_spec(flags.journal));
         std::string error;
         auto replayed = sim::replay_scenario(*journal, flags.replay, error);
         if (!replayed) {
            fmt::print(stderr, "runbook simulate: {}\n", error);
            return exit_code::Invalid;
         }
         scenario = std::move(*replayed);
      } catch (const JournalError& e) {
         fmt::print(stderr, "runbook simulate: {}\n", e.what());
         return exit_code::Invalid;
      }
   }
   if (diags.has_errors()) {
      fmt::print(stderr, "{}", render_text(diags));
      return exit_code::Invalid;
   }

   sim::SimulationOptions options;
   options.runbook_path = flags.file;
   options.params = flags.load.params;
   options.params_file = flags.load.params_file;
   options.stdlib_dirs = flags.load.stdlib_dirs;
   std::optional<sim::SimulationResult> result;
   try {
      result = sim::simulate(scenario, options, diags);
   } catch (const std::exception& e) {
      fmt::print(stderr, "runbook simulate: {}\n", e.what());
      return exit_code::Invalid;
   }
   if (!diags.all().empty()) fmt::print(stderr, "{}", render_text(diags));
   if (!result) return exit_code::Invalid;

   const auto expectations = sim::check_expectations(scenario, *result);
   fmt::print("{}", sim::render_timeline(*result, format, expectations));
   return result->exit_code;
}

}  // namespace

void add_simulate_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<SimulateFlags>();
   auto* cmd = app.add_subcommand("simulate", "Rehearse a run on a virtual clock against a scenario or a past run's samples");
   cmd->add_option("file", flags->file, "Runbook file")->required()->check(CLI::ExistingFile);
   cmd->add_option("--scenario", flags->scenario, "Scenario file (docs/scenarios.md)")->check(CLI::ExistingFile);
   cmd->add_option("--replay", flags->replay, "Use the metric samples journaled by this run")->type_name("RUN");
   add_journal_flag(cmd, flags->journal, "Journal to read --replay from (default .runbook/journal.db)");
   cmd->add_option("--format", flags->format, "text, markdown (for a review comment) or json")
       ->check(CLI::IsMember({"text", "markdown", "json"}));
   add_load_flags(cmd, flags->load);
   cmd->callback([flags, &exit_code] { exit_code = run_simulate(*flags); });
}

}  // namespace runbook::cli
