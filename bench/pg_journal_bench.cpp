// PostgreSQL journal benchmark (bench/pg_journal.sh starts a server and runs
// it; never a timed test):
//
//   (1) a bare PostgreSQL commit loop: one INSERT per BEGIN..COMMIT on one
//       connection, the physical limit of a journaled write;
//   (2) journaled no-op steps (step_started + step_finished, two commits
//       with the fence, of which only the start waits for the disk:
//       docs/team.md) through the Journal, and their ratio to (1): the aim
//       is at least 0.5. Each write is one prepared statement (a journal
//       function, pg_schema.cpp). (1) and (2) alternate in short rounds and
//       the medians are compared: the disk's speed drifts under other load;
//   (3) 50 runs of 200 steps at once, one process each: steps/s in total
//       and the slowest run's time;
//   (4) `runbook runs` on 10,000 runs: runs(), and runs() filtered by runbook
//       and status; the aim is under 100 ms.
//
//   bench_pg_journal_bench URL [--seconds S] [--runs N]

#include "journal/journal.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point start)
{
   return std::chrono::duration<double>(Clock::now() - start).count();
}

void exec(PGconn* conn, const char* sql)
{
   PGresult* result = PQexec(conn, sql);
   const auto status = PQresultStatus(result);
   if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      std::fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(result));
      std::exit(1);
   }
   PQclear(result);
}

double bare_commits_per_s(const std::string& url, double seconds)
{
   PGconn* conn = PQconnectdb(url.c_str());
   if (PQstatus(conn) != CONNECTION_OK) {
      std::fprintf(stderr, "cannot connect: %s", PQerrorMessage(conn));
      std::exit(1);
   }
   exec(conn, "SET client_min_messages TO warning");
   exec(conn, "CREATE TABLE IF NOT EXISTS bench_bare (id bigserial PRIMARY KEY, data text NOT NULL)");
   int commits = 0;
   const auto start = Clock::now();
   while (since(start) < seconds) {
      exec(conn, "BEGIN");
      exec(conn, "INSERT INTO bench_bare (data) VALUES ('{\"outcome\":\"done\"}')");
      exec(conn, "COMMIT");
      ++commits;
   }
   const double rate = commits / since(start);
   PQfinish(conn);
   return rate;
}

runbook::NewRun bench_run(const std::string& path)
{
   runbook::NewRun run;
   run.runbook_path = path;
   run.title = "bench";
   run.sources = {{path, "runbook \"bench\" {}\n"}};
   run.params_json = "{}";
   return run;
}

/// Journaled no-op steps on one run for `seconds`, or until `limit` steps;
/// returns the count.
int journal_steps(runbook::Journal& journal, double seconds, int limit = std::numeric_limits<int>::max())
{
   const std::string id = journal.create_run(bench_run("bench.rb"));
   int steps = 0;
   const auto start = Clock::now();
   while (since(start) < seconds && steps < limit) {
      const std::string step = fmt::format("s/{}", steps);
      journal.step_started(id, step, "sh", "h", "{}", std::nullopt, steps);
      journal.step_finished(id, step, runbook::step_outcome::Done, "{}", steps);
      ++steps;
   }
   journal.set_status(id, runbook::run_status::Completed);
   journal.release_lease(id);
   return steps;
}

double median_ms(const std::function<void()>& work, int repeats = 7)
{
   std::vector<double> times;
   for (int i = 0; i < repeats; ++i) {
      const auto start = Clock::now();
      work();
      times.push_back(since(start) * 1000);
   }
   std::sort(times.begin(), times.end());
   return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv)
{
   if (argc < 2) {
      std::fprintf(stderr, "usage: bench_pg_journal_bench URL [--seconds S] [--runs N]\n");
      return 2;
   }
   const std::string url = argv[1];
   double seconds = 3;
   int many_runs = 10'000;
   for (int i = 2; i + 1 < argc; i += 2) {
      if (std::string(argv[i]) == "--seconds") seconds = std::atof(argv[i + 1]);
      if (std::string(argv[i]) == "--runs") many_runs = std::atoi(argv[i + 1]);
   }

   // Alternating rounds, so that both rates see the same disk.
   auto journal = runbook::open_journal(url);
   constexpr int rounds = 5;
   std::vector<double> bare_rates;
   std::vector<double> step_rates;
   std::vector<double> ratios;
   for (int round = 0; round < rounds; ++round) {
      bare_rates.push_back(bare_commits_per_s(url, seconds / rounds));
      step_rates.push_back(journal_steps(*journal, seconds / rounds) / (seconds / rounds));
      ratios.push_back(step_rates.back() / bare_rates.back());
   }
   const auto median = [](std::vector<double> values) {
      std::sort(values.begin(), values.end());
      return values[values.size() / 2];
   };
   fmt::print("bare PostgreSQL commits:  {:8.0f} /s  (median of {} rounds)\n", median(bare_rates), rounds);
   fmt::print("journaled steps:          {:8.0f} /s  ({:.2f} of the bare commit rate, median of the rounds' "
              "ratios; a step is 2 commits, 1 flush)\n", median(step_rates), median(ratios));

   // 50 runs at once, a process each (as 50 operators' runbooks would be),
   // each journaling the same number of steps.
   constexpr int parallel = 50;
   constexpr int steps_per_run = 200;
   std::vector<pid_t> children;
   int pipes[2];
   if (pipe(pipes) != 0) return 1;
   const auto all_start = Clock::now();
   for (int i = 0; i < parallel; ++i) {
      const pid_t pid = fork();
      if (pid == 0) {
         auto own = runbook::open_journal(url);
         const auto start = Clock::now();
         const int done = journal_steps(*own, std::numeric_limits<double>::infinity(), steps_per_run);
         const double took = done == steps_per_run ? since(start) : -1;
         if (write(pipes[1], &took, sizeof took) != sizeof took) _exit(1);
         _exit(0);
      }
      children.push_back(pid);
   }
   close(pipes[1]);
   std::vector<double> run_seconds;
   double took = 0;
   while (read(pipes[0], &took, sizeof took) == sizeof took) run_seconds.push_back(took);
   for (const pid_t pid : children) waitpid(pid, nullptr, 0);
   const double all_seconds = since(all_start);
   if (run_seconds.size() != parallel || *std::min_element(run_seconds.begin(), run_seconds.end()) < 0) {
      std::fprintf(stderr, "a run of the 50 failed\n");
      return 1;
   }
   fmt::print("50 runs at once:          {:8.0f} steps/s in total ({} steps each; slowest run {:.2f} s, median "
              "{:.2f} s)\n", parallel * steps_per_run / all_seconds, steps_per_run,
              *std::max_element(run_seconds.begin(), run_seconds.end()), median(run_seconds));

   // 10,000 runs, inserted in bulk (the Journal would take minutes).
   PGconn* conn = PQconnectdb(url.c_str());
   exec(conn, fmt::format("INSERT INTO runs (id, runbook_path, title, source_hash, params_json, status, started_at, "
                          "updated_at, time_scale, clock_origin_ms, schema_version, operator_name) "
                          "SELECT 'rbench-' || i, 'runbooks/r' || (i % 20) || '.rb', 'bench', '', '{{}}', "
                          "(ARRAY['completed','failed','rolled_back','aborted'])[1 + i % 4], i, i, 1, 0, 1, "
                          "'op' || (i % 7) FROM generate_series(1, {}) AS i", many_runs).c_str());
   exec(conn, "ANALYZE");
   PQfinish(conn);
   std::size_t listed = 0;
   const double all_ms = median_ms([&] { listed = journal->runs().size(); });
   runbook::RunFilter filter;
   filter.runbook_path = "runbooks/r3.rb";
   filter.status = "aborted";   // i % 20 == 3 and i % 4 == 3: 1 in 20 runs
   std::size_t filtered = 0;
   const double filtered_ms = median_ms([&] { filtered = journal->find_runs(filter).size(); });
   runbook::RunFilter by_operator;
   by_operator.operator_name = "op5";
   const double operator_ms = median_ms([&] { journal->find_runs(by_operator); });
   fmt::print("runs() on {} runs:     {:8.1f} ms (median of 7)\n", listed, all_ms);
   fmt::print("runs(--runbook --status): {:8.1f} ms ({} runs)\n", filtered_ms, filtered);
   fmt::print("runs(--operator):         {:8.1f} ms\n", operator_ms);
   return 0;
}
