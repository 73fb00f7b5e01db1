// Parse+check throughput on a large generated runbook, and the time to load
// and check the shipped runbooks.
//
//   build/bench/bench_parse_check [SIZE_MB] [RUNBOOKS_DIR]
//
// Prints MB/s for parse alone and parse+check (best of 5 runs; freeing the
// AST afterwards is timed apart), then the
// per-file load+check time of every runbooks/*.rb (best of 20 runs). The aim
// in issue 2: at least 20 MB/s, and under 10 ms for `runbook check` on the
// shipped runbooks.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "check/checker.hpp"
#include "syntax/loader.hpp"
#include "syntax/parser.hpp"

using namespace runbook;
using Clock = std::chrono::steady_clock;

namespace {

/// A realistic runbook: the declarations of the shipped rollout, then phases
/// full of the steps operators write, repeated until `target_bytes`.
std::string generate_runbook(std::size_t target_bytes)
{
   std::string text = R"(runbook "Generated benchmark rollout"
param api = "https://api.example.com"
param lb = "https://lb.example.com"
param soak: duration = 30m
param steps: list = [1, 5, 10, 25, 50]
secret lb_token = env("LB_TOKEN")
metric error_rate = http get "${api}/metrics/error-rate" json ".value" unit %
metric api_p99 = http get "${api}/metrics/p99" json ".data.p99[0]" unit ms
metric cpu = prometheus "${api}" query 'avg(rate(process_cpu_seconds_total[1m])) * 100' unit %
trigger high_errors "High error rate" when error_rate > 1% for 5m severity P0 -> rollback emergency
trigger slow "Slow responses" when api_p99 > 500ms for 5m severity P1 grace 15m -> rollback emergency
warning busy when cpu > 80% for 15m -> notify "CPU above 80%"
fn route(target, pct) {
  http post "${lb}/api/traffic" header "Authorization" = "Bearer ${lb_token}"
       body {"environment": target, "percentage": pct} expect status 200, json ".ok" == true
}
rollback emergency {
  route("blue", 100)
  await http get "${api}/health" json ".environment" == "blue" timeout 2m every 5s
  notify "rolled back"
}
)";
   for (int phase = 1; text.size() < target_bytes; ++phase) {
      text += fmt::format(R"(
# Phase {0}: canary steps, checks and a checklist.
phase "Canary wave {0}" arms all {{
  checklist "Before wave {0}" {{
    - "Green environment provisioned and healthy"
    - "Dashboards open: error rate, latency, CPU"
  }}
  sh "npm run verify:green -- --wave {0}" timeout 10m retry 2 every 30s
  for pct in steps {{
    route("green", pct)
    log "wave {0}: ${{pct}}% of traffic on green"
    watch (pct >= 25 ? 1h : soak) every 30s {{
      error_rate < 0.1% for 2m
      api_p99 < 100ms for 2m after 3 failures
    }}
  }}
  if error_rate > 0.05% {{
    notify "wave {0} finished with elevated errors"
  }} else {{
    log "wave {0} clean"
  }}
  approve "Continue after wave {0}?"
}}
)",
                          phase);
   }
   return text;
}

template <class F>
double best_seconds(int runs, F&& body)
{
   double best = 1e9;
   for (int i = 0; i < runs; ++i) {
      const auto start = Clock::now();
      body();
      best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
   }
   return best;
}

}  // namespace

int main(int argc, char** argv)
{
   const double size_mb = argc > 1 ? std::atof(argv[1]) : 8.0;
   const std::filesystem::path runbooks_dir =
       argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::path(RUNBOOK_SOURCE_STDLIB).parent_path() / "runbooks";

   const std::string text = generate_runbook(static_cast<std::size_t>(size_mb * 1024 * 1024));
   const double mb = static_cast<double>(text.size()) / (1024.0 * 1024.0);
   std::size_t steps_errors = 0;

   // Each round parses and checks a fresh copy of the text; the clock covers
   // parse and check, not copying the text in nor tearing the AST down
   // (freeing millions of nodes is the allocator's work, timed on its own:
   // a process that exits after checking need not do it at all).
   double parse_s = 1e9, check_s = 1e9, teardown_s = 1e9;
   for (int round = 0; round < 5; ++round) {
      auto program = std::make_unique<Program>();
      program->sources.push_back(SourceFile{"generated.rb", text});
      Diagnostics diags;
      const auto start = Clock::now();
      program->root = parse_file(program->sources.back(), diags);
      const auto parsed = Clock::now();
      check_program(*program, diags);
      const auto checked = Clock::now();
      program.reset();
      const auto freed = Clock::now();
      steps_errors += diags.error_count();
      parse_s = std::min(parse_s, std::chrono::duration<double>(parsed - start).count());
      check_s = std::min(check_s, std::chrono::duration<double>(checked - start).count());
      teardown_s = std::min(teardown_s, std::chrono::duration<double>(freed - checked).count());
   }
   fmt::print("generated runbook: {:.1f} MB, best of 5\n", mb);
   fmt::print("  parse:         {:7.1f} ms  {:6.1f} MB/s\n", parse_s * 1000, mb / parse_s);
   fmt::print("  parse + check: {:7.1f} ms  {:6.1f} MB/s\n", check_s * 1000, mb / check_s);
   fmt::print("  (then freeing the AST: {:.1f} ms)\n", teardown_s * 1000);
   if (steps_errors != 0) {
      // A runbook with errors stops the checker early: its MB/s would flatter.
      fmt::print(stderr, "the generated runbook had {} errors: the figures measure nothing\n", steps_errors);
      return 1;
   }
   // Machine-readable lines for bench/report.py.
   fmt::print("RESULT parse_mb_s {:.2f}\nRESULT parse_check_mb_s {:.2f}\nRESULT teardown_ms {:.2f}\n", mb / parse_s,
              mb / check_s, teardown_s * 1000);

   std::vector<std::filesystem::path> files;
   if (std::filesystem::is_directory(runbooks_dir))
      for (const auto& entry : std::filesystem::directory_iterator(runbooks_dir))
         if (entry.path().extension() == ".rb") files.push_back(entry.path());
   std::sort(files.begin(), files.end());
   if (files.empty()) {
      fmt::print("no runbooks in {}\n", runbooks_dir.string());
      return 0;
   }
   fmt::print("shipped runbooks ({}), load + check, best of 20:\n", runbooks_dir.string());
   double total = 0;
   for (const auto& path : files) {
      std::size_t errors = 0;
      const double seconds = best_seconds(20, [&] {
         FileSystemSources sources;
         LoadOptions options;
         options.search_path = default_search_path();
         Diagnostics diags;
         Program program = load_program(path.string(), sources, options, diags);
         check_program(program, diags);
         errors = diags.error_count();
      });
      total += seconds;
      fmt::print("  {:28} {:6.2f} ms{}\n", path.filename().string(), seconds * 1000,
                 errors ? fmt::format("  ({} errors)", errors) : "");
   }
   fmt::print("  {:28} {:6.2f} ms\n", "all", total * 1000);
   return 0;
}
