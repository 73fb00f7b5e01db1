// runbook verify FILE [--scenario BASE] [-p name=value]... [--depth 1|2] [--jobs N]
//                     [--format text|markdown|json] [--out DIR]
//
// Explores every failure path of the runbook on the virtual clock (every
// fault at every point of the healthy run, and with --depth 2 a second fault
// inside each rollback) and reports each path that ends unsafe, with a
// scenario that reproduces it. Exit 0 when every path ends safe, 1 when any
// does not, 2 for invalid input (docs/verify.md).
#include <cstdio>
#include <thread>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "exec/exit_codes.hpp"
#include "verify/report.hpp"
#include "verify/verify.hpp"

namespace runbook::cli {

namespace {

struct VerifyFlags {
   std::string file;
   std::string scenario;
   LoadFlags load;
   int depth = 1;
   int jobs = 0;
   std::string format = "text";
   std::string out;
};

int run_verify(const VerifyFlags& flags)
{
   verify::ReportFormat format = verify::ReportFormat::Text;
   verify::parse_report_format(flags.format, format);
   verify::VerifyOptions options;
   options.runbook_path = flags.file;
   options.scenario_path = flags.scenario;
   options.params = flags.load.params;
   options.params_file = flags.load.params_file;
   options.stdlib_dirs = flags.load.stdlib_dirs;
   options.depth = flags.depth;
   options.jobs = flags.jobs > 0 ? flags.jobs : std::max(1u, std::thread::hardware_concurrency());

   Diagnostics diags;
   std::string error;
   std::optional<verify::VerifyReport> report;
   try {
      report = verify::verify(options, diags, error);
   } catch (const std::exception& e) {
      error = e.what();
   }
   if (!diags.all().empty()) fmt::print(stderr, "{}", render_text(diags));
   if (!report) {
      if (!error.empty()) fmt::print(stderr, "runbook verify: {}\n", error);
      return exit_code::Invalid;
   }
   if (!flags.out.empty() && !verify::write_reproductions(*report, flags.out, error)) {
      fmt::print(stderr, "runbook verify: --out: {}\n", error);
      return exit_code::Invalid;
   }
   fmt::print("{}", verify::render_report(*report, format));
   return report->all_safe() && report->healthy.broken.empty() ? exit_code::Completed : exit_code::Failed;
}

}  // namespace

void add_verify_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<VerifyFlags>();
   auto* cmd = app.add_subcommand("verify", "Explore every failure path on the virtual clock and report each one that ends unsafe");
   cmd->add_option("file", flags->file, "Runbook file")->required()->check(CLI::ExistingFile);
   cmd->add_option("--scenario", flags->scenario, "The healthy base world (default: derived from the runbook)")
       ->check(CLI::ExistingFile);
   add_load_flags(cmd, flags->load);
   cmd->add_option("--depth", flags->depth, "1: every single fault; 2: also a second fault inside each rollback")
       ->check(CLI::IsMember({1, 2}));
   cmd->add_option("--jobs", flags->jobs, "Paths simulated at once (default: one per core)")->check(CLI::Range(1, 256));
   cmd->add_option("--format", flags->format, "text, markdown (for a pull-request comment) or json")
       ->check(CLI::IsMember({"text", "markdown", "json"}));
   cmd->add_option("--out", flags->out, "Write a scenario reproducing each unsafe path into DIR")->type_name("DIR");
   cmd->callback([flags, &exit_code] { exit_code = run_verify(*flags); });
}

}  // namespace runbook::cli
