// What only the PostgreSQL journal has: its URL, whose password must never
// be shown, the choice of backend from --journal or RUNBOOK_JOURNAL, its
// schema migrations, and outcomes that reach the disk with the next write.
#include <catch2/catch.hpp>

#include "journal/journal.hpp"
#include "journal/pg.hpp"

#include "journal_test_support.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

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

namespace {

/// One value read straight from the database: a read writes no log, so it
/// flushes nothing that a test means to lose.
std::string pg_value(const std::string& url, const std::string& sql)
{
   PGconn* conn = PQconnectdb(url.c_str());
   PGresult* result = PQexec(conn, sql.c_str());
   const bool ok = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) == 1;
   const std::string value = ok ? PQgetvalue(result, 0, 0) : std::string("error: ") + PQerrorMessage(conn);
   PQclear(result);
   PQfinish(conn);
   return value;
}

/// Crashes the server the way a power cut would lose its memory: a backend
/// killed with SIGKILL makes the postmaster end every session, throw its
/// shared memory away (with the log not yet written) and recover from the
/// log on disk. Returns once the server answers again.
void crash_server(const std::string& url)
{
   PGconn* victim = PQconnectdb(url.c_str());
   PGresult* result = PQexec(victim, "SELECT pg_backend_pid()");
   const pid_t backend = std::stoi(PQgetvalue(result, 0, 0));
   PQclear(result);
   REQUIRE(kill(backend, SIGKILL) == 0);
   PQfinish(victim);
   for (int i = 0; i < 300; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (pg_value(url, "SELECT 1") == "1") return;
   }
   FAIL("the server did not come back within 30 s of the crash");
}

/// The WAL writer asleep for 10 s (its longest): an outcome committed
/// without waiting for the disk stays in the server's memory until a crash.
struct WalWriterAsleep {
   explicit WalWriterAsleep(const runbook::journal_test_support::TestJournal& journal) : journal_(journal)
   {
      journal_.raw("ALTER SYSTEM SET wal_writer_delay = '10s'");
      journal_.raw("SELECT pg_reload_conf()");
      std::this_thread::sleep_for(std::chrono::milliseconds(500));   // its current sleep ends
   }
   ~WalWriterAsleep()
   {
      // raw() fails by throwing, which a destructor must not: Catch has
      // recorded the failure by then, and the other tests still run.
      try {
         journal_.raw("ALTER SYSTEM RESET wal_writer_delay");
         journal_.raw("SELECT pg_reload_conf()");
      } catch (...) {
      }
   }
   const runbook::journal_test_support::TestJournal& journal_;
};

}  // namespace

TEST_CASE("a step's outcome lost in a server crash is journaled again when the holder reconnects", "[journal][postgres]")
{
   // Needs a server (tests/journal_postgres.test.sh starts one) that this
   // test may crash.
   using namespace runbook::journal_test_support;
   using runbook::step_outcome::Done;
   if (journal_backends().size() < 2) return;
   TestJournal t("postgresql");
   auto journal = t.open();
   const std::string id = journal->create_run(sample_run());
   const auto outcome_of = [&](const std::string& step) {
      return pg_value(t.spec(), "SELECT coalesce(outcome, 'in doubt') FROM attempts WHERE run_id = '" + id +
                                   "' AND step_id = '" + step + "'");
   };

   // An outcome is committed at once, every reader sees it, but it is on
   // disk only once a later write flushes the log. A crash before that loses
   // it: this is what the holder must mend. The log's page must not fill up
   // meanwhile (the WAL writer would flush it), so each try starts a new
   // log file; a few tries make that certain.
   WalWriterAsleep asleep(t);
   std::string lost_step;
   for (int attempt = 1; attempt <= 5 && lost_step.empty(); ++attempt) {
      const std::string step = "canary/deploy-" + std::to_string(attempt);
      t.raw("SELECT pg_switch_wal()");
      journal->step_started(id, step, "sh", "h1", "{}", std::nullopt, 1000.0 * attempt);
      journal->step_finished(id, step, Done, R"({"exit":0})", 1000.0 * attempt + 500);
      CHECK(outcome_of(step) == Done);
      crash_server(t.spec());
      if (outcome_of(step) == "in doubt") lost_step = step;
   }
   REQUIRE(!lost_step.empty());

   // The holder's next write reconnects and journals the outcome again first.
   journal->heartbeat(id);
   CHECK(outcome_of(lost_step) == Done);
   const auto events = journal->events(id);
   const auto finished = std::count_if(events.begin(), events.end(), [&](const auto& event) {
      return event.kind == "step_finished" && event.step_id == lost_step;
   });
   CHECK(finished == 1);

   // A step's start is flushed before it returns, and with it the outcome
   // before it: a crash right after loses neither (the WAL writer still
   // asleep, so only the start's flush can have saved the outcome).
   t.raw("SELECT pg_switch_wal()");
   journal->step_started(id, "canary/shift", "http", "h2", "{}", std::nullopt, 9000);
   journal->step_finished(id, "canary/shift", Done, "{}", 9500);
   journal->step_started(id, "canary/watch", "watch", "h3", "{}", std::nullopt, 9600);
   crash_server(t.spec());
   CHECK(outcome_of("canary/shift") == Done);
   CHECK(outcome_of("canary/watch") == "in doubt");
}
