// Binding, the ready line, and stopping cleanly on SIGTERM/SIGINT.
#pragma once

#include <httplib.h>

namespace sandbox {

/// Binds 127.0.0.1:port (0: any free port), prints
///   runbook-sandbox listening on http://127.0.0.1:PORT
/// on stdout once connections are accepted, and serves until SIGTERM or
/// SIGINT. Returns the process exit code (0 after a signal, 1 if it cannot bind).
int serve_until_signalled(httplib::Server& server, int port);

}  // namespace sandbox
