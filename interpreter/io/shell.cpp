// Shell commands in their own process group.
//
// Implementation details: the child is started with posix_spawn (a fork and
// exec that is safe in a threaded process) as `/bin/sh -c COMMAND` with
// POSIX_SPAWN_SETPGROUP, i.e. setpgid(0, 0): the shell and everything it
// starts share a group we can signal as one. Signal dispositions the parent
// changed (runbook ignores SIGPIPE, handles SIGINT) are reset to their
// defaults so `yes | head` behaves as in a terminal. The pipes are created
// close-on-exec, so the child keeps only its stdout and stderr ends.
//
// One poll loop, woken at least every 50 ms, reads both pipes, streams each
// chunk to the caller, keeps bounded tails, watches the deadline and the
// cancel flag, and reaps the shell. Memory stays bounded whatever the
// command prints: each tail holds at most 64 KiB plus one read.
#include "io/shell.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <vector>

#include <fmt/format.h>

#include "io/child_reaper.hpp"
#include "io/human_units.hpp"

extern char** environ;

namespace runbook {

namespace {

constexpr std::size_t tail_bytes = 64 * 1024;
constexpr double poll_interval_ms = 50;
/// After /bin/sh exits, how long output still held open by background children is read.
constexpr double drain_after_exit_ms = 200;

using SteadyClock = std::chrono::steady_clock;

double ms_since(SteadyClock::time_point start)
{
   return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

/// The last `tail_bytes` of a stream.
class Tail {
public:
   void append(std::string_view chunk)
   {
      if (chunk.size() >= tail_bytes) {
         text_.assign(chunk.substr(chunk.size() - tail_bytes));
         return;
      }
      text_.append(chunk);
      if (text_.size() > tail_bytes) text_.erase(0, text_.size() - tail_bytes);
   }
   /// The tail, starting at a character boundary when it was cut.
   std::string take(bool was_cut)
   {
      if (was_cut) {
         std::size_t skip = 0;
         while (skip < text_.size() && skip < 4 && (static_cast<unsigned char>(text_[skip]) & 0xC0) == 0x80) ++skip;
         text_.erase(0, skip);
      }
      return std::move(text_);
   }

private:
   std::string text_;
};

/// A file descriptor closed when it goes out of scope.
class Fd {
public:
   Fd() = default;
   explicit Fd(int fd) : fd_(fd) {}
   ~Fd() { reset(); }
   Fd(const Fd&) = delete;
   Fd& operator=(const Fd&) = delete;
   int get() const { return fd_; }
   bool open() const { return fd_ >= 0; }
   void reset()
   {
      if (fd_ >= 0) ::close(fd_);
      fd_ = -1;
   }
   int* out() { return &fd_; }

private:
   int fd_ = -1;
};

struct Pipe {
   Fd read_end;
   Fd write_end;
   bool create()
   {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) return false;
      *read_end.out() = fds[0];
      *write_end.out() = fds[1];
      return ::fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0;
   }
};

/// "SIGKILL" for 9.
std::string signal_name(int signal)
{
   const char* abbreviation = ::sigabbrev_np(signal);
   return abbreviation != nullptr ? std::string("SIG") + abbreviation : std::string("an unknown signal");
}

/// Scans /proc for a process of group `pgid` that is not a zombie.
bool group_has_live_member(pid_t pgid)
{
   DIR* proc = ::opendir("/proc");
   if (proc == nullptr) return true;   // Cannot tell: assume someone is left, SIGKILL comes after the grace.
   bool found = false;
   while (const dirent* entry = ::readdir(proc)) {
      if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
      char path[300];
      std::snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
      const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) continue;
      char stat[512];
      const ssize_t n = ::read(fd, stat, sizeof stat - 1);
      ::close(fd);
      if (n <= 0) continue;
      stat[n] = '\0';
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
      const char* after = std::strrchr(stat, ')');
      char state = 0;
      long ppid = 0;
      long pgrp = 0;
      if (after == nullptr || std::sscanf(after + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3) continue;
      if (pgrp == pgid && state != 'Z' && state != 'X') {
         found = true;
         break;
      }
   }
   ::closedir(proc);
   return found;
}

/// posix_spawn attributes that give the child its own group and default signals.
class SpawnAttributes {
public:
   SpawnAttributes()
   {
      ::posix_spawnattr_init(&attr_);
      ::posix_spawn_file_actions_init(&actions_);
   }
   ~SpawnAttributes()
   {
      ::posix_spawnattr_destroy(&attr_);
      ::posix_spawn_file_actions_destroy(&actions_);
   }
   SpawnAttributes(const SpawnAttributes&) = delete;
   SpawnAttributes& operator=(const SpawnAttributes&) = delete;

   int configure(int stdout_fd, int stderr_fd)
   {
      sigset_t empty_mask;
      sigemptyset(&empty_mask);
      sigset_t defaults;
      sigemptyset(&defaults);
      for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2, SIGALRM}) {
         sigaddset(&defaults, sig);
      }
      int rc = ::posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
      if (rc == 0) rc = ::posix_spawnattr_setpgroup(&attr_, 0);
      if (rc == 0) rc = ::posix_spawnattr_setsigmask(&attr_, &empty_mask);
      if (rc == 0) rc = ::posix_spawnattr_setsigdefault(&attr_, &defaults);
      if (rc == 0) rc = ::posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
      if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(&actions_, stdout_fd, STDOUT_FILENO);
      if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(&actions_, stderr_fd, STDERR_FILENO);
      return rc;
   }

   const posix_spawnattr_t* attr() const { return &attr_; }
   const posix_spawn_file_actions_t* actions() const { return &actions_; }

private:
   posix_spawnattr_t attr_;
   posix_spawn_file_actions_t actions_;
};

/// Why the loop is stopping the group, if it is.
enum class Stop { No, Timeout, Cancel, CallbackFailed };

/// Drives one running command to its end.
class Runner {
public:
   Runner(pid_t pid, Fd& stdout_read, Fd& stderr_read, const ShellOptions& options)
      : pid_(pid), stdout_(stdout_read), stderr_(stderr_read), options_(options)
   {
   }

   void run(ShellResult& result)
   {
      const auto started = SteadyClock::now();
      std::vector<char> buffer(tail_bytes);
      double drain_deadline = -1;
      double idle_sleep = 1;
      for (;;) {
         reap_if_exited();
         const double now = ms_since(started);
         if (sh_exited_) {
            if (drain_deadline < 0) drain_deadline = now + drain_after_exit_ms;
            const bool pipes_done = !stdout_.open() && !stderr_.open();
            const bool group_settled = stop_ == Stop::No || killed_ || group_gone();
            if (group_settled && (pipes_done || now >= drain_deadline)) break;
         }
         check_deadlines(now);
         if (stop_ != Stop::No && !killed_ && now >= kill_at_) send_to_group(SIGKILL);

         if (stdout_.open() || stderr_.open()) {
            wait_and_read(buffer, next_wait_ms(now, drain_deadline));
            idle_sleep = 1;
         } else {
            // Both pipes closed, the shell not reaped yet: it is about to be. Sleep briefly, growing to 50 ms.
            ::usleep(static_cast<useconds_t>(idle_sleep * 1000));
            idle_sleep = std::min(idle_sleep * 2, poll_interval_ms);
         }
      }
      // Whatever the shell left behind when we were stopping it goes too.
      if (stop_ != Stop::No && !killed_ && !group_gone()) send_to_group(SIGKILL);

      result.elapsed_ms = ms_since(started);
      result.stdout_tail = stdout_tail_.take(stdout_cut_);
      result.output_tail = output_tail_.take(output_cut_);
      describe_end(result);
      if (callback_error_) std::rethrow_exception(callback_error_);
   }

private:
   void reap_if_exited()
   {
      if (sh_exited_) return;
      int status = 0;
      pid_t rc;
      do {
         rc = ::waitpid(pid_, &status, WNOHANG);
      } while (rc < 0 && errno == EINTR);
      if (rc == pid_ || (rc < 0 && errno == ECHILD)) {
         sh_exited_ = true;
         status_ = rc == pid_ ? status : 0;
         status_known_ = rc == pid_;
      }
   }

   /// True when no live process is left in the group. Zombies do not count:
   /// orphaned grandchildren wait for init to reap them, which may take a while.
   bool group_gone() const
   {
      if (::kill(-pid_, 0) != 0 && errno == ESRCH) return true;
      return !group_has_live_member(pid_);
   }

   void send_to_group(int signal)
   {
      ::kill(-pid_, signal);
      if (signal == SIGKILL) killed_ = true;
   }

   void begin_stop(Stop why, int signal, double now)
   {
      stop_ = why;
      kill_at_ = now + options_.kill_grace_ms;
      send_to_group(signal);
   }

   void check_deadlines(double now)
   {
      if (stop_ != Stop::No) return;
      if (options_.timeout_ms > 0 && now >= options_.timeout_ms) {
         begin_stop(Stop::Timeout, SIGTERM, now);
      } else if (options_.cancel != nullptr && options_.cancel->load()) {
         begin_stop(Stop::Cancel, SIGINT, now);
      }
   }

   int next_wait_ms(double now, double drain_deadline) const
   {
      double wait = poll_interval_ms;
      if (stop_ == Stop::No && options_.timeout_ms > 0) wait = std::min(wait, options_.timeout_ms - now);
      if (stop_ != Stop::No && !killed_) wait = std::min(wait, kill_at_ - now);
      if (drain_deadline >= 0) wait = std::min(wait, drain_deadline - now);
      if (!sh_exited_) wait = std::min(wait, poll_interval_ms);
      return static_cast<int>(std::max(1.0, wait));
   }

   void wait_and_read(std::vector<char>& buffer, int wait_ms)
   {
      pollfd fds[2];
      nfds_t count = 0;
      Fd* owners[2];
      for (Fd* fd : {&stdout_, &stderr_}) {
         if (!fd->open()) continue;
         fds[count] = pollfd{fd->get(), POLLIN, 0};
         owners[count] = fd;
         ++count;
      }
      const int ready = ::poll(fds, count, wait_ms);
      if (ready <= 0) return;   // Timeout or EINTR: the loop comes round again.
      for (nfds_t i = 0; i < count; ++i) {
         if (fds[i].revents == 0) continue;
         read_available(*owners[i], owners[i] == &stdout_, buffer);
      }
   }

   /// Reads what is there now (bounded, so one flooding stream cannot starve the loop).
   void read_available(Fd& fd, bool is_stdout, std::vector<char>& buffer)
   {
      for (int round = 0; round < 16; ++round) {
         const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
         if (n > 0) {
            deliver(std::string_view(buffer.data(), static_cast<std::size_t>(n)), is_stdout);
            continue;
         }
         if (n < 0 && errno == EINTR) continue;
         if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
         fd.reset();   // EOF or a read error: this stream is over.
         return;
      }
   }

   void deliver(std::string_view chunk, bool is_stdout)
   {
      output_bytes_ += chunk.size();
      output_cut_ = output_bytes_ > tail_bytes;
      output_tail_.append(chunk);
      if (is_stdout) {
         stdout_bytes_ += chunk.size();
         stdout_cut_ = stdout_bytes_ > tail_bytes;
         stdout_tail_.append(chunk);
      }
      if (!options_.on_output || callback_error_) return;
      try {
         options_.on_output(chunk);
      } catch (...) {
         // The caller cannot take output any more: stop the command now and report after reaping it.
         callback_error_ = std::current_exception();
         if (stop_ == Stop::No) {
            stop_ = Stop::CallbackFailed;
            send_to_group(SIGKILL);
         }
      }
   }

   void describe_end(ShellResult& result) const
   {
      if (status_known_ && WIFEXITED(status_)) {
         result.exit_code = WEXITSTATUS(status_);
      } else if (status_known_ && WIFSIGNALED(status_)) {
         result.signal = WTERMSIG(status_);
      }
      switch (stop_) {
         case Stop::Timeout: {
            const double shown = options_.timeout_display_ms > 0 ? options_.timeout_display_ms : options_.timeout_ms;
            result.timed_out = true;
            result.error = fmt::format("timed out after {}; the process group was killed", format_duration_ms(shown));
            return;
         }
         case Stop::Cancel:
            result.interrupted = true;
            result.error = killed_ ? "interrupted; the process group was sent SIGINT, then SIGKILL after "
                                        + format_duration_ms(options_.kill_grace_ms)
                                   : "interrupted; the process group was sent SIGINT";
            return;
         case Stop::CallbackFailed:
            result.error = "stopped: the output could not be delivered; the process group was killed";
            return;
         case Stop::No:
            break;
      }
      if (!status_known_) {
         result.error = "the exit status of /bin/sh was lost";
      } else if (result.signal != 0) {
         result.error = fmt::format("killed by signal {} ({})", result.signal, signal_name(result.signal));
      } else if (result.exit_code != 0) {
         result.error = fmt::format("exited with status {}", result.exit_code);
      }
   }

   pid_t pid_;
   Fd& stdout_;
   Fd& stderr_;
   const ShellOptions& options_;
   bool sh_exited_ = false;
   bool status_known_ = false;
   int status_ = 0;
   Stop stop_ = Stop::No;
   double kill_at_ = 0;
   bool killed_ = false;
   Tail output_tail_;
   Tail stdout_tail_;
   std::size_t output_bytes_ = 0;
   std::size_t stdout_bytes_ = 0;
   bool output_cut_ = false;
   bool stdout_cut_ = false;
   std::exception_ptr callback_error_;
};

}  // namespace

ShellResult run_shell(const std::string& command, const ShellOptions& options)
{
   ShellResult result;
   if (command.find('\0') != std::string::npos) {
      result.error = "the command contains a NUL byte and cannot be run";
      return result;
   }
   Pipe out;
   Pipe err;
   if (!out.create() || !err.create()) {
      result.error = fmt::format("could not start /bin/sh: could not create pipes: {}", std::strerror(errno));
      return result;
   }
   SpawnAttributes spawn;
   if (const int rc = spawn.configure(out.write_end.get(), err.write_end.get()); rc != 0) {
      result.error = fmt::format("could not start /bin/sh: {}", std::strerror(rc));
      return result;
   }
   std::string sh = "/bin/sh";
   std::string dash_c = "-c";
   std::string text = command;
   char* argv[] = {sh.data(), dash_c.data(), text.data(), nullptr};
   pid_t pid = 0;
   if (const int rc = ::posix_spawn(&pid, sh.c_str(), spawn.actions(), spawn.attr(), argv, environ); rc != 0) {
      result.error = fmt::format("could not start /bin/sh: {}", std::strerror(rc));
      return result;
   }
   result.started = true;
   // Only the child writes: with our copies closed, EOF arrives when the group is done with them.
   out.write_end.reset();
   err.write_end.reset();

   reaper_watch(pid);   // The group's pgid is the shell's pid (setpgid(0, 0)).
   Runner runner(pid, out.read_end, err.read_end, options);
   try {
      runner.run(result);
   } catch (...) {
      reaper_forget(pid);
      throw;
   }
   reaper_forget(pid);
   return result;
}

std::string shell_quote(std::string_view value)
{
   // Inside single quotes nothing is special but the quote itself, which is
   // closed, escaped and reopened: it's -> 'it'\''s'.
   std::string quoted = "'";
   for (char c : value) {
      if (c == '\'') {
         quoted += "'\\''";
      } else {
         quoted += c;
      }
   }
   quoted += '\'';
   return quoted;
}

}  // namespace runbook
