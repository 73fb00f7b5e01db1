// runbook serve: a web console over the journal. Pages show runs as the
// journal tells them (read through the Journal interface only); a signed-in
// operator can post the requests the CLI posts (approve, abort, fire,
// signal), journaled with the operator's name as "who".
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "journal/journal.hpp"
#include "serve/operators.hpp"
#include "serve/pages.hpp"

namespace runbook::serve {

/// What a form asks of a run: one of approve, abort, fire, signal, with the
/// fields that action reads (the others empty).
struct ActionRequest {
   std::string action;
   std::string step, answer;   ///< approve
   std::string rollback;       ///< abort: empty stops, a name rolls back
   std::string trigger;        ///< fire
   std::string signal;         ///< signal
};

struct ServeOptions {
   std::string host = "127.0.0.1";
   int port = 8080;                 ///< 0: any free port (the line on stdout says which).
   std::string tls_cert, tls_key;   ///< Both or neither: HTTPS, and the session cookie is Secure.
   std::string operators_file;      ///< Empty: nobody can sign in; the pages are read-only.
   std::optional<Operators> operators;   ///< Read from operators_file by serve().
   /// The run's plan from its journaled source (the CLI loads and checks it).
   std::function<RunPlan(Journal&, const RunInfo&)> plan_of;
   /// Posts the request as `who`, as the CLI's commands do; returns "" when
   /// posted, or why not.
   std::function<std::string(Journal&, const std::string& run_id, const ActionRequest&, const std::string& who)> post;
};

/// Serves until SIGINT or SIGTERM. Returns the process exit code (1: could
/// not listen, the operators file or the TLS files could not be used; said
/// on stderr).
int serve(Journal& journal, ServeOptions options);

}  // namespace runbook::serve

/// The server is a module the CLI opens only for `runbook serve` (it alone
/// links cpp-httplib and OpenSSL; every other command starts without them).
/// Its one entry point, looked up by this name: serve() above.
extern "C" int runbook_serve_module(runbook::Journal& journal, const runbook::serve::ServeOptions& options);
