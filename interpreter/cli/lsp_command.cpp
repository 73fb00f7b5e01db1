// runbook lsp: the language server, over stdin and stdout (lsp/server.hpp).
//
// Editors start it themselves (docs/editors.md); nothing but protocol
// messages may reach stdout, so the server's own complaints go to stderr.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "lsp/server.hpp"

namespace runbook::cli {

void add_lsp_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<LoadFlags>();
   auto* cmd = app.add_subcommand("lsp", "Serve the Language Server Protocol on stdin and stdout, for editors");
   add_load_flags(cmd, *flags);
   cmd->callback([flags, &exit_code] {
      lsp::ServerOptions options;
      options.version = RUNBOOK_VERSION;   // project(VERSION) in CMakeLists.txt
      options.stdlib_dirs = flags->stdlib_dirs;
      options.params = flags->params;
      options.params_file = flags->params_file;
      std::ios::sync_with_stdio(false);
      lsp::Server server(std::move(options));
      exit_code = server.serve(std::cin, std::cout);
   });
}

}  // namespace runbook::cli
