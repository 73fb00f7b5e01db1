// runbook serve [--journal PATH] [--listen HOST:PORT] [--operators FILE]
//               [--tls-cert FILE --tls-key FILE]
// runbook serve --hash-token < token
//
// A web console over the journal (serve/server.hpp). This file wires it to
// what the CLI already knows: opening the journal, loading a run's
// journaled source for its plan, and posting requests as `approve`, `abort`,
// `fire` and `signal` post them.
#include <dlfcn.h>

#include <filesystem>
#include <iostream>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/load.hpp"
#include "cli/run_request.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "plan/plan.hpp"
#include "serve/server.hpp"

namespace runbook::cli {

namespace {

struct ServeFlags {
   std::string journal;
   std::string listen = "127.0.0.1:8080";
   std::string operators;
   std::string tls_cert, tls_key;
   bool hash_token = false;
};

/// The plan of the run's journaled source, checked with its journaled params.
serve::RunPlan journaled_plan(Journal& journal, const RunInfo& run)
{
   const std::vector<JournalSource> sources = journal.sources(run.id);
   if (sources.empty()) return {std::nullopt, "The run has no journaled source."};
   SourceRequest request = source_request(sources.front().path, LoadFlags{}, CheckOptions{true});
   request.base_params = journaled_param_flags(run);
   for (const auto& source : sources) request.journaled[source.path] = source.text;
   const CheckedProgram checked = load_and_check(request);
   if (!checked.usage_error.empty() || !checked.program.root || checked.diags.has_errors())
      return {std::nullopt, "The run's journaled source no longer checks: `runbook plan` says why."};
   return {plan::build_plan(checked.program, checked.given_params), ""};
}

/// The request an action posts: the very one its command posts.
std::string post_action(Journal& journal, const std::string& run_id, const serve::ActionRequest& action,
                        const std::string& who)
{
   RunRequest request = action.action == "approve" ? approve_request(action.step, action.answer)
                        : action.action == "abort" ? abort_request(action.rollback, false)
                        : action.action == "fire"  ? fire_request(run_id, action.trigger)
                                                   : signal_request(run_id, action.signal, "signal");
   return send_run_request(journal, run_id, std::move(request), who).refused;
}

using ServeEntry = int (*)(Journal&, const serve::ServeOptions&);

/// The server's module (serve/server.hpp): beside the binary in a build
/// tree, in ../lib/runbook/ when installed. Null, said, when it cannot be opened.
ServeEntry open_serve_module()
{
   std::error_code ec;
   const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
   std::string problems;
   for (const auto& candidate : {exe.parent_path() / "librunbook-serve.so",
                                 exe.parent_path().parent_path() / "lib" / "runbook" / "librunbook-serve.so"}) {
      // Never closed: the server runs until the process ends.
      if (void* module = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL)) {
         if (void* entry = dlsym(module, "runbook_serve_module")) return reinterpret_cast<ServeEntry>(entry);
      }
      problems += fmt::format("\n  {}: {}", candidate.string(), dlerror());
   }
   fmt::print(stderr, "runbook serve: cannot open the server's module:{}\n", problems);
   return nullptr;
}

bool parse_listen(const std::string& listen, serve::ServeOptions& options)
{
   const auto colon = listen.rfind(':');
   if (colon == std::string::npos || colon == 0) return false;
   const std::string port = listen.substr(colon + 1);
   if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
   options.host = listen.substr(0, colon);
   options.port = std::stoi(port);
   return options.port <= 65535;
}

int print_token_hash()
{
   std::string token;
   std::getline(std::cin, token);
   if (!token.empty() && token.back() == '\r') token.pop_back();
   if (token.size() < 16) {
      fmt::print(stderr, "runbook serve: give a token of 16 characters or more on stdin (openssl rand -hex 32)\n");
      return exit_code::Invalid;
   }
   fmt::print("{}\n", serve::hash_token(token));
   return exit_code::Completed;
}

int run_serve(const ServeFlags& flags)
{
   if (flags.hash_token) return print_token_hash();
   serve::ServeOptions options;
   if (!parse_listen(flags.listen, options)) {
      fmt::print(stderr, "runbook serve: --listen wants HOST:PORT (127.0.0.1:8080), not '{}'\n", flags.listen);
      return exit_code::Invalid;
   }
   if (flags.tls_cert.empty() != flags.tls_key.empty()) {
      fmt::print(stderr, "runbook serve: give both --tls-cert and --tls-key, or neither\n");
      return exit_code::Invalid;
   }
   options.tls_cert = flags.tls_cert;
   options.tls_key = flags.tls_key;
   options.operators_file = flags.operators;
   options.plan_of = journaled_plan;
   options.post = post_action;
   const ServeEntry entry = open_serve_module();
   if (!entry) return exit_code::Invalid;
   auto journal = open_journal_or_report(flags.journal, "serve");
   if (!journal) return exit_code::Invalid;
   return entry(*journal, options) == 0 ? exit_code::Completed : exit_code::Invalid;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<ServeFlags>();
   auto* cmd = app.add_subcommand("serve", "Serve a web console of the journal's runs (read-only unless operators sign in)");
   add_journal_flag(cmd, flags->journal, "The journal database to show (default: .runbook/journal.db)");
   cmd->add_option("--listen", flags->listen, "Where to listen (default 127.0.0.1:8080; port 0: any free port)")
       ->type_name("HOST:PORT");
   cmd->add_option("--operators", flags->operators, "Who may sign in and act: lines of name:sha256:HEX (docs/serve.md)")
       ->type_name("FILE");
   cmd->add_option("--tls-cert", flags->tls_cert, "Serve HTTPS with this PEM certificate (with --tls-key)")->type_name("FILE");
   cmd->add_option("--tls-key", flags->tls_key, "The certificate's PEM private key")->type_name("FILE");
   cmd->add_flag("--hash-token", flags->hash_token, "Print the operators-file hash of the token read from stdin, and exit");
   cmd->callback([flags, &exit_code] { exit_code = run_serve(*flags); });
}

}  // namespace runbook::cli
