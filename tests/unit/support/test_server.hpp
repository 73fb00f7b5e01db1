// Servers for tests that talk to the outside world, all on 127.0.0.1.
//
//   TestServer   an in-process cpp-httplib server on a free loopback port,
//                started by start() and always stopped by its destructor.
//   RawServer    a plain TCP listener whose connections a test handles by
//                hand: to misbehave in ways a well-behaved HTTP library
//                cannot (close without answering, reset, half a body).
//   unused_loopback_port()  a port with nothing listening on it.
//
// Handlers that must block (to test timeouts) use sleep_unless_stopping(), so
// stopping the server never waits for a sleeping handler.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <httplib.h>

namespace runbook::test {

class TestServer {
public:
   TestServer() = default;
   ~TestServer() { stop(); }
   TestServer(const TestServer&) = delete;
   TestServer& operator=(const TestServer&) = delete;

   /// Register handlers here before start().
   httplib::Server& server() { return server_; }

   /// Binds a free loopback port and serves on a background thread.
   void start()
   {
      port_ = server_.bind_to_any_port("127.0.0.1");
      if (port_ <= 0) throw std::runtime_error("test server: could not bind a loopback port");
      thread_ = std::thread([this] { server_.listen_after_bind(); });
      for (int i = 0; i < 2000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (!server_.is_running()) throw std::runtime_error("test server: did not start");
   }

   void stop()
   {
      {
         std::lock_guard<std::mutex> lock(mutex_);
         stopping_ = true;
      }
      wake_.notify_all();
      if (thread_.joinable()) {
         server_.stop();
         thread_.join();
      }
   }

   int port() const { return port_; }
   std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

   /// Sleeps `ms` inside a handler; returns early (false) when the server is stopping.
   bool sleep_unless_stopping(int ms)
   {
      std::unique_lock<std::mutex> lock(mutex_);
      return !wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
   }

   bool stopping()
   {
      std::lock_guard<std::mutex> lock(mutex_);
      return stopping_;
   }

private:
   httplib::Server server_;
   std::thread thread_;
   int port_ = 0;
   std::mutex mutex_;
   std::condition_variable wake_;
   bool stopping_ = false;
};

/// A TCP listener on a free loopback port; each accepted connection is given
/// to `handle` (on the server thread, one at a time) and closed afterwards.
class RawServer {
public:
   explicit RawServer(std::function<void(int fd)> handle) : handle_(std::move(handle))
   {
      listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      address.sin_port = 0;
      socklen_t length = sizeof address;
      if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
          ::listen(listener_, 16) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
         throw std::runtime_error("raw server: could not listen on loopback");
      }
      port_ = ntohs(address.sin_port);
      thread_ = std::thread([this] { serve(); });
   }
   ~RawServer()
   {
      stopping_ = true;
      thread_.join();
      ::close(listener_);
   }
   RawServer(const RawServer&) = delete;
   RawServer& operator=(const RawServer&) = delete;

   int port() const { return port_; }
   std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
   bool stopping() const { return stopping_; }

   /// Reads the request head (up to the blank line) so the client is not reset while still sending.
   static std::string read_request_head(int fd)
   {
      std::string head;
      char buffer[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
         pollfd p{fd, POLLIN, 0};
         if (::poll(&p, 1, 2000) <= 0) break;
         const ssize_t n = ::read(fd, buffer, sizeof buffer);
         if (n <= 0) break;
         head.append(buffer, static_cast<std::size_t>(n));
      }
      return head;
   }

   static void write_all(int fd, const std::string& text)
   {
      std::size_t sent = 0;
      while (sent < text.size()) {
         const ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
         if (n <= 0) return;
         sent += static_cast<std::size_t>(n);
      }
   }

   /// Closes `fd` with a TCP reset instead of an orderly shutdown.
   static void reset_connection(int fd)
   {
      linger hard{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
   }

private:
   void serve()
   {
      while (!stopping_) {
         pollfd p{listener_, POLLIN, 0};
         if (::poll(&p, 1, 20) <= 0) continue;
         const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
         if (fd < 0) continue;
         handle_(fd);
         ::close(fd);
      }
   }

   std::function<void(int)> handle_;
   int listener_ = -1;
   int port_ = 0;
   std::atomic<bool> stopping_{false};
   std::thread thread_;
};

/// A loopback port nothing listens on: bound, then released (connections to it are refused).
inline int unused_loopback_port()
{
   const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
   sockaddr_in address{};
   address.sin_family = AF_INET;
   address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
   socklen_t length = sizeof address;
   ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
   ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
   ::close(fd);
   return ntohs(address.sin_port);
}

}  // namespace runbook::test
