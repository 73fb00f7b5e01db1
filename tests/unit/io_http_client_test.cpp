// The libcurl client against real loopback servers, well-behaved and hostile.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "io/http_client.hpp"
#include "io/shell.hpp"
#include "support/test_server.hpp"

using runbook::HttpRequest;
using runbook::HttpResponse;
using runbook::test::RawServer;
using runbook::test::TestServer;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

HttpRequest get(const std::string& url)
{
   HttpRequest request;
   request.url = url;
   request.connect_timeout_ms = 2000;
   request.total_timeout_ms = 5000;
   return request;
}

std::string header(const HttpResponse& response, const std::string& name)
{
   for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
   }
   return "<none>";
}

}  // namespace

TEST_CASE("http: status, headers and body of a plain exchange", "[io][http]")
{
   runbook::http_global_init();
   TestServer server;
   server.server().Get("/hello", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("X-Seen-Token", req.get_header_value("X-Token"));
      res.set_content("{\"hello\": \"world\"}", "application/json");
   });
   server.server().Get("/unavailable", [](const httplib::Request&, httplib::Response& res) {
      res.status = 503;
      res.set_content("down for maintenance", "text/plain");
   });
   server.start();
   auto client = runbook::make_curl_client();

   SECTION("200 with a request header echoed back in a response header")
   {
      HttpRequest request = get(server.url("/hello"));
      request.headers.emplace_back("X-Token", "abc 123");
      const HttpResponse response = client->send(request);
      REQUIRE(response.ok);
      CHECK(response.status == 200);
      CHECK(response.body == "{\"hello\": \"world\"}");
      CHECK(header(response, "x-seen-token") == "abc 123");
      CHECK(header(response, "content-type") == "application/json");
      CHECK(response.error.empty());
      CHECK(response.elapsed_ms >= 0);
   }
   SECTION("a 5xx is a successful transfer: the caller's expect decides")
   {
      const HttpResponse response = client->send(get(server.url("/unavailable")));
      REQUIRE(response.ok);
      CHECK(response.status == 503);
      CHECK(response.body == "down for maintenance");
   }
   SECTION("an unknown path is a 404, not an error")
   {
      const HttpResponse response = client->send(get(server.url("/nowhere")));
      REQUIRE(response.ok);
      CHECK(response.status == 404);
   }
}

TEST_CASE("http: every method, with and without a body", "[io][http]")
{
   TestServer server;
   const auto echo = [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.method + " " + req.get_header_value("Content-Type") + " " + req.body, "text/plain");
   };
   server.server().Post("/echo", echo);
   server.server().Put("/echo", echo);
   server.server().Patch("/echo", echo);
   server.server().Delete("/echo", echo);
   server.server().Get("/echo", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Head-Check", "yes");
      res.set_content("a body HEAD must not read", "text/plain");
   });
   server.start();
   auto client = runbook::make_curl_client();

   for (const std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
      HttpRequest request = get(server.url("/echo"));
      request.method = method;
      request.headers.emplace_back("Content-Type", "application/json");
      request.body = R"({"environment": "green", "percentage": 25})";
      const HttpResponse response = client->send(request);
      INFO(method << ": " << response.error);
      REQUIRE(response.ok);
      CHECK(response.status == 200);
      CHECK(response.body == method + " application/json " + request.body);
   }

   SECTION("lower-case method names work too")
   {
      HttpRequest request = get(server.url("/echo"));
      request.method = "delete";
      const HttpResponse response = client->send(request);
      REQUIRE(response.ok);
      CHECK_THAT(response.body, StartsWith("DELETE"));
   }
   SECTION("HEAD reads the headers and no body")
   {
      HttpRequest request = get(server.url("/echo"));
      request.method = "HEAD";
      const HttpResponse response = client->send(request);
      REQUIRE(response.ok);
      CHECK(response.status == 200);
      CHECK(response.body.empty());
      CHECK(header(response, "x-head-check") == "yes");
   }
   SECTION("a body given to a GET is not sent: it stays a GET")
   {
      HttpRequest request = get(server.url("/echo"));
      request.body = "ignored";
      const HttpResponse response = client->send(request);
      REQUIRE(response.ok);
      CHECK(response.body == "a body HEAD must not read");
   }
   SECTION("a GET after a POST on the same client is a GET again (options do not leak)")
   {
      HttpRequest post = get(server.url("/echo"));
      post.method = "POST";
      post.body = "x";
      REQUIRE(client->send(post).ok);
      const HttpResponse response = client->send(get(server.url("/echo")));
      REQUIRE(response.ok);
      CHECK(response.body == "a body HEAD must not read");
   }
}

TEST_CASE("http: one client reuses its connection between requests", "[io][http]")
{
   TestServer server;
   server.server().Get("/port", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.remote_port), "text/plain");
   });
   server.start();
   auto client = runbook::make_curl_client();

   const HttpResponse first = client->send(get(server.url("/port")));
   const HttpResponse second = client->send(get(server.url("/port")));
   const HttpResponse third = client->send(get(server.url("/port")));
   REQUIRE(first.ok);
   REQUIRE(second.ok);
   REQUIRE(third.ok);
   // The client's source port is the connection's identity: the same port means the same connection.
   CHECK(first.body == second.body);
   CHECK(second.body == third.body);

   auto other_client = runbook::make_curl_client();
   const HttpResponse other = other_client->send(get(server.url("/port")));
   REQUIRE(other.ok);
   CHECK(other.body != first.body);
}

TEST_CASE("http: a server that hangs is cut off by the total timeout", "[io][http][hostile]")
{
   TestServer server;
   server.server().Get("/slow", [&server](const httplib::Request&, httplib::Response& res) {
      server.sleep_unless_stopping(5000);
      res.set_content("too late", "text/plain");
   });
   server.start();
   auto client = runbook::make_curl_client();

   HttpRequest request = get(server.url("/slow"));
   request.total_timeout_ms = 300;
   const auto started = std::chrono::steady_clock::now();
   const HttpResponse response = client->send(request);
   const auto waited = std::chrono::steady_clock::now() - started;
   CHECK_FALSE(response.ok);
   CHECK(response.status == 0);
   CHECK(response.error == "timed out after 300ms waiting for " + server.url("/slow"));
   CHECK(waited < std::chrono::milliseconds(2000));
}

TEST_CASE("http: a request in flight is abandoned at once when cancelled", "[io][http][cancel]")
{
   TestServer server;
   server.server().Get("/slow", [&server](const httplib::Request&, httplib::Response& res) {
      server.sleep_unless_stopping(20000);
      res.set_content("too late", "text/plain");
   });
   server.server().Get("/fast", [](const httplib::Request&, httplib::Response& res) { res.set_content("fast", "text/plain"); });
   server.start();
   auto client = runbook::make_curl_client();
   std::atomic<bool> cancel{false};

   SECTION("cancelled while waiting for the answer: well before the 30 s timeout, and said as a cancellation")
   {
      HttpRequest request = get(server.url("/slow"));
      request.total_timeout_ms = 30000;
      request.cancel = &cancel;
      std::thread canceller([&cancel] {
         std::this_thread::sleep_for(std::chrono::milliseconds(300));
         cancel = true;
      });
      const auto started = std::chrono::steady_clock::now();
      const HttpResponse response = client->send(request);
      const auto waited = std::chrono::steady_clock::now() - started;
      canceller.join();
      CHECK_FALSE(response.ok);
      CHECK(response.cancelled);
      CHECK(response.status == 0);
      CHECK(response.error == "request to " + server.url("/slow") + " cancelled while in flight");
      CHECK(waited >= std::chrono::milliseconds(250));
      CHECK(waited < std::chrono::milliseconds(1000));

      SECTION("the same client works again afterwards")
      {
         cancel = false;
         HttpRequest next = get(server.url("/fast"));
         next.cancel = &cancel;
         const HttpResponse fine = client->send(next);
         REQUIRE(fine.ok);
         CHECK_FALSE(fine.cancelled);
         CHECK(fine.body == "fast");
      }
   }
   SECTION("already cancelled: nothing is sent")
   {
      cancel = true;
      HttpRequest request = get(server.url("/fast"));
      request.cancel = &cancel;
      const HttpResponse response = client->send(request);
      CHECK_FALSE(response.ok);
      CHECK(response.cancelled);
      CHECK_THAT(response.error, Contains("cancelled before it was sent"));
   }
   SECTION("a timeout is still a timeout, not a cancellation")
   {
      HttpRequest request = get(server.url("/slow"));
      request.total_timeout_ms = 300;
      request.cancel = &cancel;
      const HttpResponse response = client->send(request);
      CHECK_FALSE(response.ok);
      CHECK_FALSE(response.cancelled);
      CHECK(response.error == "timed out after 300ms waiting for " + server.url("/slow"));
   }
}

TEST_CASE("http: redirects are followed, but not forever", "[io][http][hostile]")
{
   TestServer server;
   server.server().Get("/old", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/new"); });
   server.server().Get("/new", [](const httplib::Request&, httplib::Response& res) { res.set_content("moved here", "text/plain"); });
   server.server().Get("/loop", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
   server.server().Get("/to-ftp", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("ftp://127.0.0.1/file"); });
   server.start();
   auto client = runbook::make_curl_client();

   const HttpResponse moved = client->send(get(server.url("/old")));
   REQUIRE(moved.ok);
   CHECK(moved.status == 200);
   CHECK(moved.body == "moved here");

   const HttpResponse loop = client->send(get(server.url("/loop")));
   CHECK_FALSE(loop.ok);
   CHECK(loop.error == "too many redirects (more than 5) from " + server.url("/loop"));

   const HttpResponse ftp = client->send(get(server.url("/to-ftp")));
   CHECK_FALSE(ftp.ok);
   CHECK_THAT(ftp.error, StartsWith("a redirect from " + server.url("/to-ftp") + " led to an unsupported URL scheme"));
}

TEST_CASE("http: bodies beyond the cap are refused, endless or declared", "[io][http][hostile]")
{
   TestServer server;
   server.server().Get("/endless", [&server](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("application/json", [&server](std::size_t, httplib::DataSink& sink) {
         static const std::string chunk(64 * 1024, '[');
         if (server.stopping()) return false;
         return sink.write(chunk.data(), chunk.size());
      });
   });
   server.server().Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(3 * 1024 * 1024, 'x'), "text/plain");
   });
   server.start();
   auto client = runbook::make_curl_client();

   HttpRequest endless = get(server.url("/endless"));
   endless.max_body_bytes = 1024 * 1024;
   const HttpResponse flood = client->send(endless);
   CHECK_FALSE(flood.ok);
   CHECK(flood.error == "response body larger than 1 MiB from " + server.url("/endless"));
   CHECK(flood.body.empty());

   HttpRequest big = get(server.url("/big"));
   big.max_body_bytes = 2 * 1024 * 1024;
   const HttpResponse declared = client->send(big);
   CHECK_FALSE(declared.ok);
   CHECK(declared.error == "response body larger than 2 MiB from " + server.url("/big"));

   SECTION("the default cap is 8 MiB, and a body under it arrives whole")
   {
      const HttpResponse whole = client->send(get(server.url("/big")));
      REQUIRE(whole.ok);
      CHECK(whole.body.size() == 3u * 1024 * 1024);
      const HttpResponse capped = client->send(get(server.url("/endless")));
      CHECK(capped.error == "response body larger than 8 MiB from " + server.url("/endless"));
   }
}

TEST_CASE("http: connection failures are said in words, with the redacted URL", "[io][http][hostile]")
{
   auto client = runbook::make_curl_client();
   const int port = runbook::test::unused_loopback_port();
   const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/health";

   SECTION("connection refused")
   {
      const HttpResponse response = client->send(get(url));
      CHECK_FALSE(response.ok);
      CHECK(response.error == "could not connect to " + url + ": connection refused");
   }
   SECTION("the display URL stands in for a URL holding a secret")
   {
      HttpRequest request = get("http://127.0.0.1:" + std::to_string(port) + "/health?token=hunter2");
      request.display_url = "http://127.0.0.1:" + std::to_string(port) + "/health?token=***";
      const HttpResponse response = client->send(request);
      CHECK_FALSE(response.ok);
      CHECK_THAT(response.error, Contains("token=***"));
      CHECK_THAT(response.error, !Contains("hunter2"));
   }
   SECTION("schemes other than http and https are refused")
   {
      const HttpResponse response = client->send(get("file:///etc/passwd"));
      CHECK_FALSE(response.ok);
      CHECK(response.error == "unsupported URL scheme in file:///etc/passwd (only http and https are allowed)");
      CHECK(response.body.empty());
   }
   SECTION("a URL with a NUL byte is refused before it is sent")
   {
      const HttpResponse response = client->send(get(std::string("http://127.0.0.1/a\0b", 20)));
      CHECK_FALSE(response.ok);
      CHECK_THAT(response.error, Contains("NUL byte"));
   }
}

TEST_CASE("http: a GET the server dropped unanswered is sent once more on a fresh connection, a POST never", "[io][http][hostile]")
{
   // The first connection is closed without an answer (a server restarting
   // under a kept-alive request); later ones are answered.
   std::atomic<int> connections{0};
   RawServer server([&](int fd) {
      RawServer::read_request_head(fd);
      if (connections++ == 0) return;
      RawServer::write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
   });
   auto client = runbook::make_curl_client();
   SECTION("GET")
   {
      const HttpResponse response = client->send(get(server.url("/health")));
      CHECK(response.ok);
      CHECK(response.body == "ok");
      CHECK(connections == 2);
   }
   SECTION("POST")
   {
      HttpRequest request = get(server.url("/api/traffic"));
      request.method = "POST";
      request.body = "{}";
      const HttpResponse response = client->send(request);
      CHECK_FALSE(response.ok);
      CHECK(response.error == "server closed the connection without answering: " + server.url("/api/traffic"));
      CHECK(connections == 1);
   }
}

TEST_CASE("http: servers that break the exchange", "[io][http][hostile]")
{
   auto client = runbook::make_curl_client();

   SECTION("closing without an answer")
   {
      RawServer server([](int fd) { RawServer::read_request_head(fd); });
      const HttpResponse response = client->send(get(server.url("/x")));
      CHECK_FALSE(response.ok);
      CHECK(response.error == "server closed the connection without answering: " + server.url("/x"));
   }
   SECTION("resetting the connection")
   {
      RawServer server([](int fd) {
         RawServer::read_request_head(fd);
         RawServer::reset_connection(fd);
      });
      const HttpResponse response = client->send(get(server.url("/x")));
      CHECK_FALSE(response.ok);
      CHECK_THAT(response.error, StartsWith("the connection to " + server.url("/x") + " broke while reading the response"));
   }
   SECTION("closing in the middle of the body")
   {
      RawServer server([](int fd) {
         RawServer::read_request_head(fd);
         RawServer::write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a little");
      });
      const HttpResponse response = client->send(get(server.url("/x")));
      CHECK_FALSE(response.ok);
      CHECK(response.error == "server closed the connection before the whole response arrived: " + server.url("/x"));
   }
   SECTION("answering garbage instead of HTTP")
   {
      RawServer server([](int fd) {
         RawServer::read_request_head(fd);
         RawServer::write_all(fd, "SSH-2.0-OpenSSH_9.2\r\n");
      });
      const HttpResponse response = client->send(get(server.url("/x")));
      CHECK_FALSE(response.ok);
      CHECK(response.error == "the server at " + server.url("/x") + " did not answer in HTTP");
   }
   SECTION("sending headers forever")
   {
      RawServer server([](int fd) {
         RawServer::read_request_head(fd);
         RawServer::write_all(fd, "HTTP/1.1 200 OK\r\n");
         const std::string line = "X-Filler: " + std::string(1000, 'f') + "\r\n";
         // Until the client gives up and closes the connection (100 MB at most).
         for (int i = 0; i < 100000; ++i) {
            if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) <= 0) break;
         }
      });
      const HttpResponse response = client->send(get(server.url("/x")));
      CHECK_FALSE(response.ok);
      CHECK(response.error == "response headers larger than 256 KiB from " + server.url("/x"));
   }
   SECTION("the client works again after a failure")
   {
      TestServer good;
      good.server().Get("/ok", [](const httplib::Request&, httplib::Response& res) { res.set_content("fine", "text/plain"); });
      good.start();
      const int port = runbook::test::unused_loopback_port();
      CHECK_FALSE(client->send(get("http://127.0.0.1:" + std::to_string(port) + "/")).ok);
      const HttpResponse response = client->send(get(good.url("/ok")));
      REQUIRE(response.ok);
      CHECK(response.body == "fine");
   }
}

TEST_CASE("http: https to a server that does not speak TLS fails the handshake", "[io][http][tls]")
{
   TestServer server;
   server.server().Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("plain", "text/plain"); });
   server.start();
   auto client = runbook::make_curl_client();
   const std::string url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
   const HttpResponse response = client->send(get(url));
   CHECK_FALSE(response.ok);
   CHECK_THAT(response.error, StartsWith("TLS handshake with " + url + " failed"));
}

TEST_CASE("http: a self-signed certificate is not trusted", "[io][http][tls]")
{
   // openssl s_server presents a freshly made self-signed certificate.
   const auto dir = std::filesystem::temp_directory_path() / ("runbook-tls-" + std::to_string(::getpid()));
   std::filesystem::create_directories(dir);
   const std::string cert = (dir / "cert.pem").string();
   const std::string key = (dir / "key.pem").string();
   runbook::ShellOptions quick;
   quick.timeout_ms = 20000;
   const auto made = runbook::run_shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost -keyout "
                                           + runbook::shell_quote(key) + " -out " + runbook::shell_quote(cert),
                                        quick);
   REQUIRE(made.exit_code == 0);

   const int port = runbook::test::unused_loopback_port();
   std::atomic<bool> stop_server{false};
   std::thread tls_server([&] {
      runbook::ShellOptions options;
      options.cancel = &stop_server;
      options.kill_grace_ms = 500;
      runbook::run_shell("exec openssl s_server -quiet -www -accept 127.0.0.1:" + std::to_string(port) + " -cert " + runbook::shell_quote(cert)
                            + " -key " + runbook::shell_quote(key),
                         options);
   });

   auto client = runbook::make_curl_client();
   const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
   HttpResponse response;
   // Until s_server listens, connections are refused; then the certificate is the failure.
   for (int attempt = 0; attempt < 100; ++attempt) {
      response = client->send(get(url));
      if (response.error.find("connection refused") == std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
   }
   stop_server = true;
   tls_server.join();
   std::filesystem::remove_all(dir);

   CHECK_FALSE(response.ok);
   CHECK_THAT(response.error, StartsWith("TLS certificate of " + url + " could not be verified: "));
   CHECK_THAT(response.error, Contains("self-signed"));
}

TEST_CASE("http: credentials do not follow a redirect to another server", "[io][http][security]")
{
   TestServer other;
   other.server().Get("/landing", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content("authorization=" + req.get_header_value("Authorization"), "text/plain");
   });
   other.start();
   TestServer first;
   first.server().Get("/away", [&other](const httplib::Request&, httplib::Response& res) { res.set_redirect(other.url("/landing")); });
   first.start();

   auto client = runbook::make_curl_client();
   HttpRequest request = get(first.url("/away"));
   request.headers.emplace_back("Authorization", "Bearer s3cret");
   const HttpResponse response = client->send(request);
   REQUIRE(response.ok);
   CHECK(response.body == "authorization=");

   // The same server still gets it directly.
   HttpRequest direct = get(other.url("/landing"));
   direct.headers.emplace_back("Authorization", "Bearer s3cret");
   CHECK(client->send(direct).body == "authorization=Bearer s3cret");
}
