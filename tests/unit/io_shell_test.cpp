// Shell commands: exit codes, streaming, bounded tails, timeouts and cancel
// that reach the whole process group, and quoting that survives hostile values.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "io/shell.hpp"

using runbook::run_shell;
using runbook::shell_quote;
using runbook::ShellOptions;
using runbook::ShellResult;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

ShellResult run(const std::string& command, double timeout_ms = 10000)
{
   ShellOptions options;
   options.timeout_ms = timeout_ms;
   return run_shell(command, options);
}

/// A process is alive when /proc knows it and it is not a zombie.
bool process_alive(long pid)
{
   std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
   std::string text;
   if (!std::getline(stat, text)) return false;
   const auto paren = text.rfind(')');
   return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z';
}

/// Waits up to 3 s for a process to be gone (init may take a moment to reap an orphan).
bool process_gone_soon(long pid)
{
   for (int i = 0; i < 300; ++i) {
      if (!process_alive(pid)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
   }
   return false;
}

/// The pipe targets ("pipe:[1234]") open in a /proc/.../fd directory.
std::set<std::string> open_pipes(const std::string& fd_dir)
{
   std::set<std::string> pipes;
   for (const auto& entry : std::filesystem::directory_iterator(fd_dir)) {
      std::error_code error;
      const auto target = std::filesystem::read_symlink(entry.path(), error).string();
      if (!error && target.rfind("pipe:", 0) == 0) pipes.insert(target);
   }
   return pipes;
}

struct ShellDir {
   std::filesystem::path path;
   ShellDir()
   {
      path = std::filesystem::temp_directory_path() / ("runbook-shell-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
      std::filesystem::create_directories(path);
   }
   ~ShellDir() { std::filesystem::remove_all(path); }
   static int& counter()
   {
      static int n = 0;
      return n;
   }
   std::string file(const std::string& name) const { return (path / name).string(); }
};

long read_pid(const std::string& file)
{
   for (int i = 0; i < 200; ++i) {
      std::ifstream in(file);
      long pid = 0;
      if (in >> pid && pid > 0) return pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
   }
   return 0;
}

}  // namespace

TEST_CASE("shell: exit codes and their words", "[io][shell]")
{
   const ShellResult ok = run("true");
   CHECK(ok.started);
   CHECK(ok.exit_code == 0);
   CHECK(ok.signal == 0);
   CHECK(ok.error.empty());
   CHECK_FALSE(ok.timed_out);
   CHECK_FALSE(ok.interrupted);

   const ShellResult three = run("exit 3");
   CHECK(three.exit_code == 3);
   CHECK(three.error == "exited with status 3");

   const ShellResult missing = run("no-such-command-runbook-test");
   CHECK(missing.exit_code == 127);
   CHECK(missing.error == "exited with status 127");
   CHECK_THAT(missing.output_tail, Contains("not found"));

   const ShellResult killed = run("kill -9 $$");
   CHECK(killed.exit_code == -1);
   CHECK(killed.signal == 9);
   CHECK(killed.error == "killed by signal 9 (SIGKILL)");

   const ShellResult nul = run(std::string("echo a\0; touch /tmp/x", 21));
   CHECK_FALSE(nul.started);
   CHECK(nul.error == "the command contains a NUL byte and cannot be run");
}

TEST_CASE("shell: stdout, stderr, the combined tail and streaming", "[io][shell]")
{
   std::string streamed;
   ShellOptions options;
   options.on_output = [&](std::string_view chunk) { streamed += chunk; };
   const ShellResult result = run_shell("echo out; echo err >&2; printf 'no newline'", options);
   CHECK(result.exit_code == 0);
   CHECK(result.stdout_tail == "out\nno newline");
   CHECK_THAT(result.output_tail, Contains("out\n"));
   CHECK_THAT(result.output_tail, Contains("err\n"));
   CHECK(result.output_tail.size() == std::string("out\nerr\nno newline").size());
   CHECK(streamed.size() == result.output_tail.size());

   SECTION("chunks arrive while the command still runs")
   {
      std::chrono::steady_clock::time_point first_chunk{};
      ShellOptions live;
      live.on_output = [&](std::string_view) {
         if (first_chunk == std::chrono::steady_clock::time_point{}) first_chunk = std::chrono::steady_clock::now();
      };
      const auto started = std::chrono::steady_clock::now();
      const ShellResult slow = run_shell("echo first; sleep 0.6; echo second", live);
      const auto ended = std::chrono::steady_clock::now();
      CHECK(slow.stdout_tail == "first\nsecond\n");
      REQUIRE(first_chunk != std::chrono::steady_clock::time_point{});
      CHECK(first_chunk - started < std::chrono::milliseconds(400));
      CHECK(ended - first_chunk >= std::chrono::milliseconds(500));
   }
   SECTION("stdin is /dev/null: a command reading it ends at once")
   {
      const ShellResult cat = run("cat; echo after", 5000);
      CHECK(cat.exit_code == 0);
      CHECK(cat.stdout_tail == "after\n");
   }
}

TEST_CASE("shell: a flood of output keeps memory bounded", "[io][shell][hostile]")
{
   std::size_t streamed = 0;
   std::size_t largest_chunk = 0;
   ShellOptions options;
   options.timeout_ms = 60000;
   options.on_output = [&](std::string_view chunk) {
      streamed += chunk.size();
      largest_chunk = std::max(largest_chunk, chunk.size());
   };
   rusage before{};
   ::getrusage(RUSAGE_SELF, &before);
   const ShellResult result = run_shell("yes | head -c 50000000; yes err | head -c 1000000 >&2", options);
   rusage after{};
   ::getrusage(RUSAGE_SELF, &after);

   CHECK(result.exit_code == 0);
   CHECK(streamed == 51000000u);
   CHECK(largest_chunk <= 64u * 1024);
   CHECK(result.stdout_tail.size() == 64u * 1024);
   CHECK(result.output_tail.size() == 64u * 1024);
   CHECK(result.stdout_tail.substr(0, 4) == "y\ny\n");
   CHECK_THAT(result.output_tail, Contains("err\n"));
   // Peak memory grew by far less than what went through (ru_maxrss is in KiB).
   CHECK(after.ru_maxrss - before.ru_maxrss < 16 * 1024);
}

TEST_CASE("shell: a timeout kills the whole process group, grandchildren included", "[io][shell][hostile]")
{
   ShellDir dir;
   const std::string pid_file = dir.file("background.pid");
   ShellOptions options;
   options.timeout_ms = 300;
   options.kill_grace_ms = 500;
   const auto started = std::chrono::steady_clock::now();
   const ShellResult result = run_shell("sleep 100 & echo $! > " + shell_quote(pid_file) + "; sleep 100", options);
   const auto took = std::chrono::steady_clock::now() - started;

   CHECK(result.started);
   CHECK(result.timed_out);
   CHECK(result.error == "timed out after 300ms; the process group was killed");
   CHECK(took >= std::chrono::milliseconds(300));
   CHECK(took < std::chrono::milliseconds(3000));
   const long background = read_pid(pid_file);
   REQUIRE(background > 0);
   CHECK(process_gone_soon(background));

   SECTION("the message shows the timeout the runbook wrote")
   {
      ShellOptions scaled;
      scaled.timeout_ms = 100;
      scaled.timeout_display_ms = 20 * 60 * 1000;
      CHECK(run_shell("sleep 100", scaled).error == "timed out after 20m0s; the process group was killed");
   }
}

TEST_CASE("shell: a group that ignores SIGTERM gets SIGKILL after the grace", "[io][shell][hostile]")
{
   ShellDir dir;
   const std::string pid_file = dir.file("stubborn.pid");
   ShellOptions options;
   options.timeout_ms = 200;
   options.kill_grace_ms = 400;
   const auto started = std::chrono::steady_clock::now();
   // The trap makes the shell and its children ignore SIGTERM.
   const ShellResult result = run_shell("trap '' TERM; sleep 100 & echo $! > " + shell_quote(pid_file) + "; sleep 100", options);
   const auto took = std::chrono::steady_clock::now() - started;

   CHECK(result.timed_out);
   CHECK(result.signal == SIGKILL);
   CHECK(took >= std::chrono::milliseconds(600));
   CHECK(took < std::chrono::milliseconds(3000));
   const long background = read_pid(pid_file);
   REQUIRE(background > 0);
   CHECK(process_gone_soon(background));
}

TEST_CASE("shell: cancel interrupts the group with SIGINT, then SIGKILL", "[io][shell]")
{
   std::atomic<bool> cancel{false};
   ShellOptions options;
   options.cancel = &cancel;
   options.kill_grace_ms = 1000;
   std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      cancel = true;
   });

   SECTION("a shell that handles SIGINT cleans up and exits")
   {
      const auto started = std::chrono::steady_clock::now();
      const ShellResult result = run_shell("trap 'echo cleaning up; exit 5' INT; echo started; sleep 100", options);
      canceller.join();
      CHECK(result.interrupted);
      CHECK_FALSE(result.timed_out);
      CHECK(result.exit_code == 5);
      CHECK(result.error == "interrupted; the process group was sent SIGINT");
      CHECK_THAT(result.output_tail, Contains("cleaning up"));
      CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1000));
   }
   SECTION("a shell that ignores SIGINT is killed after the grace")
   {
      options.kill_grace_ms = 300;
      const ShellResult result = run_shell("trap '' INT; sleep 100", options);
      canceller.join();
      CHECK(result.interrupted);
      CHECK(result.signal == SIGKILL);
      CHECK(result.error == "interrupted; the process group was sent SIGINT, then SIGKILL after 300ms");
   }
}

TEST_CASE("shell: background children do not hold the step open", "[io][shell]")
{
   ShellDir dir;
   const std::string pid_file = dir.file("daemon.pid");
   const auto started = std::chrono::steady_clock::now();
   const ShellResult result = run("sleep 3 & echo $! > " + shell_quote(pid_file) + "; echo started");
   CHECK(result.exit_code == 0);
   CHECK(result.stdout_tail == "started\n");
   CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1500));
   const long daemon = read_pid(pid_file);
   if (daemon > 0) ::kill(static_cast<pid_t>(daemon), SIGKILL);
}

TEST_CASE("shell: the child gets default signals and only its own pipe ends", "[io][shell]")
{
   // runbook ignores SIGPIPE; its commands must not inherit that, or `yes | head` complains.
   struct sigaction ignore{};
   ignore.sa_handler = SIG_IGN;
   struct sigaction previous{};
   ::sigaction(SIGPIPE, &ignore, &previous);
   const ShellResult pipe = run("yes | head -c 10 > /dev/null");
   ::sigaction(SIGPIPE, &previous, nullptr);
   CHECK(pipe.exit_code == 0);
   CHECK(pipe.output_tail.empty());

   // The shell's descriptors: 0 is /dev/null, 1 and 2 our pipes, and no other
   // pipe but those this test process already had before (inherited from whoever
   // started it, which is not run_shell's business).
   const std::set<std::string> pipes_before = open_pipes("/proc/self/fd");
   const ShellResult fds = run("ls -l /proc/$$/fd");
   REQUIRE(fds.exit_code == 0);
   std::istringstream lines(fds.stdout_tail);
   std::string line;
   int pipes = 0;
   while (std::getline(lines, line)) {
      INFO(line);
      const auto arrow = line.find(" -> ");
      if (arrow == std::string::npos) continue;
      const std::string target = line.substr(arrow + 4);
      const std::string fd = line.substr(line.rfind(' ', arrow - 1) + 1, arrow - line.rfind(' ', arrow - 1) - 1);
      if (fd == "0") CHECK(target == "/dev/null");
      if (target.rfind("pipe:", 0) == 0 && pipes_before.count(target) == 0) {
         ++pipes;
         CHECK((fd == "1" || fd == "2"));
      }
   }
   CHECK(pipes == 2);
}

TEST_CASE("shell: an exception from on_output stops the command and is rethrown", "[io][shell]")
{
   ShellOptions options;
   options.on_output = [](std::string_view) { throw std::runtime_error("terminal gone"); };
   const auto started = std::chrono::steady_clock::now();
   CHECK_THROWS_WITH(run_shell("echo hello; sleep 100", options), "terminal gone");
   CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(2000));
}

TEST_CASE("shell_quote: any value is one harmless word", "[io][shell][hostile]")
{
   CHECK(shell_quote("plain") == "'plain'");
   CHECK(shell_quote("") == "''");
   CHECK(shell_quote("it's") == "'it'\\''s'");

   ShellDir dir;
   const std::string marker = dir.file("pwned");
   const std::string hostile[] = {
      "$(touch " + marker + ")",
      "`touch " + marker + "`",
      "'; touch " + marker + "; echo '",
      "\"; touch " + marker + "; echo \"",
      "a\ntouch " + marker,
      "x; touch " + marker,
      "x && touch " + marker,
      "x | touch " + marker,
      "$HOME ${HOME} $((1+1)) * ~ ? [a] \\ \\n %s",
      "''''",
      "\\'",
      "-n",
      "",
      "tab\there",
      "\xff\xfe not utf-8",
   };
   for (const std::string& value : hostile) {
      INFO("value: " << value);
      const ShellResult result = run("printf '%s' " + shell_quote(value));
      CHECK(result.exit_code == 0);
      CHECK(result.stdout_tail == value);
   }
   CHECK_FALSE(std::filesystem::exists(marker));
}
