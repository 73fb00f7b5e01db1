// What only the PostgreSQL journal has: its URL, whose password must never
// be shown, the choice of backend from --journal or RUNBOOK_JOURNAL, and its
// schema migrations.
#include <catch2/catch.hpp>

#include "journal/journal.hpp"
#include "journal/pg.hpp"

#include "journal_test_support.hpp"

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

TEST_CASE("a version-1 PostgreSQL journal is upgraded under a run in flight", "[journal][postgres]")
{
   // Needs a server (tests/journal_postgres.test.sh starts one).
   using namespace runbook::journal_test_support;
   if (journal_backends().size() < 2) return;
   TestJournal t("postgresql");
   auto journal = t.open();
   const std::string id = journal->create_run(sample_run());
   CHECK(journal->step_started(id, "canary/deploy", "sh", "h1", "{}", std::nullopt, 1000) == 1);
   journal.reset();
   // Back to what version 1 was: no journal functions.
   t.raw("DROP FUNCTION runbook_step_started, runbook_step_finished, runbook_record, runbook_heartbeat, "
         "runbook_append_event, runbook_fence; UPDATE runbook_schema_version SET version = 1");

   // A version-2 runbook upgrades it and the run goes on where it was.
   journal = t.open();
   journal->acquire_lease(id);
   journal->step_finished(id, "canary/deploy", runbook::step_outcome::Done, "{}", 1500);
   CHECK(journal->step_started(id, "canary/shift", "http", "h2", "{}", std::nullopt, 1600) == 1);
   const auto steps = journal->steps(id);
   REQUIRE(steps.size() == 2);
   CHECK(steps[0].outcome == runbook::step_outcome::Done);
   CHECK(steps[1].step_id == "canary/shift");

   // A journal from a newer runbook is refused, never downgraded.
   t.raw("INSERT INTO runbook_schema_version (version) VALUES (99)");
   std::string message;
   try {
      t.open();
   } catch (const runbook::JournalError& error) {
      message = error.what();
   }
   CHECK_THAT(message, Catch::Contains("newer runbook (schema 99"));
}
