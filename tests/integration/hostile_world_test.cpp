// The outside world misbehaving, through a real `runbook run` (the io layer's
// own tests cover the client; these prove the whole run reports it in words
// an operator understands, within a bounded time, and exits 1):
// HTTP servers that hang, send an endless body, redirect in a loop, answer
// HTML where JSON was expected, refuse the connection or speak plain HTTP to
// https; shell commands that never exit or flood their output.
#include <atomic>
#include <chrono>
#include <fstream>
#include <algorithm>
#include <cctype>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <sys/wait.h>

#include "support/child_process.hpp"
#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using runbook::testing::ChildProcess;
using runbook::testing::TempDir;

namespace {

/// A loopback HTTP server with one misbehaviour per path.
class HostileServer {
public:
   HostileServer()
   {
      server_.Get("/hang", [this](const httplib::Request&, httplib::Response& res) {
         for (int i = 0; i < 1200 && !stopping_; ++i) std::this_thread::sleep_for(50ms);
         res.set_content("{}", "application/json");
      });
      server_.Get("/endless", [this](const httplib::Request&, httplib::Response& res) {
         res.set_chunked_content_provider("application/json", [this](std::size_t, httplib::DataSink& sink) {
            static const std::string chunk(64 * 1024, 'x');
            return !stopping_ && sink.write(chunk.data(), chunk.size());
         });
      });
      server_.Get("/loop", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/loop"); });
      server_.Get("/html", [](const httplib::Request&, httplib::Response& res) {
         res.set_content("<html><body>502 Bad Gateway</body></html>", "text/html");
      });
      port_ = server_.bind_to_any_port("127.0.0.1");
      thread_ = std::thread([this] { server_.listen_after_bind(); });
      while (!server_.is_running()) std::this_thread::sleep_for(1ms);
   }
   ~HostileServer()
   {
      stopping_ = true;
      server_.stop();
      thread_.join();
   }
   std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
   int port() const { return port_; }

private:
   httplib::Server server_;
   std::atomic<bool> stopping_{false};
   int port_ = 0;
   std::thread thread_;
};

struct RunResult {
   int exit_code = -1;
   std::string output;
   double seconds = 0;
};

/// Writes a runbook with one phase holding `steps` and runs it for real.
RunResult run_steps(const TempDir& dir, const std::string& name, const std::string& steps)
{
   const auto file = dir.path() / (name + ".rb");
   std::ofstream(file) << "runbook \"" << name << "\"\n\nphase \"Hostile\" {\n" << steps << "\n}\n";
   const auto start = std::chrono::steady_clock::now();
   ChildProcess run({RUNBOOK_BINARY, "run", file.string(), "--journal", (dir.path() / (name + ".db")).string(),
                     "--yes"},
                    dir.path() / (name + ".log"));
   RunResult result;
   while (run.running() && std::chrono::steady_clock::now() - start < 120s) std::this_thread::sleep_for(20ms);
   result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
   run.stop();
   if (const auto status = run.exit_status(); status && WIFEXITED(*status)) result.exit_code = WEXITSTATUS(*status);
   result.output = run.output();
   return result;
}

std::string lower(std::string s)
{
   std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
   return s;
}

/// True when the output mentions any of the '|'-separated words (any case).
/// (Not std::regex: GCC 12 warns inside <regex> under -Werror.)
bool says(const RunResult& r, const std::string& alternatives)
{
   const std::string text = lower(r.output);
   std::istringstream words(lower(alternatives));
   for (std::string word; std::getline(words, word, '|');)
      if (text.find(word) != std::string::npos) return true;
   return false;
}

}  // namespace

TEST_CASE("hostile HTTP servers fail the run with a clear message, in bounded time", "[hostile][integration]")
{
   HostileServer server;
   TempDir dir;

   SECTION("a server that never answers: the step's timeout")
   {
      const auto r = run_steps(dir, "hang", "  http get \"" + server.url("/hang") + "\" timeout 2s");
      INFO(r.output);
      CHECK(r.exit_code == 1);
      CHECK(says(r, "timed out|timeout"));
      CHECK(r.seconds < 20);
   }
   SECTION("an endless body: the body limit")
   {
      const auto r = run_steps(dir, "endless", "  http get \"" + server.url("/endless") + "\" timeout 60s");
      INFO(r.output);
      CHECK(r.exit_code == 1);
      CHECK(says(r, "larger than"));
      CHECK(r.seconds < 30);
   }
   SECTION("a redirect loop")
   {
      const auto r = run_steps(dir, "loop", "  http get \"" + server.url("/loop") + "\"");
      INFO(r.output);
      CHECK(r.exit_code == 1);
      CHECK(says(r, "redirect"));
      CHECK(r.seconds < 20);
   }
   SECTION("HTML where JSON was expected")
   {
      const auto r = run_steps(dir, "html", "  http get \"" + server.url("/html") + "\" expect status 200, json \".value\" == 1");
      INFO(r.output);
      CHECK(r.exit_code == 1);
      CHECK(says(r, "json"));
      CHECK(r.seconds < 20);
   }
   SECTION("plain HTTP where https was asked for: the TLS handshake fails")
   {
      const auto r = run_steps(dir, "tls", "  http get \"https://127.0.0.1:" + std::to_string(server.port()) + "/html\"");
      INFO(r.output);
      CHECK(r.exit_code == 1);
      CHECK(says(r, "TLS|SSL"));
      CHECK(r.seconds < 20);
   }
   SECTION("nobody listening")
   {
      // A port that was free a moment ago: nothing listens there.
      const int closed_port = runbook::testing::free_loopback_port();
      const auto r = run_steps(dir, "refused", "  http get \"http://127.0.0.1:" + std::to_string(closed_port) + "/x\"");
      INFO(r.output);
      CHECK(r.exit_code == 1);
      CHECK(says(r, "connect|refused"));
      CHECK(r.seconds < 20);
   }
}

TEST_CASE("runaway shell commands are bounded", "[hostile][integration]")
{
   TempDir dir;

   SECTION("a command that never exits: killed at its timeout, with its children")
   {
      const auto marker = dir.path() / "still-running";
      const auto r = run_steps(dir, "sleeper",
                               "  sh \"(sleep 3; touch " + marker.string() + ") & sleep 1000\" timeout 1s");
      INFO(r.output);
      CHECK(r.exit_code == 1);
      CHECK(says(r, "timed out|timeout"));
      CHECK(r.seconds < 15);
      // The whole process group died: the background child never got to touch the file.
      std::this_thread::sleep_for(3500ms);
      CHECK_FALSE(std::filesystem::exists(marker));
   }
   SECTION("a command that floods its output: the run completes, the journal keeps a bounded tail")
   {
      const auto r = run_steps(dir, "flood", "  sh \"yes 'flood flood flood' | head -c 5000000\"");
      CHECK(r.exit_code == 0);
      CHECK(r.seconds < 120);
      // The journal holds the tail only.
      CHECK(std::filesystem::file_size(dir.path() / "flood.db") < 4 * 1024 * 1024);
   }
}
