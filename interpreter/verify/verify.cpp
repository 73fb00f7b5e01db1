#include "verify/verify.hpp"

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/core.h>

#include "check/front_end.hpp"
#include "journal/journal.hpp"

namespace runbook::verify {

namespace {

/// How long past the healthy run's end a path may go on before it is said to
/// wait for ever, beyond the question timeouts its faults may add (limit_for).
constexpr double patience_ms = 6 * 3600 * 1000.0;

/// The scenario limit of every faulted path: the healthy run's length, the
/// patience, and for each fault a path holds (--depth) the longest question
/// timeout, since a question nobody answers ends only when its timeout does.
double limit_for(const PathResult& healthy, const RunbookFacts& facts, int depth)
{
   const double healthy_ms = healthy.result->end_ms - healthy.result->start_ms;
   return healthy_ms + patience_ms + depth * facts.longest_question_timeout_ms;
}

/// Loads and checks the runbook as `simulate` will, for the facts verify
/// reasons with. The runbook's diagnostics (a warning of the checker) point
/// into its source text, which the Program owns: the last one loaded on this
/// thread is kept until the next call, so the caller can render them.
const CheckedProgram* load_checked(const VerifyOptions& options, Diagnostics& diags, std::string& error_out)
{
   thread_local std::unique_ptr<CheckedProgram> kept;
   SourceRequest request;
   request.path = options.runbook_path;
   request.stdlib_dirs = options.stdlib_dirs;
   request.params_file = options.params_file;
   request.params = options.params;
   request.check.require_param_values = true;
   kept = std::make_unique<CheckedProgram>(load_and_check(request));
   diags.append(kept->diags);
   if (!kept->checked && diags.has_errors()) return nullptr;   // it did not parse
   if (!kept->usage_error.empty()) {
      error_out = kept->usage_error;
      return nullptr;
   }
   if (diags.has_errors()) return nullptr;
   return kept.get();
}

/// The param flags every path runs with (the --params profile's, then -p), as name and value.
std::vector<std::pair<std::string, std::string>> split_params(const std::vector<std::string>& flags)
{
   std::vector<std::pair<std::string, std::string>> params;
   for (const auto& flag : flags) params.push_back(split_param_flag(flag));
   return params;
}

bool asked_in_doubt(const sim::SimulationResult& result)
{
   for (const auto& q : result.questions)
      if (q.kind == "in-doubt") return true;
   return false;
}

/// Judges the paths, tallies them by class and keeps the unsafe ones.
/// Returns the paths that count (an in-doubt choice never asked repeats another path).
std::vector<const PathVerdict*> judge(const RunbookFacts& facts, bool traffic, std::vector<PathResult> paths, VerifyReport& report,
                                      std::vector<PathVerdict>& kept)
{
   kept.clear();
   kept.reserve(paths.size());
   for (auto& path : paths) {
      PathVerdict verdict;
      if (path.result && !path.fault.in_doubt_choice.empty() && path.fault.in_doubt_choice != "redo" && !asked_in_doubt(*path.result))
         continue;
      if (path.result) verdict.broken = check_properties(facts, path.fault, *path.result, traffic);
      else verdict.broken.push_back({"the path runs", path.error});
      verdict.path = std::move(path);
      kept.push_back(std::move(verdict));
   }
   std::vector<const PathVerdict*> counted;
   for (const auto& verdict : kept) {
      auto it = std::find_if(report.classes.begin(), report.classes.end(),
                             [&](const ClassTally& t) { return t.cls == verdict.path.fault.cls; });
      if (it == report.classes.end()) it = report.classes.insert(report.classes.end(), ClassTally{verdict.path.fault.cls, 0, 0});
      ++it->explored;
      if (verdict.broken.empty()) ++it->safe;
      else report.unsafe.push_back(verdict);
      ++report.paths;
      counted.push_back(&verdict);
   }
   return counted;
}

}  // namespace

std::optional<VerifyReport> verify(const VerifyOptions& options, Diagnostics& diags, std::string& error)
{
   const auto started = std::chrono::steady_clock::now();
   const CheckedProgram* checked = load_checked(options, diags, error);
   if (!checked) return std::nullopt;
   const RunbookFacts facts = read_facts(checked->program);

   VerifyReport report;
   report.runbook_path = options.runbook_path;
   report.depth = options.depth;
   report.jobs = options.jobs;

   PathSetup setup;
   setup.runbook_path = options.runbook_path;
   setup.params = split_params(checked->param_flags);
   setup.stdlib_dirs = options.stdlib_dirs;
   if (!options.scenario_path.empty()) {
      std::ifstream in(options.scenario_path);
      if (!in) {
         error = "cannot read the base scenario " + options.scenario_path;
         return std::nullopt;
      }
      std::stringstream text;
      text << in.rdbuf();
      setup.base = base_from_scenario(text.str(), options.scenario_path);
   } else {
      setup.base = derive_healthy_world(facts);
   }
   report.base = setup.base;

   // One program for every path (the checker's work is not repeated per path).
   const std::unique_ptr<CheckedProgram> shared = load_for_paths(setup);
   if (shared->ok()) setup.checked = shared.get();

   // The healthy run: the trace every fault is injected into.
   setup.limit_ms = 7 * 24 * 3600 * 1000.0;
   PathResult healthy = run_path(setup, Fault{});
   if (!healthy.result) {
      // The base world itself does not run: the runbook or the base scenario is at fault.
      error = "the healthy run could not be simulated:\n" + healthy.error;
      return std::nullopt;
   }
   const bool traffic = moves_traffic(*healthy.result);
   report.healthy.broken = check_properties(facts, Fault{}, *healthy.result, traffic);
   setup.limit_ms = limit_for(healthy, facts, options.depth);
   report.limit_ms = setup.limit_ms;
   report.healthy.path = std::move(healthy);
   ++report.paths;
   if (!report.healthy.broken.empty()) {
      report.notes.push_back("the healthy run itself is unsafe: no fault was injected");
      report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      return report;
   }

   const auto faults = single_faults(facts, *report.healthy.path.result, report.notes);
   std::vector<PathVerdict> first_paths;
   const auto counted = judge(facts, traffic, run_paths(setup, faults, options.jobs), report, first_paths);

   if (options.depth >= 2) {
      // A second fault in each rollback a first fault started. The rollback's
      // own failures hardly depend on which first fault of a class led there,
      // so each (rollback, first-fault class) is explored once, after the
      // first path that reached it.
      std::vector<Fault> seconds;
      std::map<std::string, bool> explored;
      for (const PathVerdict* first : counted) {
         const auto& r = first->path.result;
         if (!r || r->rollback_name.empty()) continue;
         if (!explored.emplace(r->rollback_name + "\n" + first->path.fault.cls, true).second) continue;
         const auto more = second_faults(facts, first->path.fault, *r);
         seconds.insert(seconds.end(), more.begin(), more.end());
      }
      std::vector<PathVerdict> second_paths;
      judge(facts, traffic, run_paths(setup, seconds, options.jobs), report, second_paths);
   }
   report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
   return report;
}

}  // namespace runbook::verify
