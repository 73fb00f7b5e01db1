// What only the PostgreSQL journal has: its URL, whose password must never
// be shown, and the choice of backend from --journal or RUNBOOK_JOURNAL.
#include <catch2/catch.hpp>

#include "journal/journal.hpp"
#include "journal/pg.hpp"

#include <cstdlib>

using runbook::journal_spec;

TEST_CASE("a PostgreSQL URL's password is redacted in every form", "[journal][postgres]")
{
   using runbook::pg::redact_url;
   CHECK(redact_url("postgresql://ann:s3cret@db.example:5432/runbook") == "postgresql://ann:***@db.example:5432/runbook");
   CHECK(redact_url("postgres://ann@db/runbook") == "postgres://ann@db/runbook");
   CHECK(redact_url("postgresql:///runbook?host=/tmp/x&password=s3cret&user=ann") ==
         "postgresql:///runbook?host=/tmp/x&password=***&user=ann");
   CHECK(redact_url("host=db password=s3cret dbname=runbook") == "host=db password=*** dbname=runbook");
   CHECK(redact_url("postgresql://db/runbook") == "postgresql://db/runbook");
}

TEST_CASE("a journal that cannot be reached says so without its password", "[journal][postgres]")
{
   // Nothing listens in an empty folder: the connection fails at once.
   setenv("RUNBOOK_JOURNAL_RECONNECT_S", "0", 1);
   std::string message;
   try {
      runbook::open_journal("postgresql://ann:s3cret@/runbook?host=/nonexistent-runbook-socket-dir");
   } catch (const runbook::JournalError& error) {
      message = error.what();
   }
   unsetenv("RUNBOOK_JOURNAL_RECONNECT_S");
   CHECK_THAT(message, Catch::Contains("cannot connect to the journal") && Catch::Contains("ann:***@"));
   CHECK(message.find("s3cret") == std::string::npos);
}

TEST_CASE("the journal is chosen by --journal, then RUNBOOK_JOURNAL, then the default", "[journal][postgres]")
{
   unsetenv("RUNBOOK_JOURNAL");
   CHECK(journal_spec("") == runbook::default_journal_path());
   CHECK(journal_spec("j.db") == "j.db");
   setenv("RUNBOOK_JOURNAL", "postgres://db/runbook", 1);
   CHECK(journal_spec("") == "postgres://db/runbook");
   CHECK(journal_spec("j.db") == "j.db");
   unsetenv("RUNBOOK_JOURNAL");
   CHECK(runbook::is_postgres_spec("postgresql://x/y"));
   CHECK(runbook::is_postgres_spec("postgres://x/y"));
   CHECK_FALSE(runbook::is_postgres_spec("postgres.db"));
}
