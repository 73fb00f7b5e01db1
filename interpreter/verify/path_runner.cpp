#include "verify/path_runner.hpp"
#include "io/human_units.hpp"

#include <atomic>
#include <filesystem>
#include <thread>

#include <fmt/core.h>

#include "simulate/scenario_parser.hpp"
#include "check/front_end.hpp"
#include "simulate/simulation.hpp"

namespace runbook::verify {

namespace {

bool sets_param(const std::string& line, const PathSetup& setup)
{
   for (const auto& [name, value] : setup.params)
      if (line.rfind("param " + name + " ", 0) == 0 || line.rfind("param " + name + "=", 0) == 0) return true;
   return false;
}

}  // namespace

std::string scenario_text(const PathSetup& setup, const Fault& fault, const std::string& runbook_ref)
{
   std::string text;
   text += "scenario " + quoted(fault.cls.empty() ? "verify: the healthy run" : "verify: " + fault.cls + " at " + fault.where) + "\n";
   text += "runbook " + quoted(runbook_ref) + "\n";
   if (!fault.what.empty()) text += "# fault: " + fault.what + "\n";
   for (const auto& [name, value] : setup.params) text += "param " + name + " = " + quoted(value) + "\n";
   text += "limit " + format_elapsed(setup.limit_ms) + "\n";
   for (const auto& line : fault.answers) text += line + "\n";
   text += "# the healthy world\n";
   for (const auto& line : setup.base.lines)
      if (!sets_param(line, setup)) text += line + "\n";
   if (!fault.rules.empty()) text += "# the fault\n";
   for (const auto& line : fault.rules) text += line + "\n";
   return text;
}

std::unique_ptr<CheckedProgram> load_for_paths(const PathSetup& setup)
{
   SourceRequest request;
   request.path = std::filesystem::absolute(setup.runbook_path).lexically_normal().string();
   request.stdlib_dirs = setup.stdlib_dirs;
   for (const auto& [name, value] : setup.params) request.base_params.push_back(name + "=" + value);
   request.check.require_param_values = true;
   return std::make_unique<CheckedProgram>(load_and_check(request));
}

PathResult run_path(const PathSetup& setup, const Fault& fault)
{
   PathResult path;
   path.fault = fault;
   const std::string absolute = std::filesystem::absolute(setup.runbook_path).lexically_normal().string();
   path.scenario = scenario_text(setup, fault, absolute);
   Diagnostics diags;
   const sim::Scenario scenario = sim::parse_scenario("verify.scenario", path.scenario, diags);
   if (!diags.has_errors()) {
      sim::SimulationOptions options;
      options.runbook_path = absolute;
      options.stdlib_dirs = setup.stdlib_dirs;
      options.checked = setup.checked;
      try {
         path.result = sim::simulate(scenario, options, diags);
      } catch (const std::exception& e) {
         path.error = e.what();
      }
   }
   if (!path.result && path.error.empty()) path.error = render_text(diags);
   return path;
}

std::vector<PathResult> run_paths(const PathSetup& setup, const std::vector<Fault>& faults, int jobs)
{
   std::vector<PathResult> results(faults.size());
   std::atomic<std::size_t> next{0};
   auto worker = [&]() {
      for (std::size_t i = next++; i < faults.size(); i = next++) results[i] = run_path(setup, faults[i]);
   };
   const int threads = std::max(1, std::min<int>(jobs, static_cast<int>(faults.size())));
   std::vector<std::thread> pool;
   for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
   worker();
   for (auto& t : pool) t.join();
   return results;
}

}  // namespace runbook::verify
