// The one place a journal spec (--journal, RUNBOOK_JOURNAL) becomes a Journal.

#include "journal/journal.hpp"

#include "journal/pg.hpp"
#include "journal/pg_journal.hpp"

#include <cstdlib>

namespace runbook {

std::string journal_spec(const std::string& flag)
{
   if (!flag.empty()) return flag;
   if (const char* env = std::getenv("RUNBOOK_JOURNAL"); env != nullptr && *env != '\0') return env;
   return default_journal_path();
}

bool is_postgres_spec(const std::string& spec)
{
   return spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0;
}

std::string journal_display_name(const std::string& spec)
{
   return is_postgres_spec(spec) ? pg::redact_url(spec) : spec;
}

std::unique_ptr<Journal> open_journal(const std::string& spec)
{
   if (!is_postgres_spec(spec)) return Journal::open(spec);
   auto journal = std::make_unique<PgJournal>(spec);
   if (const char* seconds = std::getenv("RUNBOOK_JOURNAL_RECONNECT_S"); seconds != nullptr && *seconds != '\0')
      journal->set_reconnect_for_ms(std::atof(seconds) * 1000);
   return journal;
}

}  // namespace runbook
