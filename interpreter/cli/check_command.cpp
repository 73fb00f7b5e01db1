// runbook check FILE... : everything that can be known before running.
//
// Exit 0 when every file is valid (warnings are shown), 2 on any error.
// Text diagnostics go to stderr; `--format json` prints one JSON document on
// stdout for editors and CI annotations.
#include <fmt/core.h>

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "exec/exit_codes.hpp"

namespace runbook::cli {

namespace {

struct CheckFlags {
   std::vector<std::string> files;
   std::string format = "text";
   LoadFlags load;
};

int run_check(const CheckFlags& flags)
{
   Diagnostics all;
   // Diagnostics point into their program's source text: keep every program
   // alive until the combined JSON has been rendered.
   std::vector<std::unique_ptr<CheckedProgram>> programs;
   bool usage_error = false;
   for (const auto& file : flags.files) {
      programs.push_back(std::make_unique<CheckedProgram>(load_and_check(source_request(file, flags.load))));
      CheckedProgram& loaded = *programs.back();
      if (!loaded.usage_error.empty()) {
         fmt::print(stderr, "runbook check: {}\n", loaded.usage_error);
         usage_error = true;
         continue;
      }
      all.append(loaded.diags);
      if (flags.format == "text") {
         if (!loaded.diags.all().empty()) fmt::print(stderr, "{}", render_text(loaded.diags, false));
         if (!loaded.diags.has_errors()) {
            const std::size_t warnings = loaded.diags.warning_count();
            if (warnings == 0) fmt::print("{}: ok\n", file);
            else fmt::print("{}: ok ({} warning{})\n", file, warnings, warnings == 1 ? "" : "s");
         }
      }
   }
   if (flags.format == "json") fmt::print("{}\n", render_json(all));
   if (usage_error || all.has_errors()) return exit_code::Invalid;
   return exit_code::Completed;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<CheckFlags>();
   auto* cmd = app.add_subcommand("check", "Check runbooks for mistakes without running anything");
   cmd->add_option("files", flags->files, "Runbook files")->required()->check(CLI::ExistingFile);
   cmd->add_option("--format", flags->format, "Output format: text (stderr) or json (stdout)")
       ->check(CLI::IsMember({"text", "json"}));
   add_load_flags(cmd, flags->load);
   cmd->callback([flags, &exit_code] { exit_code = run_check(*flags); });
}

}  // namespace runbook::cli
