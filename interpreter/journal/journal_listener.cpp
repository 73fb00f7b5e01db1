// Telling the owner of a journal that its server went away and came back
// (journal.hpp: JournalListener): the running interpreter shows it to the
// people watching; without one (`runbook status`, `runbook approve`), stderr
// says it, so that every command still says what it is waiting for.

#include "journal/journal.hpp"

#include <chrono>
#include <cstdio>

namespace runbook {

namespace {

double monotonic_ms()
{
   return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

void Journal::journal_unreachable(const std::string& why, double retry_for_ms)
{
   if (away_) return;
   away_ = true;
   away_since_ms_ = monotonic_ms();
   away_why_ = why;
   away_retry_for_ms_ = retry_for_ms;
   if (JournalListener* listener = listener_.load()) {
      listener->journal_unreachable(JournalOutage{path(), why, retry_for_ms, 0});
      return;
   }
   std::fprintf(stderr, "runbook: %s; retrying until it is back (up to %.0f s)\n", why.c_str(), retry_for_ms / 1000);
}

void Journal::journal_back()
{
   if (!away_) return;
   away_ = false;
   const JournalOutage outage{path(), away_why_, away_retry_for_ms_, monotonic_ms() - away_since_ms_};
   away_why_.clear();
   if (JournalListener* listener = listener_.load()) {
      listener->journal_back(outage);
      return;
   }
   std::fprintf(stderr, "runbook: the journal %s is back\n", path().c_str());
}

}  // namespace runbook
