// What the journal tests share: a scratch folder, a sample run, forked
// children that hold a run, and a fresh journal of either backend.
//
// The PostgreSQL backend needs a server: tests/journal_postgres.test.sh
// starts one (tests/support/postgres.sh) and names it in RUNBOOK_TEST_PG;
// without it the conformance suite runs on SQLite only, and that script test
// is what fails when PostgreSQL is missing.
#pragma once

#include <catch2/catch.hpp>

#include "journal/journal.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace runbook::journal_test_support {

/// A fresh folder for one test, removed (permissions restored first) at the end.
class JournalDir {
public:
   JournalDir()
   {
      std::string pattern = (std::filesystem::temp_directory_path() / "runbook-journal-test-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
      path_ = pattern;
   }
   ~JournalDir()
   {
      namespace fs = std::filesystem;
      std::error_code ignored;
      for (auto it = fs::recursive_directory_iterator(path_, ignored); it != fs::recursive_directory_iterator();
           it.increment(ignored)) {
         fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
      }
      fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ignored);
      fs::remove_all(path_, ignored);
   }
   JournalDir(const JournalDir&) = delete;
   JournalDir& operator=(const JournalDir&) = delete;
   std::string file(const std::string& name) const { return (path_ / name).string(); }
   const std::filesystem::path& path() const { return path_; }

private:
   std::filesystem::path path_;
};

inline NewRun sample_run(const std::string& title = "Roll out checkout v2")
{
   NewRun run;
   run.runbook_path = "rollout.rb";
   run.title = title;
   run.sources = {{"rollout.rb", "runbook \"x\" {}\n"}, {"std/http", "fn get() {}\n"}};
   run.params_json = R"({"version":"2.0","token":"<secret>"})";
   run.time_scale = 60;
   run.clock_origin_ms = 1'700'000'000'000;
   return run;
}

/// The message of the JournalError (or subclass E) that `action` throws.
template <class E = JournalError, class Action>
std::string journal_error_of(Action&& action)
{
   try {
      action();
   } catch (const E& error) {
      return error.what();
   }
   FAIL("expected an exception");
   return {};
}

/// Runs `body` in a forked child and returns its pid. The child never
/// returns into Catch; an escaping exception exits 99.
template <class Body>
pid_t fork_child(Body&& body)
{
   const pid_t pid = fork();
   if (pid == 0) {
      int code = 99;
      try {
         code = body();
      } catch (...) {
      }
      _exit(code);
   }
   REQUIRE(pid > 0);
   return pid;
}

inline int wait_child(pid_t pid)
{
   int status = 0;
   REQUIRE(waitpid(pid, &status, 0) == pid);
   if (WIFEXITED(status)) return WEXITSTATUS(status);
   return 128 + WTERMSIG(status);
}

/// A child that creates a run in the journal `spec` and keeps holding it
/// until killed. Returns its pid and the run id it created.
inline std::pair<pid_t, std::string> spawn_holder(const std::string& spec)
{
   int fds[2];
   REQUIRE(pipe(fds) == 0);
   const pid_t pid = fork_child([&] {
      close(fds[0]);
      auto journal = open_journal(spec);
      const std::string id = journal->create_run(sample_run("held elsewhere")) + "\n";
      if (write(fds[1], id.data(), id.size()) != static_cast<ssize_t>(id.size())) return 1;
      close(fds[1]);
      for (;;) pause();
   });
   close(fds[1]);
   std::string id;
   char c;
   while (read(fds[0], &c, 1) == 1 && c != '\n') id += c;
   close(fds[0]);
   REQUIRE(!id.empty());
   return {pid, id};
}

/// The backends the conformance suite runs on: SQLite always, PostgreSQL
/// when RUNBOOK_TEST_PG names a server (postgresql:///postgres?host=DIR&user=U).
inline std::vector<std::string> journal_backends()
{
   std::vector<std::string> backends{"sqlite"};
   if (const char* pg = std::getenv("RUNBOOK_TEST_PG"); pg != nullptr && *pg != '\0') backends.push_back("postgresql");
   return backends;
}

/// One empty journal of a backend: a file in a scratch folder, or a new
/// database on the test server. spec() opens it with open_journal().
class TestJournal {
public:
   explicit TestJournal(std::string backend) : backend_(std::move(backend))
   {
      if (backend_ == "sqlite") {
         spec_ = dir_.file("journal.db");
         return;
      }
      static std::atomic<int> counter{0};
      const std::string server = std::getenv("RUNBOOK_TEST_PG");
      const std::string name = "runbook_t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
      admin("CREATE DATABASE " + name);
      spec_ = with_database(server, name);
   }
   TestJournal(const TestJournal&) = delete;
   TestJournal& operator=(const TestJournal&) = delete;

   const std::string& backend() const { return backend_; }
   const std::string& spec() const { return spec_; }
   std::unique_ptr<Journal> open() const { return open_journal(spec_); }

   /// Runs SQL straight on the database, for what the Journal API cannot do
   /// (fake a holder on another host). The SQL must suit both backends.
   void raw(const std::string& sql) const
   {
      if (backend_ == "sqlite") {
         sqlite3* db = nullptr;
         REQUIRE(sqlite3_open(spec_.c_str(), &db) == SQLITE_OK);
         sqlite3_busy_timeout(db, 5000);
         char* error = nullptr;
         const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
         const std::string message = error != nullptr ? error : "";
         sqlite3_free(error);
         sqlite3_close(db);
         INFO(message);
         REQUIRE(rc == SQLITE_OK);
      } else {
         exec_on(spec_, sql);
      }
   }

private:
   static std::string with_database(const std::string& server, const std::string& name)
   {
      // postgresql:///postgres?host=... -> postgresql:///NAME?host=...
      const auto slash = server.find('/', server.find("://") + 3);
      const auto end = server.find('?', slash);
      return server.substr(0, slash + 1) + name + (end == std::string::npos ? "" : server.substr(end));
   }
   static void admin(const std::string& sql) { exec_on(std::getenv("RUNBOOK_TEST_PG"), sql); }
   static void exec_on(const std::string& url, const std::string& sql)
   {
      PGconn* conn = PQconnectdb(url.c_str());
      std::string message = PQerrorMessage(conn);
      bool ok = PQstatus(conn) == CONNECTION_OK;
      if (ok) {
         PGresult* result = PQexec(conn, sql.c_str());
         ok = PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
         message = PQresultErrorMessage(result);
         PQclear(result);
      }
      PQfinish(conn);
      INFO(sql << ": " << message);
      REQUIRE(ok);
   }

   std::string backend_;
   JournalDir dir_;
   std::string spec_;
};

}  // namespace runbook::journal_test_support
