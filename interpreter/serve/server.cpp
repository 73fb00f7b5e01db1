#include "serve/server.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <thread>

#include "serve/routes.hpp"

namespace runbook::serve {

namespace {

std::unique_ptr<httplib::Server> make_server(const ServeOptions& options)
{
   if (options.tls_cert.empty()) return std::make_unique<httplib::Server>();
   auto server = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
   if (!server->is_valid()) {
      std::fprintf(stderr, "runbook serve: cannot use the TLS certificate %s and key %s\n", options.tls_cert.c_str(),
                   options.tls_key.c_str());
      return nullptr;
   }
   return server;
}

}  // namespace

int serve(Journal& journal, ServeOptions options)
{
   try {
      if (!options.operators_file.empty()) options.operators = Operators::load(options.operators_file);
   } catch (const std::runtime_error& e) {
      std::fprintf(stderr, "runbook serve: %s\n", e.what());
      return 1;
   }
   // Signals are blocked in every thread and taken by one waiting thread,
   // which then calls stop() (not async-signal-safe in a handler).
   sigset_t stop_signals;
   sigemptyset(&stop_signals);
   sigaddset(&stop_signals, SIGTERM);
   sigaddset(&stop_signals, SIGINT);
   pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
   signal(SIGPIPE, SIG_IGN);   // A browser that goes away must not end the server.

   const auto server = make_server(options);
   if (!server) return 1;
   // Each live page holds a thread for its event stream: more than the default few.
   server->new_task_queue = [] { return new httplib::ThreadPool(32); };
   server->set_payload_max_length(64 * 1024);
   server->set_socket_options([](socket_t socket) {
      int yes = 1;
      setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
   });
   Sessions sessions;
   add_routes(*server, journal, options, sessions);

   int port = options.port;
   if (port == 0) port = server->bind_to_any_port(options.host);
   else if (!server->bind_to_port(options.host, port)) port = -1;
   if (port <= 0) {
      std::fprintf(stderr, "runbook serve: cannot listen on %s:%d (is the port in use?)\n", options.host.c_str(),
                   options.port);
      return 1;
   }
   std::thread signal_waiter([&] {
      int signal_number = 0;
      sigwait(&stop_signals, &signal_number);
      end_event_streams();
      server->stop();
   });
   std::printf("runbook serve listening on %s://%s:%d (%s)\n", options.tls_cert.empty() ? "http" : "https",
               options.host.c_str(), port,
               options.operators ? "operators may sign in" : "read-only: no --operators file");
   std::fflush(stdout);
   const bool served = server->listen_after_bind();
   pthread_kill(signal_waiter.native_handle(), SIGTERM);
   signal_waiter.join();
   return served ? 0 : 1;
}

}  // namespace runbook::serve

extern "C" int runbook_serve_module(runbook::Journal& journal, const runbook::serve::ServeOptions& options)
{
   return runbook::serve::serve(journal, options);
}
