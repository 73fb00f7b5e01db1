#include "io/child_reaper.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include <fmt/core.h>

extern char** environ;

namespace runbook {

namespace {

/// Between SIGTERM and SIGKILL, as the shell runner's own grace.
constexpr auto kill_grace = std::chrono::seconds(2);

std::mutex g_mutex;
int g_pipe = -1;   ///< Write end, close-on-exec: only runbook holds it.

void tell(char sign, int pgid)
{
   const std::lock_guard<std::mutex> lock(g_mutex);
   if (g_pipe < 0 || pgid <= 0) return;
   const std::string line = fmt::format("{}{}\n", sign, pgid);
   // One short write below PIPE_BUF is atomic; a helper that died only loses its guard.
   ssize_t rc;
   do {
      rc = ::write(g_pipe, line.data(), line.size());
   } while (rc < 0 && errno == EINTR);
}

}  // namespace

bool start_child_reaper(const std::string& program)
{
   const std::lock_guard<std::mutex> lock(g_mutex);
   if (g_pipe >= 0) return true;
   int fds[2];
   if (::pipe2(fds, O_CLOEXEC) != 0) return false;
   posix_spawn_file_actions_t actions;
   posix_spawnattr_t attr;
   ::posix_spawn_file_actions_init(&actions);
   ::posix_spawnattr_init(&attr);
   sigset_t defaults;
   sigemptyset(&defaults);
   sigaddset(&defaults, SIGPIPE);
   // Its own group: the terminal's Ctrl-C and hang-up reach runbook, not it.
   int rc = ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
   if (rc == 0) rc = ::posix_spawnattr_setpgroup(&attr, 0);
   if (rc == 0) rc = ::posix_spawnattr_setsigdefault(&attr, &defaults);
   if (rc == 0) rc = ::posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
   if (rc == 0) rc = ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
   std::string name = program;
   std::string command = "__reap-children";
   char* argv[] = {name.data(), command.data(), nullptr};
   pid_t pid = 0;
   if (rc == 0) rc = ::posix_spawn(&pid, name.c_str(), &actions, &attr, argv, environ);
   ::posix_spawn_file_actions_destroy(&actions);
   ::posix_spawnattr_destroy(&attr);
   ::close(fds[0]);
   if (rc != 0) {
      ::close(fds[1]);
      return false;
   }
   g_pipe = fds[1];
   return true;
}

void reaper_watch(int pgid) { tell('+', pgid); }
void reaper_forget(int pgid) { tell('-', pgid); }

int run_child_reaper()
{
   // Deaf to what is meant for runbook; only end of file ends it.
   ::signal(SIGINT, SIG_IGN);
   ::signal(SIGHUP, SIG_IGN);
   ::signal(SIGTERM, SIG_IGN);
   ::signal(SIGQUIT, SIG_IGN);
   std::set<int> groups;
   for (std::string line; std::getline(std::cin, line);) {
      if (line.size() < 2) continue;
      const int pgid = std::atoi(line.c_str() + 1);
      if (pgid <= 0) continue;
      if (line[0] == '+') groups.insert(pgid);
      if (line[0] == '-') groups.erase(pgid);
   }
   // End of file: runbook exited. Whatever it still ran is unsupervised now.
   if (groups.empty()) return 0;
   for (const int pgid : groups) ::kill(-pgid, SIGTERM);
   std::this_thread::sleep_for(kill_grace);
   for (const int pgid : groups) ::kill(-pgid, SIGKILL);
   return 0;
}

}  // namespace runbook
