#include "journal/lease.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <unistd.h>

#include "journal/utc_time.hpp"

namespace runbook {

namespace {

std::string host_name()
{
   if (const char* named = std::getenv("RUNBOOK_HOST"); named != nullptr && *named != '\0') return named;
   char name[256] = {};
   if (gethostname(name, sizeof name - 1) != 0) return "localhost";
   return name;
}

/// State letter and start time of a process from /proc, when readable.
struct ProcessStat {
   char state = '?';
   std::int64_t start_ticks = 0;
};

std::optional<ProcessStat> read_process_stat(int pid)
{
   std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
   std::string line;
   if (!file || !std::getline(file, line)) return std::nullopt;
   // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so
   // the fields start after the last ')'. starttime is field 22 overall,
   // the 20th after the state.
   const auto close = line.rfind(')');
   if (close == std::string::npos) return std::nullopt;
   std::istringstream fields(line.substr(close + 1));
   ProcessStat stat;
   fields >> stat.state;
   std::string skipped;
   for (int field = 4; field < 22 && fields; ++field) fields >> skipped;
   fields >> stat.start_ticks;
   if (!fields) return std::nullopt;
   return stat;
}

}  // namespace

double lease_timeout_ms()
{
   if (const char* seconds = std::getenv("RUNBOOK_LEASE_TIMEOUT_S"); seconds != nullptr && *seconds != '\0') {
      const double value = std::atof(seconds);
      if (value > 0) return value * 1000;
   }
   return remote_lease_timeout_ms;
}

std::string lease_host_name()
{
   return host_name();
}

double wall_now_ms()
{
   // Microseconds: the runbook clock (exec/clock.cpp) starts from this too.
   using namespace std::chrono;
   return static_cast<double>(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()) / 1000.0;
}

std::string format_wall_time(double wall_ms)
{
   return utc_text(wall_ms, "%Y-%m-%d %H:%M:%S UTC");
}

LeaseHolder current_process_holder()
{
   LeaseHolder holder;
   holder.host = host_name();
   holder.pid = static_cast<int>(getpid());
   if (const auto stat = read_process_stat(holder.pid)) holder.start_ticks = stat->start_ticks;
   return holder;
}

bool is_current_process(const LeaseHolder& holder)
{
   // getpid() and the host name again rather than cached: a forked child is
   // not its parent, and may name another host (RUNBOOK_HOST).
   return holder.pid == static_cast<int>(getpid()) && holder.host == host_name();
}

bool holder_is_gone(const LeaseHolder& holder, double now_wall_ms)
{
   if (holder.pid <= 0) return true;
   if (holder.host != host_name()) return now_wall_ms - holder.heartbeat_at > lease_timeout_ms();
   if (kill(holder.pid, 0) != 0 && errno == ESRCH) return true;
   // kill() succeeds for zombies and for an unrelated process that reused the pid.
   if (const auto stat = read_process_stat(holder.pid)) {
      if (stat->state == 'Z' || stat->state == 'X') return true;
      if (holder.start_ticks != 0 && stat->start_ticks != holder.start_ticks) return true;
   }
   return false;
}

std::string describe_holder(const LeaseHolder& holder, double now_wall_ms)
{
   const double ago_s = (now_wall_ms - holder.heartbeat_at) / 1000;
   return fmt::format("pid {} on host {} since {} (last heartbeat {:.0f} s ago)", holder.pid, holder.host,
                      format_wall_time(holder.since), ago_s < 0 ? 0.0 : ago_s);
}

}  // namespace runbook
