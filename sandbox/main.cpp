// runbook-sandbox: the seed's mailsender system on 127.0.0.1, for the demo,
// the integration tests and the crash tests. See docs/sandbox.md.
#include <iostream>

#include "http_util.hpp"
#include "options.hpp"
#include "routes.hpp"
#include "sandbox.hpp"
#include "server_lifecycle.hpp"

int main(int argc, char** argv)
{
   int exit_code = 0;
   const auto options = sandbox::parse_options(argc, argv, exit_code);
   if (!options) return exit_code;

   std::optional<sandbox::Sandbox> state;
   try {
      state.emplace(*options);
   }
   catch (const std::exception& e) {
      std::cerr << "runbook-sandbox: " << e.what() << "\n";
      return 1;
   }

   httplib::Server server;
   // Clients keep connections alive (Prometheus, libcurl); give them threads.
   server.new_task_queue = [] { return new httplib::ThreadPool(32); };
   server.set_payload_max_length(1024 * 1024);
   server.set_keep_alive_timeout(2);
   // Answers go out in more than one write (headers, then body); with Nagle's
   // algorithm the second waits for the client's delayed ACK, 40 ms on Linux,
   // on every request of a kept-alive connection after the first. Real load
   // balancers and APIs do not make their clients wait like that.
   server.set_tcp_nodelay(true);
   server.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
      std::string what = "unknown error";
      try {
         if (error) std::rethrow_exception(error);
      }
      catch (const std::exception& e) {
         what = e.what();
      }
      catch (...) {
      }
      sandbox::send_error(response, 500, "internal error: " + what);
   });
   server.set_error_handler([](const httplib::Request& request, httplib::Response& response) {
      if (response.status == 404 && response.body.empty())
         sandbox::send_error(response, 404, "no such endpoint: " + request.method + " " + sandbox::loggable_path(request.path) + " (see GET /)");
   });

   sandbox::add_traffic_routes(server, *state);
   sandbox::add_health_routes(server, *state);
   sandbox::add_monitoring_routes(server, *state);
   sandbox::add_fault_routes(server, *state);
   sandbox::add_hook_routes(server, *state);
   sandbox::add_sandbox_routes(server, *state);

   return sandbox::serve_until_signalled(server, options->port);
}
