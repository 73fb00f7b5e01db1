#include "server_lifecycle.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <cstdio>
#include <iostream>
#include <thread>

namespace sandbox {

int serve_until_signalled(httplib::Server& server, int port)
{
   // Signals are blocked in every thread and taken by one waiting thread,
   // which may then call server.stop() (not async-signal-safe in a handler).
   sigset_t stop_signals;
   sigemptyset(&stop_signals);
   sigaddset(&stop_signals, SIGTERM);
   sigaddset(&stop_signals, SIGINT);
   pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
   signal(SIGPIPE, SIG_IGN);   // A client that hangs up must not kill the server.

   // cpp-httplib's default is SO_REUSEPORT, which lets a second sandbox bind
   // the same port and silently share the traffic. SO_REUSEADDR alone still
   // lets a restarted sandbox take its port back from TIME_WAIT connections.
   server.set_socket_options([](socket_t socket) {
      int yes = 1;
      setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
   });

   int bound_port = port;
   if (port == 0) bound_port = server.bind_to_any_port("127.0.0.1");
   else if (!server.bind_to_port("127.0.0.1", port)) bound_port = -1;
   if (bound_port <= 0) {
      std::cerr << "runbook-sandbox: cannot listen on 127.0.0.1:" << port << " (is the port in use?)\n";
      return 1;
   }

   std::thread signal_waiter([&] {
      int signal_number = 0;
      sigwait(&stop_signals, &signal_number);
      server.stop();
   });

   // The socket is listening (the kernel queues connections) from here on.
   std::printf("runbook-sandbox listening on http://127.0.0.1:%d\n", bound_port);
   std::fflush(stdout);
   const bool served = server.listen_after_bind();

   // If listening ended on its own, wake the waiter so it can be joined.
   pthread_kill(signal_waiter.native_handle(), SIGTERM);
   signal_waiter.join();
   return served ? 0 : 1;
}

}  // namespace sandbox
