// The routes of `runbook serve` (serve/routes.cpp): every request is
// answered here, and anything that is not a page, an action or an asset is
// a 404.
#pragma once

#include <httplib.h>

#include "serve/server.hpp"
#include "serve/sessions.hpp"

namespace runbook::serve {

/// Installs the GET and POST handlers on `server`.
void add_routes(httplib::Server& server, Journal& journal, const ServeOptions& options, Sessions& sessions);

/// Ends every event stream within half a second: the server is stopping
/// (its threads are joined, and a live page would hold one for a minute).
void end_event_streams();

}  // namespace runbook::serve
