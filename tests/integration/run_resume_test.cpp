// The real `runbook` binary, interrupted and resumed against a small HTTP
// server that counts what it receives: every non-idempotent request must
// arrive exactly once, whatever happens to the process in between.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using runbook::testing::TempDir;

/// A traffic API that counts requests and can be told to be slow.
class CountingServer {
public:
   CountingServer()
   {
      server_.Post("/api/traffic", [this](const httplib::Request& req, httplib::Response& res) {
         const auto body = nlohmann::json::parse(req.body, nullptr, false);
         const int pct = body.is_object() ? body.value("percentage", -1) : -1;
         {
            std::lock_guard<std::mutex> lock(mutex_);
            ++posts_[pct];
            keys_.push_back(req.get_header_value("Idempotency-Key"));
         }
         if (pct == slow_percentage_) std::this_thread::sleep_for(3s);
         if (pct == hanging_percentage_) {
            // Far longer than any test waits; cut short only when the server stops.
            for (int i = 0; i < 1200 && !stopping_; ++i) std::this_thread::sleep_for(50ms);
         }
         res.set_content(R"({"ok": true})", "application/json");
      });
      server_.Get("/metrics/error_rate", [this](const httplib::Request&, httplib::Response& res) {
         res.set_content("{\"value\": " + std::to_string(error_rate_.load()) + "}", "application/json");
      });
      server_.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
         ++gets_;
         res.set_content(R"({"status": "healthy"})", "application/json");
      });
      port_ = server_.bind_to_any_port("127.0.0.1");
      thread_ = std::thread([this] { server_.listen_after_bind(); });
      while (!server_.is_running()) std::this_thread::sleep_for(1ms);
   }
   ~CountingServer()
   {
      stopping_ = true;
      server_.stop();
      thread_.join();
   }
   int port() const { return port_; }
   int posts(int pct)
   {
      std::lock_guard<std::mutex> lock(mutex_);
      return posts_[pct];
   }
   std::vector<std::string> keys()
   {
      std::lock_guard<std::mutex> lock(mutex_);
      return keys_;
   }
   int gets() const { return gets_; }
   std::atomic<int> slow_percentage_{-1};
   std::atomic<int> hanging_percentage_{-1};   ///< A POST of this percentage gets no answer.
   std::atomic<double> error_rate_{0};         ///< Served at /metrics/error_rate.

private:
   httplib::Server server_;
   std::atomic<bool> stopping_{false};
   std::thread thread_;
   int port_ = 0;
   std::mutex mutex_;
   std::map<int, int> posts_;
   std::vector<std::string> keys_;
   std::atomic<int> gets_{0};
};

void write_file(const std::string& path, const std::string& text)
{
   std::ofstream out(path, std::ios::binary);
   out << text;
}

std::string read_file(const std::string& path)
{
   std::ifstream in(path, std::ios::binary);
   std::ostringstream buffer;
   buffer << in.rdbuf();
   return buffer.str();
}

/// The runbook binary running in the background, output to a file.
class Runbook {
public:
   Runbook(const std::vector<std::string>& args, const std::string& output, const std::string& cwd)
   {
      pid_ = ::fork();
      if (pid_ == 0) {
         if (::chdir(cwd.c_str()) != 0) ::_exit(127);
         FILE* out = std::fopen(output.c_str(), "w");
         if (out == nullptr) ::_exit(127);
         ::dup2(::fileno(out), STDOUT_FILENO);
         ::dup2(::fileno(out), STDERR_FILENO);
         std::FILE* null = std::fopen("/dev/null", "r");
         if (null != nullptr) ::dup2(::fileno(null), STDIN_FILENO);
         std::vector<char*> argv;
         std::string binary = RUNBOOK_BINARY;
         argv.push_back(binary.data());
         std::vector<std::string> copy = args;
         for (auto& a : copy) argv.push_back(a.data());
         argv.push_back(nullptr);
         ::execv(binary.c_str(), argv.data());
         ::_exit(127);
      }
   }
   ~Runbook()
   {
      if (pid_ > 0 && !exited_) {
         ::kill(pid_, SIGKILL);
         ::waitpid(pid_, nullptr, 0);
      }
   }
   void signal(int sig) { ::kill(pid_, sig); }
   /// The exit code (128+N when killed by signal N); -1 on timeout.
   int wait(std::chrono::milliseconds timeout = 30s)
   {
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      while (std::chrono::steady_clock::now() < deadline) {
         int status = 0;
         if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
         }
         std::this_thread::sleep_for(10ms);
      }
      return -1;
   }

private:
   pid_t pid_ = -1;
   bool exited_ = false;
};

/// Runs the binary to completion; returns its exit code and output.
int run_to_end(const std::vector<std::string>& args, const TempDir& dir, std::string* output = nullptr)
{
   const std::string out = dir.file("out-" + std::to_string(::rand()) + ".txt");
   Runbook rb(args, out, dir.path());
   const int code = rb.wait();
   if (output != nullptr) *output = read_file(out);
   return code;
}

template <class Predicate>
bool eventually(Predicate p, std::chrono::milliseconds timeout = 15s)
{
   const auto deadline = std::chrono::steady_clock::now() + timeout;
   while (std::chrono::steady_clock::now() < deadline) {
      if (p()) return true;
      std::this_thread::sleep_for(10ms);
   }
   return p();
}

std::string rollout(int port)
{
   return "runbook \"Integration rollout\"\n"
          "param api: string = \"http://127.0.0.1:" + std::to_string(port) + "\"\n"
          "phase \"Canary\" {\n"
          "  http post \"${api}/api/traffic\" body {\"environment\": \"green\", \"percentage\": 5} expect status 200\n"
          "  wait 2s\n"
          "  http post \"${api}/api/traffic\" body {\"environment\": \"green\", \"percentage\": 25} expect status 200\n"
          "  http get \"${api}/health\" expect json \".status\" == \"healthy\"\n"
          "}\n";
}

}  // namespace

TEST_CASE("SIGINT during a wait: exit 130, resume completes, each POST arrived once", "[integration][resume]")
{
   CountingServer server;
   TempDir dir;
   write_file(dir.file("rollout.rb"), rollout(server.port()));
   Runbook rb({"run", "rollout.rb", "--journal", "j.db"}, dir.file("run.txt"), dir.path());
   REQUIRE(eventually([&] { return server.posts(5) == 1; }));
   std::this_thread::sleep_for(300ms);   // Into the wait.
   rb.signal(SIGINT);
   const int code = rb.wait();
   INFO(read_file(dir.file("run.txt")));
   REQUIRE(code == 130);
   CHECK(server.posts(25) == 0);

   std::string output;
   const int resumed = run_to_end({"resume", "--journal", "j.db"}, dir, &output);
   INFO(output);
   CHECK(resumed == 0);
   CHECK(server.posts(5) == 1);
   CHECK(server.posts(25) == 1);
   CHECK(server.gets() == 1);
   // The same key on each request would make a redo harmless; here each step has its own.
   const auto keys = server.keys();
   REQUIRE(keys.size() == 2);
   CHECK(keys[0] != keys[1]);
   CHECK(keys[0].find("canary/1") != std::string::npos);
}

TEST_CASE("SIGKILL during a wait: the wait is redone, nothing is sent twice", "[integration][resume]")
{
   CountingServer server;
   TempDir dir;
   write_file(dir.file("rollout.rb"), rollout(server.port()));
   Runbook rb({"run", "rollout.rb", "--journal", "j.db"}, dir.file("run.txt"), dir.path());
   REQUIRE(eventually([&] { return server.posts(5) == 1; }));
   std::this_thread::sleep_for(300ms);
   rb.signal(SIGKILL);
   REQUIRE(rb.wait() == 128 + SIGKILL);

   std::string status;
   CHECK(run_to_end({"status", "--journal", "j.db"}, dir, &status) == 0);
   CHECK(status.find("interrupted") != std::string::npos);   // A dead run never stays "running".

   std::string output;
   CHECK(run_to_end({"resume", "--journal", "j.db"}, dir, &output) == 0);
   INFO(output);
   CHECK(server.posts(5) == 1);
   CHECK(server.posts(25) == 1);
}

TEST_CASE("SIGKILL while a POST is in flight: in doubt, settled by --in-doubt, never sent twice", "[integration][resume]")
{
   CountingServer server;
   server.slow_percentage_ = 25;
   TempDir dir;
   write_file(dir.file("rollout.rb"), rollout(server.port()));
   Runbook rb({"run", "rollout.rb", "--journal", "j.db"}, dir.file("run.txt"), dir.path());
   REQUIRE(eventually([&] { return server.posts(25) == 1; }));
   rb.signal(SIGKILL);
   REQUIRE(rb.wait() == 128 + SIGKILL);

   std::string refused;
   CHECK(run_to_end({"resume", "--journal", "j.db", "--in-doubt", "fail"}, dir, &refused) == 1);
   CHECK(refused.find("in doubt") != std::string::npos);
   CHECK(server.posts(25) == 1);

   std::string output;
   CHECK(run_to_end({"resume", "--journal", "j.db", "--in-doubt", "skip"}, dir, &output) == 0);
   INFO(output);
   CHECK(server.posts(5) == 1);
   CHECK(server.posts(25) == 1);
   CHECK(server.gets() == 1);

   // The audit trail says how the doubt was settled.
   std::string runs;
   REQUIRE(run_to_end({"runs", "--journal", "j.db", "--json"}, dir, &runs) == 0);
   const auto listed = nlohmann::json::parse(runs);
   REQUIRE(listed.size() == 1);
   CHECK(listed[0]["status"] == "completed");
   std::string log;
   CHECK(run_to_end({"log", listed[0]["id"].get<std::string>(), "--journal", "j.db"}, dir, &log) == 0);
   CHECK(log.find("in_doubt") != std::string::npos);
   CHECK(log.find("--in-doubt skip") != std::string::npos);
}

TEST_CASE("exit codes of run", "[integration][exit]")
{
   TempDir dir;
   auto run = [&](const std::string& body, std::vector<std::string> extra = {}) {
      write_file(dir.file("r.rb"), "runbook \"x\"\n" + body);
      std::vector<std::string> args{"run", "r.rb", "--journal", "j.db"};
      args.insert(args.end(), extra.begin(), extra.end());
      std::string output;
      const int code = run_to_end(args, dir, &output);
      UNSCOPED_INFO(output);
      return code;
   };
   CHECK(run("phase \"a\" {\n  sh \"true\"\n}\n") == 0);
   CHECK(run("phase \"a\" {\n  sh \"exit 3\"\n}\n") == 1);
   CHECK(run("phase \"a\" {\n  abort \"no\"\n}\n") == 1);
   CHECK(run("phase \"a\" {\n  rollback back\n}\nrollback back {\n  sh \"true\"\n}\n") == 3);
   CHECK(run("phase \"a\" {\n  rollback back\n}\nrollback back {\n  sh \"false\"\n}\n") == 4);
   CHECK(run("phase \"a\" {\n  sh \n}\n") == 2);                        // Invalid runbook.
   CHECK(run("phase \"a\" {\n  sh \"true\"\n}\n", {"--in-doubt", "maybe"}) == 2);   // Usage error.
   CHECK(run("phase \"a\" {\n  approve \"go?\"\n}\n") == 1);            // Nobody to ask: fails closed.
   CHECK(run("phase \"a\" {\n  approve \"go?\"\n}\n", {"--yes"}) == 0);
}

TEST_CASE("an unusable journal: refused before any step runs", "[integration][exit]")
{
   CountingServer server;
   TempDir dir;
   write_file(dir.file("rollout.rb"), rollout(server.port()));
   std::string output;
   const int code = run_to_end({"run", "rollout.rb", "--journal", "/proc/runbook-no-such-dir/j.db"}, dir, &output);
   INFO(output);
   CHECK(code == 2);
   CHECK(server.posts(5) == 0);
   CHECK(output.find("j.db") != std::string::npos);
}

TEST_CASE("resume after the file changed: said, and --use-current refused when done steps changed", "[integration][resume]")
{
   CountingServer server;
   TempDir dir;
   write_file(dir.file("rollout.rb"), rollout(server.port()));
   Runbook rb({"run", "rollout.rb", "--journal", "j.db"}, dir.file("run.txt"), dir.path());
   REQUIRE(eventually([&] { return server.posts(5) == 1; }));
   std::this_thread::sleep_for(300ms);
   rb.signal(SIGINT);
   REQUIRE(rb.wait() == 130);

   std::string text = rollout(server.port());
   text.replace(text.find("\"percentage\": 5}"), 16, "\"percentage\": 10}");   // Edit a done step.
   write_file(dir.file("rollout.rb"), text);

   std::string refused;
   CHECK(run_to_end({"resume", "--journal", "j.db", "--use-current"}, dir, &refused) == 2);
   CHECK(refused.find("changed since") != std::string::npos);
   CHECK(refused.find("canary/1") != std::string::npos);
   CHECK(server.posts(25) == 0);

   std::string output;
   CHECK(run_to_end({"resume", "--journal", "j.db"}, dir, &output) == 0);
   INFO(output);
   CHECK(output.find("journaled") != std::string::npos);
   CHECK(server.posts(5) == 1);
   CHECK(server.posts(10) == 0);
   CHECK(server.posts(25) == 1);
}

TEST_CASE("runbook abort --rollback from another terminal sends a running run into its rollback", "[integration][abort]")
{
   CountingServer server;
   TempDir dir;
   write_file(dir.file("r.rb"), "runbook \"abortable\"\n"
                                "param api: string = \"http://127.0.0.1:" + std::to_string(server.port()) + "\"\n"
                                "phase \"Canary\" {\n"
                                "  http post \"${api}/api/traffic\" body {\"environment\": \"green\", \"percentage\": 5}\n"
                                "  wait 1h\n"
                                "}\n"
                                "rollback back {\n"
                                "  http post \"${api}/api/traffic\" body {\"environment\": \"blue\", \"percentage\": 100}\n"
                                "}\n");
   Runbook rb({"run", "r.rb", "--journal", "j.db"}, dir.file("run.txt"), dir.path());
   REQUIRE(eventually([&] { return server.posts(5) == 1; }));
   std::string runs;
   REQUIRE(run_to_end({"runs", "--journal", "j.db", "--json"}, dir, &runs) == 0);
   const std::string id = nlohmann::json::parse(runs)[0]["id"].get<std::string>();
   std::string status;
   CHECK(run_to_end({"status", id, "--journal", "j.db"}, dir, &status) == 0);
   CHECK(status.find("running") != std::string::npos);
   CHECK(run_to_end({"abort", id, "--rollback", "back", "--journal", "j.db"}, dir) == 0);
   const auto sent = std::chrono::steady_clock::now();
   const int code = rb.wait();
   INFO(read_file(dir.file("run.txt")));
   CHECK(code == 3);
   CHECK(server.posts(100) == 1);
   CHECK(std::chrono::steady_clock::now() - sent < 5s);
}

TEST_CASE("SIGINT while a POST hangs: exit 130 at once, not after the request's timeout, and the step is in doubt",
          "[integration][resume][cancel]")
{
   CountingServer server;
   server.hanging_percentage_ = 25;
   TempDir dir;
   std::string text = rollout(server.port());
   text.replace(text.find("\"percentage\": 25} expect status 200"), 35, "\"percentage\": 25} expect status 200 timeout 30s");
   write_file(dir.file("rollout.rb"), text);
   Runbook rb({"run", "rollout.rb", "--journal", "j.db"}, dir.file("run.txt"), dir.path());
   REQUIRE(eventually([&] { return server.posts(25) == 1; }));
   std::this_thread::sleep_for(200ms);   // The request is in flight, its answer far away.
   const auto sent = std::chrono::steady_clock::now();
   rb.signal(SIGINT);
   const int code = rb.wait();
   const auto took = std::chrono::steady_clock::now() - sent;
   const std::string output = read_file(dir.file("run.txt"));
   INFO(output);
   REQUIRE(code == 130);
   CHECK(took < 1500ms);
   CHECK(output.find("timed out") == std::string::npos);
   CHECK(output.find("interrupted") != std::string::npos);

   // Whether the server acted on it is unknown: resume will not guess.
   std::string refused;
   CHECK(run_to_end({"resume", "--journal", "j.db", "--in-doubt", "fail"}, dir, &refused) == 1);
   CHECK(refused.find("in doubt") != std::string::npos);
   CHECK(server.posts(25) == 1);

   server.hanging_percentage_ = -1;
   std::string resumed;
   CHECK(run_to_end({"resume", "--journal", "j.db", "--in-doubt", "skip"}, dir, &resumed) == 0);
   INFO(resumed);
   CHECK(server.posts(25) == 1);
   CHECK(server.gets() == 1);
}

TEST_CASE("a P0 trigger firing while a request hangs rolls back at once, not after the request's timeout",
          "[integration][cancel][triggers]")
{
   CountingServer server;
   server.hanging_percentage_ = 5;
   TempDir dir;
   const std::string api = "http://127.0.0.1:" + std::to_string(server.port());
   write_file(dir.file("r.rb"), "runbook \"p0 mid-request\"\n"
                                "param api: string = \"" + api + "\"\n"
                                "metric error_rate = http get \"${api}/metrics/error_rate\" json \".value\" unit %\n"
                                "trigger high_errors \"Error rate\" when error_rate > 5% severity P0 every 1s -> rollback back\n"
                                "phase \"Canary\" arms high_errors {\n"
                                "  http post \"${api}/api/traffic\" body {\"environment\": \"green\", \"percentage\": 5} timeout 30s\n"
                                "}\n"
                                "rollback back {\n"
                                "  http post \"${api}/api/traffic\" body {\"environment\": \"blue\", \"percentage\": 100}\n"
                                "}\n");
   std::string checked;
   REQUIRE(run_to_end({"check", "r.rb"}, dir, &checked) == 0);
   Runbook rb({"run", "r.rb", "--journal", "j.db"}, dir.file("run.txt"), dir.path());
   REQUIRE(eventually([&] { return server.posts(5) == 1; }));
   std::this_thread::sleep_for(200ms);
   server.error_rate_ = 50;
   const auto breached = std::chrono::steady_clock::now();
   const int code = rb.wait();
   INFO(read_file(dir.file("run.txt")));
   CHECK(code == 3);
   CHECK(server.posts(100) == 1);
   // One sample interval (1 s) and the rollback's request, nowhere near 30 s.
   CHECK(std::chrono::steady_clock::now() - breached < 5s);
}
