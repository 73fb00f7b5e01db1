// Journal benchmark: how close journaled steps come to the disk's limit, and
// how fast a big run loads for resume.
//
//   (1) a bare SQLite commit loop with the journal's settings (WAL,
//       synchronous=FULL, one INSERT per BEGIN IMMEDIATE..COMMIT): the
//       physical limit, one flush per commit;
//   (2) journaled no-op steps (step_started + step_finished, two commits)
//       through Journal, and their ratio to (1): the aim is at least 0.5;
//   (3) opening the journal and loading a run with 100,000 events for resume
//       (run(), sources(), steps()): the aim is under 100 ms (median).
//
// Everything runs in a temporary folder under the current directory (not
// /tmp, which may be a RAM disk) and the file system type is printed.
//
//   bench_journal_bench [--seconds S] [--events N] [--repeats R] [--keep] [--dir DIR]
//
// --dir runs elsewhere (e.g. /dev/shm to see the CPU cost alone); --keep
// leaves the databases for inspection.

#include "journal/journal.hpp"
#include "journal/testing.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <sys/vfs.h>
#include <unistd.h>

using namespace runbook;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start)
{
   return std::chrono::duration<double>(Clock::now() - start).count();
}

/// CPU time of this process in ms: unlike wall time, it does not grow when
/// other processes compete for the cores.
double cpu_ms()
{
   timespec now{};
   clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
   return static_cast<double>(now.tv_sec) * 1000 + static_cast<double>(now.tv_nsec) / 1e6;
}

std::string load_average()
{
   double loads[3] = {};
   if (getloadavg(loads, 3) != 3) return "unknown";
   return fmt::format("{:.2f} {:.2f} {:.2f}", loads[0], loads[1], loads[2]);
}

double median(std::vector<double> values)
{
   std::sort(values.begin(), values.end());
   const auto n = values.size();
   return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string file_system_of(const fs::path& path)
{
   struct statfs info{};
   if (statfs(path.c_str(), &info) != 0) return "unknown";
   switch (static_cast<unsigned long>(info.f_type)) {
   case 0xEF53: return "ext4";
   case 0x58465342: return "xfs";
   case 0x9123683E: return "btrfs";
   case 0x01021994: return "tmpfs (RAM: flushes cost nothing, figures are not disk figures)";
   case 0x794c7630: return "overlayfs";
   case 0x2fc12fc1: return "zfs";
   default: return fmt::format("type 0x{:x}", static_cast<unsigned long>(info.f_type));
   }
}

void check(sqlite3* db, int rc, const char* what)
{
   if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
      throw std::runtime_error(fmt::format("{}: {}", what, sqlite3_errmsg(db)));
   }
}

/// (1) The bare loop: one INSERT per BEGIN IMMEDIATE..COMMIT, prepared once.
class BareLoop {
public:
   explicit BareLoop(const std::string& path)
   {
      check(db_, sqlite3_open(path.c_str(), &db_), "open");
      check(db_, sqlite3_exec(db_, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                                   "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, run TEXT, data TEXT)",
                              nullptr, nullptr, nullptr), "setup");
      prepare(begin_, "BEGIN IMMEDIATE");
      prepare(insert_, "INSERT INTO t (run, data) VALUES ('r20261126-144512-3f9a', '{\"exit\":0}')");
      prepare(commit_, "COMMIT");
   }
   ~BareLoop()
   {
      for (sqlite3_stmt* stmt : {begin_, insert_, commit_}) sqlite3_finalize(stmt);
      sqlite3_close(db_);
   }
   void commit_once()
   {
      for (sqlite3_stmt* stmt : {begin_, insert_, commit_}) {
         check(db_, sqlite3_step(stmt), "step");
         sqlite3_reset(stmt);
      }
   }

private:
   void prepare(sqlite3_stmt*& stmt, const char* sql)
   {
      check(db_, sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr), "prepare");
   }
   sqlite3* db_ = nullptr;
   sqlite3_stmt* begin_ = nullptr;
   sqlite3_stmt* insert_ = nullptr;
   sqlite3_stmt* commit_ = nullptr;
};

NewRun bench_run()
{
   NewRun run;
   run.runbook_path = "bench.rb";
   run.title = "journal benchmark";
   // About the size of the shipped rollout and two modules.
   run.sources = {{"bench.rb", std::string(12'000, 'r')}, {"std/http", std::string(4'000, 'h')},
                  {"std/k8s", std::string(4'000, 'k')}};
   run.params_json = R"({"version":"2.0"})";
   return run;
}

}  // namespace

int main(int argc, char** argv)
{
   double seconds = 2;
   long events = 100'000;
   int repeats = 3;
   bool keep = false;
   fs::path parent = fs::current_path();
   const auto usage = [&] {
      std::fprintf(stderr, "usage: %s [--seconds S] [--events N] [--repeats R] [--keep] [--dir DIR]\n", argv[0]);
      return 2;
   };
   for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      if (flag == "--keep") {
         keep = true;
         continue;
      }
      if (i + 1 >= argc) return usage();
      const char* value = argv[++i];
      if (flag == "--seconds") seconds = std::atof(value);
      else if (flag == "--events") events = std::atol(value);
      else if (flag == "--repeats") repeats = std::atoi(value);
      else if (flag == "--dir") parent = value;
      else return usage();
   }
   if (seconds <= 0 || events < 1 || repeats < 1) return usage();

   std::string pattern = (parent / "journal-bench-XXXXXX").string();
   if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
   }
   const fs::path dir = pattern;
   int exit_code = 0;
   try {
      fmt::print("journal benchmark in {} ({}), SQLite {}, {} cores, load average {}\n", dir.string(),
                 file_system_of(dir), sqlite3_libversion(), std::thread::hardware_concurrency(), load_average());
      fmt::print("settings: WAL, synchronous=FULL, BEGIN IMMEDIATE per write; (1) and (2) interleaved for {:.1f} s\n\n",
                 seconds * repeats);

      // (1) and (2) interleave one commit with one step, so both see the same
      // disk weather: on a shared disk the flush time swings tenfold within
      // seconds, and separate timed rounds would compare different disks.
      BareLoop bare((dir / "bare.db").string());
      auto journal = Journal::open((dir / "steps.db").string());
      const std::string run_id = journal->create_run(bench_run());
      std::vector<double> bare_ms, step_ms;
      const auto bare_commit = [&] {
         const auto t0 = Clock::now();
         bare.commit_once();
         bare_ms.push_back(seconds_since(t0) * 1000);
      };
      const auto journaled_step = [&](long i) {
         const std::string step = fmt::format("phase/step[{}]", i);
         const auto t0 = Clock::now();
         journal->step_started(run_id, step, "sh", "0123456789abcdef", R"({"cmd":"true"})", std::nullopt, 0);
         journal->step_finished(run_id, step, step_outcome::Done, R"({"exit":0})", 0);
         step_ms.push_back(seconds_since(t0) * 1000);
      };
      // Warm up to the steady state first: until the bare loop's WAL has
      // wrapped (SQLite checkpoints at 1000 pages and then rewrites the WAL
      // from its start). Before that every bare commit appends to the WAL and
      // grows the file, and a flush that must also record a new file size
      // costs more: measured cold, the bare loop looks slower than it is.
      long step_index = 0;
      const auto warm_up_start = Clock::now();
      while (bare_ms.size() < 1100 && seconds_since(warm_up_start) < 60) {
         bare_commit();
         journaled_step(step_index++);
      }
      fmt::print("warm-up: {} commits and steps in {:.1f} s (until the WAL files wrap)\n", bare_ms.size(),
                 seconds_since(warm_up_start));
      bare_ms.clear();
      step_ms.clear();
      const auto start = Clock::now();
      for (long i = step_index; seconds_since(start) < seconds * repeats; ++i) {
         // Alternate which goes first, so neither always follows the other's flush.
         if (i % 2 == 0) {
            bare_commit();
            journaled_step(i);
         } else {
            journaled_step(i);
            bare_commit();
         }
      }
      double bare_total = 0, step_total = 0;
      for (const double ms : bare_ms) bare_total += ms;
      for (const double ms : step_ms) step_total += ms;
      const double bare_rate = 1000 * static_cast<double>(bare_ms.size()) / bare_total;
      const double step_rate = 1000 * static_cast<double>(step_ms.size()) / step_total;
      fmt::print("(1) bare SQLite commit loop     {:>9.0f} commits/s   {:.3f} ms per commit (median {:.3f})\n",
                 bare_rate, bare_total / static_cast<double>(bare_ms.size()), median(bare_ms));
      fmt::print("(2) journaled no-op steps       {:>9.0f} steps/s     {:.3f} ms per step (median {:.3f}; "
                 "2 commits)\n", step_rate, step_total / static_cast<double>(step_ms.size()), median(step_ms));
      fmt::print("    ratio steps/s : commits/s   {:>9.2f}            (aim >= 0.50; 0.50 is two flushes a step; "
                 "ratio of medians {:.2f})\n\n", step_rate / bare_rate, median(bare_ms) / median(step_ms));
      // Machine-readable lines for bench/report.py.
      fmt::print("RESULT bare_commits_per_s {:.2f}\nRESULT bare_ms_per_commit {:.4f}\nRESULT steps_per_s {:.2f}\n",
                 bare_rate, bare_total / static_cast<double>(bare_ms.size()), step_rate);
      journal.reset();

      // (3) a run with `events` events: a created event, then start+finish pairs.
      const std::string resume_path = (dir / "resume.db").string();
      std::string big_run;
      {
         auto writer = Journal::open(resume_path);
         // Filled through the Journal API, without flushes so it takes seconds,
         // not minutes: the rows and pages are the same as a real run's.
         journal_testing::set_flushes(*writer, false);
         big_run = writer->create_run(bench_run());
         const auto start = Clock::now();
         for (long i = 0; 2 * i + 1 < events; ++i) {
            const std::string step = fmt::format("phase{}/step[{}]", i % 7, i);
            writer->step_started(big_run, step, "http", "0123456789abcdef0123456789abcdef",
                                 R"({"url":"https://example.invalid/health","method":"GET"})", std::nullopt,
                                 static_cast<double>(i));
            writer->step_finished(big_run, step, step_outcome::Done, R"({"status":200,"body":{"ok":true}})",
                                  static_cast<double>(i));
         }
         const auto written = writer->events(big_run).size();
         fmt::print("    wrote {} events in {:.1f} s\n", written, seconds_since(start));
         writer->release_lease(big_run);
      }
      std::vector<double> loads, load_cpu, opens, steps_times;
      std::size_t steps_loaded = 0;
      for (int round = 0; round < std::max(7, repeats); ++round) {
         const auto start = Clock::now();
         const double cpu_start = cpu_ms();
         auto reader = Journal::open(resume_path);
         opens.push_back(seconds_since(start) * 1000);
         const auto run = reader->run(big_run);
         const auto sources = reader->sources(big_run);
         const auto steps_start = Clock::now();
         const auto steps = reader->steps(big_run);
         steps_times.push_back(seconds_since(steps_start) * 1000);
         loads.push_back(seconds_since(start) * 1000);
         load_cpu.push_back(cpu_ms() - cpu_start);
         steps_loaded = steps.size();
         if (!run || sources.size() != 3) throw std::runtime_error("resume load returned the wrong run");
      }
      fmt::print("(3) resume load, {} events   {:>9.1f} ms median of {} (open + run + sources + steps)   "
                 "(aim < 100 ms)\n", events, median(loads), loads.size());
      fmt::print("    of which open {:.1f} ms, steps() {:.1f} ms for {} steps; CPU time {:.1f} ms (median)\n",
                 median(opens), median(steps_times), steps_loaded, median(load_cpu));
      fmt::print("RESULT resume_ms {:.2f}\nRESULT resume_cpu_ms {:.2f}\n", median(loads), median(load_cpu));
      {
         auto reader = Journal::open(resume_path);
         const auto start = Clock::now();
         const auto all = reader->events(big_run);
         fmt::print("    events() of the same run     {:>9.1f} ms for {} events (the audit log, not resume)\n",
                    seconds_since(start) * 1000, all.size());
      }
   } catch (const std::exception& error) {
      std::fprintf(stderr, "bench_journal: %s\n", error.what());
      exit_code = 1;
   }
   std::error_code ignored;
   if (keep) fmt::print("kept {}\n", dir.string());
   else fs::remove_all(dir, ignored);
   return exit_code;
}
