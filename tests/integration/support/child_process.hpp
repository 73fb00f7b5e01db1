// A server a test starts and must stop whatever happens: its stdout and
// stderr go to a log file (so a chatty child never blocks on a full pipe,
// and the log can be shown when a test fails), it dies with the test process
// (PR_SET_PDEATHSIG), and the destructor stops it: SIGTERM, then SIGKILL.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace runbook::testing {

class ChildProcess {
public:
   using Clock = std::chrono::steady_clock;

   /// Starts argv[0] (a path) with its output appended to `log_file`.
   ChildProcess(std::vector<std::string> argv, std::filesystem::path log_file) : argv_(std::move(argv)), log_file_(std::move(log_file))
   {
      if (argv_.empty()) throw std::invalid_argument("ChildProcess needs a program");
      log_offset_ = std::filesystem::exists(log_file_) ? std::filesystem::file_size(log_file_) : 0;
      std::vector<char*> args;
      for (auto& arg : argv_) args.push_back(arg.data());
      args.push_back(nullptr);
      const pid_t parent = ::getpid();
      pid_ = ::fork();
      if (pid_ < 0) throw std::runtime_error("fork failed for " + argv_[0]);
      if (pid_ == 0) {
         // Only async-signal-safe calls between fork and exec.
         ::prctl(PR_SET_PDEATHSIG, SIGTERM);
         if (::getppid() != parent) ::_exit(127);
         const int log = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
         const int null = ::open("/dev/null", O_RDONLY);
         if (log < 0 || null < 0) ::_exit(127);
         ::dup2(null, 0);
         ::dup2(log, 1);
         ::dup2(log, 2);
         ::execv(args[0], args.data());
         ::_exit(127);
      }
   }

   ~ChildProcess() { stop(); }
   ChildProcess(const ChildProcess&) = delete;
   ChildProcess& operator=(const ChildProcess&) = delete;

   pid_t pid() const { return pid_; }

   /// True while the process has not exited (reaps it if it has).
   bool running()
   {
      if (exited_) return false;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
         exited_ = true;
         exit_status_ = status;
         return false;
      }
      return true;
   }

   /// What the process wrote since it started.
   std::string output() const
   {
      std::ifstream in(log_file_, std::ios::binary);
      in.seekg(static_cast<std::streamoff>(log_offset_));
      std::stringstream text;
      text << in.rdbuf();
      return text.str();
   }

   /// Waits until `found` returns a value for the output so far; nullopt if
   /// the process exits or `timeout` passes first.
   template <typename Result>
   std::optional<Result> wait_for_output(const std::function<std::optional<Result>(const std::string&)>& found, std::chrono::milliseconds timeout)
   {
      const auto deadline = Clock::now() + timeout;
      while (true) {
         if (auto result = found(output())) return result;
         if (!running() || Clock::now() >= deadline) return std::nullopt;
         std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
   }

   /// SIGTERM, then SIGKILL if it has not exited after `grace`. Returns the
   /// wait status (see WIFEXITED...), or nullopt if it was never running.
   std::optional<int> stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000))
   {
      if (pid_ <= 0) return std::nullopt;
      if (running()) {
         ::kill(pid_, SIGTERM);
         const auto deadline = Clock::now() + grace;
         while (running() && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
         if (running()) kill_now();
      }
      return exit_status_;
   }

   /// SIGKILL at once: a crash, as the crash tests want it.
   void kill_now()
   {
      if (pid_ <= 0 || exited_) return;
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exited_ = true;
      exit_status_ = status;
   }

   std::optional<int> exit_status() const { return exit_status_; }

private:
   std::vector<std::string> argv_;
   std::filesystem::path log_file_;
   std::uintmax_t log_offset_ = 0;
   pid_t pid_ = -1;
   bool exited_ = false;
   std::optional<int> exit_status_;
};

}  // namespace runbook::testing
