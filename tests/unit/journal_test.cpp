// The SQLite journal: schema, runs, leases, the write-ahead step protocol,
// events, requests, and what happens when the disk, the file or the process
// misbehaves (read-only, full, corrupt, newer, locked, killed mid-write).
#include <catch2/catch.hpp>

#include "journal/journal.hpp"
#include "journal/lease.hpp"
#include "journal/schema.hpp"
#include "journal/sha256.hpp"
#include "journal/testing.hpp"

#include "journal_test_support.hpp"

#include <fmt/core.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace runbook;
using namespace runbook::journal_test_support;
namespace fs = std::filesystem;

namespace {

/// A second connection straight to the database, for what the Journal API
/// deliberately cannot do: inspect pragmas, fake another host, hold a lock.
class RawDb {
public:
   explicit RawDb(const std::string& path)
   {
      if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("raw open failed");
      sqlite3_busy_timeout(db_, 5000);
   }
   ~RawDb() { sqlite3_close(db_); }
   void exec(const std::string& sql)
   {
      char* error = nullptr;
      if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
         const std::string message = error ? error : "?";
         sqlite3_free(error);
         throw std::runtime_error("raw exec failed: " + message + " in " + sql);
      }
   }
   std::string text(const std::string& sql)
   {
      sqlite3_stmt* stmt = nullptr;
      if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
         throw std::runtime_error(std::string("raw prepare failed: ") + sqlite3_errmsg(db_));
      }
      std::string result;
      if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
         result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      }
      sqlite3_finalize(stmt);
      return result;
   }
   long long integer(const std::string& sql) { return std::stoll(text(sql)); }

private:
   sqlite3* db_ = nullptr;
};

/// A VFS that wraps the default one and fails writes with SQLITE_FULL once a
/// byte budget is spent: a disk that fills up in the middle of a WAL write,
/// which PRAGMA max_page_count (checked before writing) cannot imitate.
/// Installed as the default VFS for the lifetime of the object.
class FillingDisk {
public:
   FillingDisk()
   {
      real_ = sqlite3_vfs_find(nullptr);
      shim_ = *real_;
      shim_.zName = "runbook-filling-disk";
      shim_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
      shim_.xOpen = &open;
      shim_.pAppData = this;
      REQUIRE(sqlite3_vfs_register(&shim_, 1) == SQLITE_OK);
      instance_ = this;
   }
   ~FillingDisk()
   {
      sqlite3_vfs_register(real_, 1);
      sqlite3_vfs_unregister(&shim_);
      instance_ = nullptr;
   }
   /// From now on, `bytes` more bytes fit; then every write fails.
   void leave(long long bytes) { budget_ = bytes; }
   void free_space() { budget_ = -1; }

private:
   struct File {
      sqlite3_file base;
      sqlite3_file* real;
   };
   static sqlite3_file* real_of(sqlite3_file* file) { return reinterpret_cast<File*>(file)->real; }

   static int open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags)
   {
      auto* self = static_cast<FillingDisk*>(vfs->pAppData);
      auto* wrapper = reinterpret_cast<File*>(file);
      wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
      const int rc = self->real_->xOpen(self->real_, name, wrapper->real, flags, out_flags);
      wrapper->base.pMethods = rc == SQLITE_OK && wrapper->real->pMethods != nullptr ? &methods_ : nullptr;
      return rc;
   }
   static int write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset)
   {
      if (instance_ != nullptr && instance_->budget_ >= 0) {
         if (instance_->budget_ < amount) return SQLITE_FULL;
         instance_->budget_ -= amount;
      }
      return real_of(file)->pMethods->xWrite(real_of(file), data, amount, offset);
   }
   static int close(sqlite3_file* file) { return real_of(file)->pMethods->xClose(real_of(file)); }
   static int read(sqlite3_file* f, void* d, int n, sqlite3_int64 o)
   {
      return real_of(f)->pMethods->xRead(real_of(f), d, n, o);
   }
   static int truncate(sqlite3_file* f, sqlite3_int64 n) { return real_of(f)->pMethods->xTruncate(real_of(f), n); }
   static int sync(sqlite3_file* f, int flags) { return real_of(f)->pMethods->xSync(real_of(f), flags); }
   static int size(sqlite3_file* f, sqlite3_int64* n) { return real_of(f)->pMethods->xFileSize(real_of(f), n); }
   static int lock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xLock(real_of(f), l); }
   static int unlock(sqlite3_file* f, int l) { return real_of(f)->pMethods->xUnlock(real_of(f), l); }
   static int check_lock(sqlite3_file* f, int* r) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), r); }
   static int control(sqlite3_file* f, int op, void* a)
   {
      return real_of(f)->pMethods->xFileControl(real_of(f), op, a);
   }
   static int sector(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
   static int device(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
   static int shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out)
   {
      return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
   }
   static int shm_lock(sqlite3_file* f, int offset, int n, int flags)
   {
      return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
   }
   static void shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
   static int shm_unmap(sqlite3_file* f, int del) { return real_of(f)->pMethods->xShmUnmap(real_of(f), del); }
   static int fetch(sqlite3_file* f, sqlite3_int64 o, int n, void** p)
   {
      return real_of(f)->pMethods->xFetch(real_of(f), o, n, p);
   }
   static int unfetch(sqlite3_file* f, sqlite3_int64 o, void* p)
   {
      return real_of(f)->pMethods->xUnfetch(real_of(f), o, p);
   }

   static inline const sqlite3_io_methods methods_ = {
      3, &close, &read, &write, &truncate, &sync, &size, &lock, &unlock, &check_lock, &control, &sector, &device,
      &shm_map, &shm_lock, &shm_barrier, &shm_unmap, &fetch, &unfetch};
   static inline FillingDisk* instance_ = nullptr;

   sqlite3_vfs* real_ = nullptr;
   sqlite3_vfs shim_{};
   long long budget_ = -1;
};

/// Runs `body` as an unprivileged user in a child (root ignores file
/// permissions) and returns the message of the JournalError it hits, or
/// "no error".
std::string journal_error_as_unprivileged(const std::function<void()>& body)
{
   int fds[2];
   REQUIRE(pipe(fds) == 0);
   const pid_t pid = fork_child([&] {
      close(fds[0]);
      if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) return 3;
      std::string message = "no error";
      try {
         body();
      } catch (const JournalError& error) {
         message = error.what();
      }
      if (write(fds[1], message.data(), message.size()) < 0) return 2;
      return 0;
   });
   close(fds[1]);
   std::string message;
   char buffer[512];
   ssize_t got;
   while ((got = read(fds[0], buffer, sizeof buffer)) > 0) message.append(buffer, static_cast<std::size_t>(got));
   close(fds[0]);
   REQUIRE(wait_child(pid) == 0);
   return message;
}

}  // namespace

TEST_CASE("sha256 matches the FIPS 180-4 test vectors", "[journal]")
{
   CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
   CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
   CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
   Sha256 pieces;
   for (int i = 0; i < 1000; ++i) pieces.update(std::string(1000, 'a'));
   CHECK(pieces.hex_digest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("the default journal lives in .runbook/ under the working directory", "[journal]")
{
   CHECK(default_journal_path() == ".runbook/journal.db");
}

TEST_CASE("opening creates the folders and the schema, and reopening keeps the runs", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("deep/er/journal.db");
   std::string id;
   {
      auto journal = Journal::open(path);
      CHECK(journal->path() == path);
      id = journal->create_run(sample_run());
      journal->release_lease(id);
   }
   REQUIRE(fs::exists(path));
   {
      RawDb raw(path);
      CHECK(raw.integer("PRAGMA user_version") == journal_schema_version());
      CHECK(raw.text("PRAGMA journal_mode") == "wal");
      CHECK(raw.integer("SELECT count(*) FROM sqlite_schema WHERE type = 'table'") == 5);
   }
   auto reopened = Journal::open(path);
   const auto run = reopened->run(id);
   REQUIRE(run);
   CHECK(run->title == "Roll out checkout v2");
}

TEST_CASE("an in-memory journal keeps runs and steps and leaves no file", "[journal]")
{
   JournalDir dir;
   const auto cwd = fs::current_path();
   fs::current_path(dir.path());
   auto journal = Journal::open_in_memory();
   const std::string id = journal->create_run(sample_run());
   CHECK(journal->step_started(id, "canary/deploy", "sh", "h1", "{}", std::nullopt, 1000) == 1);
   journal->step_finished(id, "canary/deploy", "ok", "{}", 2000);
   CHECK(journal->file_problem().empty());
   const auto steps = journal->steps(id);
   REQUIRE(steps.size() == 1);
   CHECK(steps[0].outcome == "ok");
   // Two in-memory journals share nothing.
   CHECK(Journal::open_in_memory()->runs().empty());
   CHECK(fs::is_empty(dir.path()));
   fs::current_path(cwd);
}

TEST_CASE("deferred flushes: the records of a step without side effects are written, and flushing comes back",
          "[journal]")
{
   JournalDir dir;
   std::string id;
   {
      auto journal = Journal::open(dir.file("journal.db"));
      id = journal->create_run(sample_run());
      CHECK(journal_testing::synchronous(*journal) == 2);   // FULL: every commit waits for the disk
      journal->defer_flushes(true);
      CHECK(journal_testing::synchronous(*journal) == 1);   // NORMAL: the next flush carries them
      CHECK(journal->step_started(id, "canary/health", "http", "h1", R"({"method":"GET"})", std::nullopt, 1000) == 1);
      journal->step_finished(id, "canary/health", step_outcome::Done, R"({"status":200})", 1100);
      journal->defer_flushes(true);                         // idempotent
      journal->defer_flushes(false);
      CHECK(journal_testing::synchronous(*journal) == 2);
      CHECK(journal->step_started(id, "canary/route", "http", "h2", R"({"method":"POST"})", std::nullopt, 1200) == 1);
      journal->step_finished(id, "canary/route", step_outcome::Done, R"({"status":200})", 1300);
      journal->release_lease(id);
   }
   auto reopened = Journal::open(dir.file("journal.db"));
   const auto steps = reopened->steps(id);
   REQUIRE(steps.size() == 2);
   CHECK(steps[0].step_id == "canary/health");
   CHECK(steps[0].outcome == step_outcome::Done);
   CHECK(steps[1].step_id == "canary/route");
   CHECK(steps[1].outcome == step_outcome::Done);
}

TEST_CASE("a read-only journal or folder is refused with a clear message", "[journal]")
{
   JournalDir dir;
   fs::permissions(dir.path(), fs::perms::all, fs::perm_options::replace);   // let the unprivileged child in

   SECTION("read-only database file") {
      const std::string path = dir.file("journal.db");
      Journal::open(path)->create_run(sample_run());
      fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read,
                      fs::perm_options::replace);
      const auto message = journal_error_as_unprivileged([&] { Journal::open(path); });
      CHECK_THAT(message, Catch::Contains("read-only") && Catch::Contains(path));
   }

   SECTION("read-only folder, new journal") {
      const std::string folder = dir.file("locked");
      fs::create_directory(folder);
      fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                                 fs::perms::others_exec, fs::perm_options::replace);
      const std::string path = folder + "/journal.db";
      const auto message = journal_error_as_unprivileged([&] { Journal::open(path); });
      CHECK_THAT(message, Catch::Contains(path) && Catch::Contains("writable"));
   }

   SECTION("read-only folder, existing journal") {
      const std::string folder = dir.file("locked");
      fs::create_directory(folder);
      const std::string path = folder + "/journal.db";
      Journal::open(path)->create_run(sample_run());
      fs::permissions(path, fs::perms::all, fs::perm_options::replace);
      fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                                 fs::perms::others_exec, fs::perm_options::replace);
      const auto message = journal_error_as_unprivileged([&] {
         auto journal = Journal::open(path);
         journal->runs();
      });
      CHECK_THAT(message, Catch::Contains(path) && Catch::Contains("writable"));
   }
}

TEST_CASE("a journal from before named locks is migrated and keeps its runs", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   std::string id;
   {
      auto journal = Journal::open(path);
      id = journal->create_run(sample_run());
      journal->release_lease(id);
   }
   // Make it the schema-1 journal an older runbook wrote.
   RawDb(path).exec("DROP INDEX runs_by_runbook; DROP INDEX runs_by_operator; ALTER TABLE runs DROP COLUMN "
                    "operator_name; ALTER TABLE runs DROP COLUMN lock_name; PRAGMA user_version = 1");

   auto journal = Journal::open(path);
   CHECK(RawDb(path).integer("PRAGMA user_version") == journal_schema_version());
   const auto old_run = journal->run(id);
   REQUIRE(old_run);
   CHECK(old_run->title == "Roll out checkout v2");
   CHECK(old_run->lock_name.empty());
   CHECK(old_run->operator_name.empty());

   NewRun locked = sample_run();
   locked.lock_name = "mailsender-traffic";
   const auto new_run = journal->run(journal->create_run(locked));
   REQUIRE(new_run);
   CHECK(new_run->lock_name == "mailsender-traffic");
}

TEST_CASE("a journal written by a newer runbook is refused", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   Journal::open(path);
   RawDb(path).exec("PRAGMA user_version = 7");
   CHECK_THAT(journal_error_of([&] { Journal::open(path); }),
              Catch::Contains(path) &&
                 Catch::Contains(fmt::format("newer runbook (schema 7, this build knows {})", journal_schema_version())) &&
                 Catch::Contains("upgrade runbook"));
}

TEST_CASE("a corrupt file or a foreign database is refused", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");

   SECTION("garbage") {
      std::ofstream(path) << std::string(8192, '\x5a');
      CHECK_THAT(journal_error_of([&] { Journal::open(path); }),
                 Catch::Contains(path) && Catch::Contains("corrupt") && Catch::Contains("mv "));
   }

   SECTION("a valid header over garbage pages") {
      {
         auto journal = Journal::open(path);
         const std::string id = journal->create_run(sample_run());
         for (int i = 0; i < 50; ++i) journal->record(id, "log", "", std::string(500, 'x'), i);
      }
      std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(4096);   // keep page 1 (the header and schema root), smash the rest
      const std::string garbage(4096 * 4, '\x5a');
      file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
      file.close();
      CHECK_THAT(journal_error_of([&] {
                    auto journal = Journal::open(path);
                    for (const auto& run : journal->runs()) journal->events(run.id);
                 }),
                 Catch::Contains(path) && Catch::Contains("corrupt"));
   }

   SECTION("some other SQLite database") {
      RawDb(path).exec("CREATE TABLE invoices (id INTEGER)");
      CHECK_THAT(journal_error_of([&] { Journal::open(path); }), Catch::Contains("not a runbook journal"));
   }
}

TEST_CASE("a full disk stops the step and loses nothing already journaled", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   std::string id;
   int started = 0;
   int finished = 0;
   std::string failure;
   {
      auto journal = Journal::open(path);
      id = journal->create_run(sample_run());
      journal_testing::limit_pages(*journal, journal_testing::page_count(*journal) + 8);
      const std::string inputs = "{\"payload\":\"" + std::string(1500, 'p') + "\"}";
      try {
         for (int i = 0; i < 10'000; ++i) {
            journal->step_started(id, "step/" + std::to_string(i), "sh", "h", inputs, std::nullopt, i);
            ++started;
            journal->step_finished(id, "step/" + std::to_string(i), step_outcome::Done, "{}", i);
            ++finished;
         }
      } catch (const JournalError& error) {
         failure = error.what();
      }
      CHECK_THAT(failure, Catch::Contains("full") && Catch::Contains(path));
      REQUIRE(started > 0);
      // Still full: the next step is refused too, so it never runs.
      CHECK_THROWS_AS(journal->step_started(id, "after", "sh", "h", inputs, std::nullopt, 0), JournalError);

      // Space is freed: the same connection carries on.
      journal_testing::limit_pages(*journal, 1 << 30);
      CHECK(journal->step_started(id, "after", "sh", "h", "{}", std::nullopt, 0) == 1);
   }
   RawDb raw(path);
   CHECK(raw.text("PRAGMA integrity_check") == "ok");
   auto journal = Journal::open(path);
   const auto steps = journal->steps(id);
   REQUIRE(steps.size() == static_cast<std::size_t>(started) + 1);
   for (int i = 0; i < started; ++i) {
      CHECK(steps[static_cast<std::size_t>(i)].step_id == "step/" + std::to_string(i));
      CHECK(steps[static_cast<std::size_t>(i)].outcome == (i < finished ? step_outcome::Done : ""));
   }
   CHECK(steps.back().step_id == "after");
}

TEST_CASE("a disk that fills up in the middle of a WAL write loses nothing", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   std::string id;
   int started = 0;
   int finished = 0;
   {
      FillingDisk disk;
      auto journal = Journal::open(path);
      id = journal->create_run(sample_run());
      const std::string inputs = "{\"payload\":\"" + std::string(3000, 'p') + "\"}";
      disk.leave(200'000);
      std::string failure;
      try {
         for (int i = 0; i < 10'000; ++i) {
            journal->step_started(id, "step/" + std::to_string(i), "sh", "h", inputs, std::nullopt, i);
            ++started;
            journal->step_finished(id, "step/" + std::to_string(i), step_outcome::Done, "{}", i);
            ++finished;
         }
      } catch (const JournalError& error) {
         failure = error.what();
      }
      CHECK_THAT(failure, Catch::Contains("full") && Catch::Contains(path));
      REQUIRE(started > 0);
      disk.free_space();
      CHECK(journal->step_started(id, "after", "sh", "h", "{}", std::nullopt, 0) == 1);
   }
   CHECK(RawDb(path).text("PRAGMA integrity_check") == "ok");
   auto journal = Journal::open(path);
   const auto steps = journal->steps(id);
   REQUIRE(steps.size() == static_cast<std::size_t>(started) + 1);
   for (int i = 0; i < started; ++i) {
      CHECK(steps[static_cast<std::size_t>(i)].outcome == (i < finished ? step_outcome::Done : ""));
   }
   CHECK(steps.back().step_id == "after");
}

TEST_CASE("a journal locked past the timeout refuses the step", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   auto journal = Journal::open(path);
   const std::string id = journal->create_run(sample_run());
   journal_testing::set_busy_timeout(*journal, 100);

   RawDb other(path);
   other.exec("BEGIN IMMEDIATE");
   const auto message = journal_error_of([&] { journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0); });
   CHECK_THAT(message, Catch::Contains("locked") && Catch::Contains(path) && Catch::Contains("100 ms"));
   // Reading does not need the write lock.
   CHECK(journal->steps(id).empty());
   other.exec("ROLLBACK");
   CHECK(journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0) == 1);
}

TEST_CASE("SIGKILL at random points never loses a committed step", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   std::mt19937 random(20261126);
   INFO("seed 20261126");

   for (int round = 0; round < 8; ++round) {
      int fds[2];
      REQUIRE(pipe(fds) == 0);
      const pid_t child = fork_child([&] {
         close(fds[0]);
         auto journal = Journal::open(path);
         const std::string id = journal->create_run(sample_run("torture"));
         auto report = [&](const std::string& line) {
            const std::string text = line + "\n";
            return write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size());
         };
         if (!report("R " + id)) return 1;
         for (int i = 0;; ++i) {
            const std::string step = "step/" + std::to_string(i);
            journal->step_started(id, step, "sh", "h", R"({"cmd":"true"})", std::nullopt, i);
            if (!report("S " + std::to_string(i))) return 1;
            journal->record(id, "log", step, R"({"text":"between"})", i);
            journal->step_finished(id, step, step_outcome::Done, R"({"exit":0})", i);
            if (!report("F " + std::to_string(i))) return 1;
         }
      });
      close(fds[1]);
      FILE* reports = fdopen(fds[0], "r");
      REQUIRE(reports != nullptr);
      const int kill_after = std::uniform_int_distribution<int>(1, 60)(random);
      const int extra_delay_us = std::uniform_int_distribution<int>(0, 3000)(random);
      char line[128];
      std::string id;
      std::set<int> reported_started, reported_finished;
      auto take = [&](const std::string& text) {
         if (text.rfind("R ", 0) == 0) id = text.substr(2, text.size() - 3);
         if (text.rfind("S ", 0) == 0) reported_started.insert(std::stoi(text.substr(2)));
         if (text.rfind("F ", 0) == 0) reported_finished.insert(std::stoi(text.substr(2)));
      };
      for (int n = 0; n < kill_after && std::fgets(line, sizeof line, reports); ++n) take(line);
      usleep(static_cast<useconds_t>(extra_delay_us));
      kill(child, SIGKILL);
      CHECK(wait_child(child) == 128 + SIGKILL);
      while (std::fgets(line, sizeof line, reports)) take(line);   // what it reported before dying
      std::fclose(reports);
      REQUIRE(!id.empty());

      CHECK(RawDb(path).text("PRAGMA integrity_check") == "ok");
      auto journal = Journal::open(path);
      const auto steps = journal->steps(id);
      std::map<int, std::string> outcome_of;
      for (const auto& step : steps) outcome_of[std::stoi(step.step_id.substr(5))] = step.outcome;
      for (const int i : reported_started) CHECK(outcome_of.count(i) == 1);
      for (const int i : reported_finished) CHECK(outcome_of[i] == step_outcome::Done);
      // Committed but killed before reporting: at most the one step in flight.
      CHECK(steps.size() <= reported_started.size() + 1);
      CHECK(journal->run(id)->status == run_status::Interrupted);
   }
}

TEST_CASE("a journal path that cannot be a file is refused clearly", "[journal]")
{
   JournalDir dir;
   SECTION("a folder") {
      const std::string path = dir.file("folder.db");
      fs::create_directory(path);
      CHECK_THAT(journal_error_of([&] { Journal::open(path); }), Catch::Contains(path) && Catch::Contains("is a folder"));
   }
   SECTION("under a file") {
      const std::string file = dir.file("plain");
      std::ofstream(file) << "x";
      const std::string path = file + "/journal.db";
      CHECK_THAT(journal_error_of([&] { Journal::open(path); }),
                 Catch::Contains("cannot create the folder " + file) && Catch::Contains(path));
   }
   SECTION("empty") {
      CHECK_THAT(journal_error_of([&] { Journal::open(""); }), Catch::Contains("empty"));
   }
}
