// The SQLite journal: schema, runs, leases, the write-ahead step protocol,
// events, requests, and what happens when the disk, the file or the process
// misbehaves (read-only, full, corrupt, newer, locked, killed mid-write).
#include <catch2/catch.hpp>

#include "journal/journal.hpp"
#include "journal/lease.hpp"
#include "journal/schema.hpp"
#include "journal/sha256.hpp"
#include "journal/testing.hpp"

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
namespace fs = std::filesystem;

namespace {

/// A fresh folder for one test, removed (permissions restored first) at the end.
class JournalDir {
public:
   JournalDir()
   {
      std::string pattern = (fs::temp_directory_path() / "runbook-journal-test-XXXXXX").string();
      if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
      path_ = pattern;
   }
   ~JournalDir()
   {
      std::error_code ignored;
      for (auto it = fs::recursive_directory_iterator(path_, ignored); it != fs::recursive_directory_iterator();
           it.increment(ignored)) {
         fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
      }
      fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ignored);
      fs::remove_all(path_, ignored);
   }
   std::string file(const std::string& name) const { return (path_ / name).string(); }
   const fs::path& path() const { return path_; }

private:
   fs::path path_;
};

NewRun sample_run(const std::string& title = "Roll out checkout v2")
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

/// The message of the JournalError (or subclass E) that `action` throws.
template <class E = JournalError, class Action>
std::string error_of(Action&& action)
{
   try {
      action();
   } catch (const E& error) {
      return error.what();
   }
   FAIL("expected an exception");
   return {};
}

/// Runs `body` in a forked child and returns its exit code. The child never
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

int wait_child(pid_t pid)
{
   int status = 0;
   REQUIRE(waitpid(pid, &status, 0) == pid);
   if (WIFEXITED(status)) return WEXITSTATUS(status);
   return 128 + WTERMSIG(status);
}

/// A child that creates a run and keeps holding it until killed. Returns its
/// pid and the run id it created.
std::pair<pid_t, std::string> spawn_holder(const std::string& journal_path)
{
   int fds[2];
   REQUIRE(pipe(fds) == 0);
   const pid_t pid = fork_child([&] {
      close(fds[0]);
      auto journal = Journal::open(journal_path);
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

TEST_CASE("a new run keeps its sources, parameters, hash, clock and lease", "[journal]")
{
   JournalDir dir;
   auto journal = Journal::open(dir.file("journal.db"));
   const std::string id = journal->create_run(sample_run());
   CHECK(std::regex_match(id, std::regex(R"(r\d{8}-\d{6}-[0-9a-f]{4})")));

   const auto run = journal->run(id);
   REQUIRE(run);
   CHECK(run->id == id);
   CHECK(run->runbook_path == "rollout.rb");
   CHECK(run->status == run_status::Running);
   CHECK(run->mode == "forward");
   CHECK(run->params_json == R"({"version":"2.0","token":"<secret>"})");
   CHECK(run->source_hash.size() == 64);
   CHECK(run->time_scale == 60);
   CHECK(run->clock_origin_ms == 1'700'000'000'000);
   CHECK(run->lease_pid == getpid());
   CHECK(run->lease_host == current_process_holder().host);
   CHECK(run->heartbeat_at > 0);
   CHECK(run->started_at == Approx(wall_now_ms()).margin(60'000));
   CHECK(run->current_step.empty());

   const auto sources = journal->sources(id);
   REQUIRE(sources.size() == 2);
   CHECK(sources[0].path == "rollout.rb");
   CHECK(sources[1].path == "std/http");
   CHECK(sources[1].text == "fn get() {}\n");

   // The same sources hash alike; a changed module changes the hash.
   const std::string same = journal->create_run(sample_run());
   CHECK(journal->run(same)->source_hash == run->source_hash);
   auto changed = sample_run();
   changed.sources[1].text += " ";
   CHECK(journal->run(journal->create_run(changed))->source_hash != run->source_hash);
   CHECK_FALSE(journal->run("r00000000-000000-0000"));
}

TEST_CASE("status and mode transitions are stored and told as events", "[journal]")
{
   JournalDir dir;
   auto journal = Journal::open(dir.file("journal.db"));
   const std::string id = journal->create_run(sample_run());

   journal->enter_rollback(id, "undo_canary");
   journal->set_status(id, run_status::RolledBack, "error rate 7% > 2% for 2m");
   const auto run = journal->run(id);
   CHECK(run->mode == "rollback");
   CHECK(run->rollback_name == "undo_canary");
   CHECK(run->status == run_status::RolledBack);
   CHECK(run->detail == "error rate 7% > 2% for 2m");

   const auto events = journal->events(id);
   REQUIRE(events.size() == 3);
   CHECK(events[0].kind == "run");
   CHECK(events[1].kind == "mode");
   CHECK(events[2].kind == "run");
   CHECK(events[2].data_json.find("rolled_back") != std::string::npos);

   CHECK_THAT(error_of([&] { journal->set_status(id, "exploded"); }), Catch::Contains("unknown status"));
   CHECK_THAT(error_of([&] { journal->set_status("r-nope", run_status::Failed); }),
              Catch::Contains("no run r-nope") && Catch::Contains(journal->path()));
}

TEST_CASE("steps: attempts, in-doubt starts, deadlines and first-start order", "[journal]")
{
   JournalDir dir;
   auto journal = Journal::open(dir.file("journal.db"));
   const std::string id = journal->create_run(sample_run());

   CHECK(journal->step_started(id, "canary/deploy", "sh", "h1", R"({"cmd":"deploy"})", std::nullopt, 1000) == 1);
   journal->step_finished(id, "canary/deploy", step_outcome::Done, R"({"exit":0})", 1500);
   CHECK(journal->step_started(id, "canary/soak", "wait", "h2", "{}", 601'000.0, 1600) == 1);
   CHECK(journal->run(id)->current_step == "canary/soak");
   // The soak is interrupted; the deploy is then redone, attempt 2, left in doubt.
   journal->step_finished(id, "canary/soak", step_outcome::Interrupted, "", 2000);
   CHECK(journal->step_started(id, "canary/deploy", "sh", "h1b", R"({"cmd":"deploy"})", std::nullopt, 3000) == 2);

   const auto steps = journal->steps(id);
   REQUIRE(steps.size() == 2);
   CHECK(steps[0].step_id == "canary/deploy");   // first started first, though restarted last
   CHECK(steps[0].attempt == 2);
   CHECK(steps[0].def_hash == "h1b");
   CHECK(steps[0].outcome.empty());              // in doubt
   CHECK(steps[0].started_at == 3000);
   CHECK_FALSE(steps[0].deadline_ms);
   CHECK(steps[1].step_id == "canary/soak");
   CHECK(steps[1].kind == "wait");
   CHECK(steps[1].deadline_ms == Approx(601'000.0));
   CHECK(steps[1].outcome == step_outcome::Interrupted);
   CHECK(steps[1].finished_at == 2000);

   // Settle the in-doubt attempt; a second finish has nothing to finish.
   journal->step_finished(id, "canary/deploy", step_outcome::MarkedDone, R"({"exit":0})", 3500);
   CHECK(journal->steps(id)[0].outcome == step_outcome::MarkedDone);
   CHECK(journal->steps(id)[0].result_json == R"({"exit":0})");
   CHECK_THAT(error_of([&] { journal->step_finished(id, "canary/deploy", step_outcome::Done, "", 4000); }),
              Catch::Contains("no unfinished attempt"));
   CHECK_THAT(error_of([&] { journal->step_finished(id, "never/started", step_outcome::Done, "", 4000); }),
              Catch::Contains("never/started"));
   // Steps are per run.
   const std::string other = journal->create_run(sample_run());
   CHECK(journal->steps(other).empty());
   CHECK(journal->step_started(other, "canary/deploy", "sh", "h1", "{}", std::nullopt, 0) == 1);
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

TEST_CASE("events come back in the order they were journaled", "[journal]")
{
   JournalDir dir;
   auto journal = Journal::open(dir.file("journal.db"));
   const std::string a = journal->create_run(sample_run());
   const std::string b = journal->create_run(sample_run());
   journal->step_started(a, "s1", "http", "h", "{}", std::nullopt, 10);
   journal->record(b, "log", "", R"({"text":"other run"})", 11);
   journal->record(a, "sample", "s1", R"({"metric":"error_rate","value":0.01})", 12);
   journal->step_finished(a, "s1", step_outcome::Done, "{}", 13);
   journal->record(a, "answer", "s1", R"({"item":"dashboards green","by":"ann"})", 14);

   const auto events = journal->events(a);
   std::vector<std::string> kinds;
   for (const auto& event : events) kinds.push_back(event.kind);
   CHECK(kinds == std::vector<std::string>{"run", "step_started", "sample", "step_finished", "answer"});
   for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i].seq > events[i - 1].seq);
   CHECK(events[2].at == 12);
   CHECK(events[2].step_id == "s1");
   CHECK(events[2].wall_at > 0);
   CHECK(events[2].data_json == R"({"metric":"error_rate","value":0.01})");
   CHECK(journal->events(b).size() == 2);
   CHECK_THROWS_AS(journal->record("r-nope", "log", "", "{}", 0), JournalError);
}

TEST_CASE("requests from other terminals are taken once, in order", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   auto journal = Journal::open(path);
   const std::string id = journal->create_run(sample_run());
   CHECK(journal->take_requests(id).empty());

   auto other_terminal = Journal::open(path);
   other_terminal->post_request(id, "approve", R"({"step":"prod/go"})");
   other_terminal->post_request(id, "abort", R"({"rollback":"undo"})");
   CHECK_THROWS_WITH(other_terminal->post_request("r-nope", "abort", "{}"), Catch::Contains("no run r-nope"));

   const auto taken = journal->take_requests(id);
   REQUIRE(taken.size() == 2);
   CHECK(taken[0] == std::pair<std::string, std::string>{"approve", R"({"step":"prod/go"})"});
   CHECK(taken[1].first == "abort");
   CHECK(journal->take_requests(id).empty());
}

TEST_CASE("leases: reacquire, live holder refused, dead holder taken over", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   auto journal = Journal::open(path);

   SECTION("the holding process may take its lease again") {
      const std::string id = journal->create_run(sample_run());
      journal->acquire_lease(id);
      journal->heartbeat(id);
      for (const auto& event : journal->events(id)) CHECK(event.kind != "lease_takeover");
      journal->release_lease(id);
      CHECK(journal->run(id)->lease_pid == 0);
      journal->acquire_lease(id);
      CHECK(journal->run(id)->lease_pid == getpid());
   }

   SECTION("a live holder keeps the run; once it is gone the run is taken over") {
      const auto [holder, id] = spawn_holder(path);
      try {
         journal->acquire_lease(id);
         FAIL("acquire_lease succeeded against a live holder");
      } catch (const LeaseHeld& held) {
         CHECK(held.pid == holder);
         CHECK(held.host == current_process_holder().host);
         CHECK_THAT(std::string(held.what()),
                    Catch::Contains(id) && Catch::Contains("pid " + std::to_string(holder)) &&
                       Catch::Contains("since") && Catch::Contains("UTC"));
      }
      // A live holder's run stays running and is not resumable.
      CHECK(journal->run(id)->status == run_status::Running);
      CHECK_FALSE(journal->latest_resumable());
      CHECK_THROWS_AS(journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0), LeaseHeld);

      kill(holder, SIGKILL);
      CHECK(wait_child(holder) == 128 + SIGKILL);
      journal->acquire_lease(id);
      const auto run = journal->run(id);
      CHECK(run->lease_pid == getpid());
      const auto events = journal->events(id);
      REQUIRE_FALSE(events.empty());
      CHECK(events.back().kind == "lease_takeover");
      CHECK_THAT(events.back().data_json, Catch::Contains(std::to_string(holder)));
      CHECK(journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0) == 1);
   }

   SECTION("a holder on another host is trusted only while its heartbeat is fresh") {
      const std::string id = journal->create_run(sample_run());
      RawDb raw(path);
      raw.exec("UPDATE runs SET lease_host = 'elsewhere', lease_pid = 1, heartbeat_at = " +
               std::to_string(wall_now_ms() - 5'000) + " WHERE id = '" + id + "'");
      const auto message = error_of<LeaseHeld>([&] { journal->acquire_lease(id); });
      CHECK_THAT(message, Catch::Contains("host elsewhere"));
      // Lost our lease: the next step must not run.
      CHECK_THROWS_AS(journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0), LeaseHeld);
      CHECK_THROWS_AS(journal->heartbeat(id), LeaseHeld);

      raw.exec("UPDATE runs SET heartbeat_at = " + std::to_string(wall_now_ms() - 120'000) + " WHERE id = '" + id +
               "'");
      journal->acquire_lease(id);
      CHECK(journal->run(id)->lease_host == current_process_holder().host);
      CHECK(journal->events(id).back().kind == "lease_takeover");
   }
}

TEST_CASE("two processes racing for a dead run's lease: exactly one wins", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   for (int round = 0; round < 3; ++round) {
      std::string id;
      {
         const auto [holder, held_id] = spawn_holder(path);
         kill(holder, SIGKILL);
         wait_child(holder);
         id = held_id;
      }
      // go: both start when it closes. results: each reports won/lost.
      // release: the winner holds the run until it closes, so the loser
      // always races a live holder however slowly it is scheduled.
      int go[2], results[2], release[2];
      REQUIRE(pipe(go) == 0);
      REQUIRE(pipe(results) == 0);
      REQUIRE(pipe(release) == 0);
      std::vector<pid_t> racers;
      for (int i = 0; i < 2; ++i) {
         racers.push_back(fork_child([&] {
            close(go[1]);
            close(results[0]);
            close(release[1]);
            auto journal = Journal::open(path);
            char c;
            if (read(go[0], &c, 1) != 0) return 4;
            char result = 'w';
            try {
               journal->acquire_lease(id);
            } catch (const LeaseHeld&) {
               result = 'l';
            }
            if (write(results[1], &result, 1) != 1) return 5;
            if (result == 'l') return 1;
            while (read(release[0], &c, 1) > 0) {
            }
            return 0;
         }));
      }
      close(go[0]);
      close(results[1]);
      close(release[0]);
      close(go[1]);
      std::string outcomes;
      char c;
      while (outcomes.size() < 2 && read(results[0], &c, 1) == 1) outcomes += c;
      close(results[0]);
      close(release[1]);
      std::sort(outcomes.begin(), outcomes.end());
      CHECK(outcomes == "lw");
      std::multiset<int> codes;
      for (const pid_t racer : racers) codes.insert(wait_child(racer));
      CHECK(codes == std::multiset<int>{0, 1});
   }
}

TEST_CASE("a run whose process died is marked interrupted when anyone looks", "[journal]")
{
   JournalDir dir;
   const std::string path = dir.file("journal.db");
   auto journal = Journal::open(path);
   const std::string finished = journal->create_run(sample_run());
   journal->set_status(finished, run_status::Completed);
   journal->release_lease(finished);

   const auto [holder, id] = spawn_holder(path);
   kill(holder, SIGKILL);
   wait_child(holder);

   const auto runs = journal->runs();
   REQUIRE(runs.size() == 2);
   const auto& dead = runs[0].id == id ? runs[0] : runs[1];
   CHECK(dead.status == run_status::Interrupted);
   CHECK_THAT(dead.detail, Catch::Contains("gone") && Catch::Contains(std::to_string(holder)));
   CHECK(journal->events(id).back().kind == "run");
   CHECK_THAT(journal->events(id).back().data_json, Catch::Contains("interrupted"));

   const auto resumable = journal->latest_resumable();
   REQUIRE(resumable);
   CHECK(resumable->id == id);

   // A run left "running" with nobody holding it is interrupted as well.
   const std::string orphan = journal->create_run(sample_run());
   journal->release_lease(orphan);
   CHECK(journal->run(orphan)->status == run_status::Interrupted);
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
   RawDb(path).exec("ALTER TABLE runs DROP COLUMN lock_name; PRAGMA user_version = 1");

   auto journal = Journal::open(path);
   CHECK(RawDb(path).integer("PRAGMA user_version") == journal_schema_version());
   const auto old_run = journal->run(id);
   REQUIRE(old_run);
   CHECK(old_run->title == "Roll out checkout v2");
   CHECK(old_run->lock_name.empty());

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
   CHECK_THAT(error_of([&] { Journal::open(path); }),
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
      CHECK_THAT(error_of([&] { Journal::open(path); }),
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
      CHECK_THAT(error_of([&] {
                    auto journal = Journal::open(path);
                    for (const auto& run : journal->runs()) journal->events(run.id);
                 }),
                 Catch::Contains(path) && Catch::Contains("corrupt"));
   }

   SECTION("some other SQLite database") {
      RawDb(path).exec("CREATE TABLE invoices (id INTEGER)");
      CHECK_THAT(error_of([&] { Journal::open(path); }), Catch::Contains("not a runbook journal"));
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
   const auto message = error_of([&] { journal->step_started(id, "s", "sh", "h", "{}", std::nullopt, 0); });
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
      CHECK_THAT(error_of([&] { Journal::open(path); }), Catch::Contains(path) && Catch::Contains("is a folder"));
   }
   SECTION("under a file") {
      const std::string file = dir.file("plain");
      std::ofstream(file) << "x";
      const std::string path = file + "/journal.db";
      CHECK_THAT(error_of([&] { Journal::open(path); }),
                 Catch::Contains("cannot create the folder " + file) && Catch::Contains(path));
   }
   SECTION("empty") {
      CHECK_THAT(error_of([&] { Journal::open(""); }), Catch::Contains("empty"));
   }
}
