// A loopback port nobody listens on right now. Another process may take it
// before it is used, so whoever uses it must retry on "address in use"
// (ChildProcess users retry the start; see PrometheusProcess).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace runbook::testing {

inline int free_loopback_port()
{
   const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
   if (fd < 0) throw std::runtime_error("cannot create a socket to find a free port");
   sockaddr_in address{};
   address.sin_family = AF_INET;
   address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
   address.sin_port = 0;
   socklen_t length = sizeof address;
   const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                   ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
   ::close(fd);
   if (!ok) throw std::runtime_error("cannot bind 127.0.0.1:0 to find a free port");
   return ntohs(address.sin_port);
}

}  // namespace runbook::testing
