// One real `runbook run` for an end-to-end test: the shipped sandbox profile
// turned into -p flags (by scripts/profile-params.sh, the one place that reads
// profiles), the run started as a child process, waited for with a bound, and
// its journal's events read back.
//
//   auto flags = runbook::testing::profile_flags(sandbox.url(), "runbooks/rollout.rb");
//   RunbookRun run(dir, "runbooks/rollout.rb", flags, {"--time-scale", "60", "--yes"});
//   run.wait(std::chrono::seconds(60));
#pragma once

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "journal/journal.hpp"
#include "temp_dir.hpp"

namespace runbook::testing {

/// A file of the source tree (runbooks/rollout.rb) as an absolute path.
inline std::string source_path(const std::string& relative)
{
   return (std::filesystem::path(RUNBOOK_SOURCE_DIR) / relative).string();
}

/// The `-p name=value` flags of runbooks/profiles/sandbox.params for the params
/// `runbook_file` declares, with every sandbox URL pointing at `sandbox_url`.
inline std::vector<std::string> profile_flags(const TempDir& dir, const std::string& sandbox_url, const std::string& runbook_file)
{
   std::ifstream in(source_path("runbooks/profiles/sandbox.params"));
   std::stringstream text;
   text << in.rdbuf();
   std::string profile = text.str();
   static const std::string default_url = "http://127.0.0.1:8765";
   for (auto at = profile.find(default_url); at != std::string::npos; at = profile.find(default_url, at + sandbox_url.size()))
      profile.replace(at, default_url.size(), sandbox_url);
   const auto profile_file = dir / "sandbox.params";
   std::ofstream(profile_file) << profile;

   const std::string command = "bash '" + source_path("scripts/profile-params.sh") + "' '" + profile_file.string() + "' '" + runbook_file + "'";
   std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
   if (!pipe) throw std::runtime_error("cannot run " + command);
   std::vector<std::string> flags;
   std::string line;
   for (int c; (c = std::fgetc(pipe.get())) != EOF;) {
      if (c != '\n') {
         line += static_cast<char>(c);
         continue;
      }
      flags.push_back(line);
      line.clear();
   }
   if (flags.empty()) throw std::runtime_error("profile-params.sh printed no flags for " + runbook_file);
   return flags;
}

/// Replaces the value of `-p name=...` in `flags` (or adds it).
inline void set_param(std::vector<std::string>& flags, const std::string& name, const std::string& value)
{
   for (auto& flag : flags)
      if (flag.rfind(name + "=", 0) == 0) {
         flag = name + "=" + value;
         return;
      }
   flags.insert(flags.end(), {"-p", name + "=" + value});
}

class RunbookRun {
public:
   RunbookRun(const TempDir& dir, const std::string& runbook_file, const std::vector<std::string>& params,
              const std::vector<std::string>& options)
      : journal_path_((dir / "journal.db").string())
   {
      std::vector<std::string> argv = {RUNBOOK_BINARY, "run", runbook_file, "--journal", journal_path_};
      argv.insert(argv.end(), params.begin(), params.end());
      argv.insert(argv.end(), options.begin(), options.end());
      process_ = std::make_unique<ChildProcess>(argv, dir / "run.log");
   }

   bool running() { return process_->running(); }

   /// Waits for the run to end (stopping it after `limit`); returns its exit code, -1 if killed.
   int wait(std::chrono::milliseconds limit)
   {
      const auto deadline = std::chrono::steady_clock::now() + limit;
      while (process_->running() && std::chrono::steady_clock::now() < deadline)
         std::this_thread::sleep_for(std::chrono::milliseconds(20));
      process_->stop();
      const auto status = process_->exit_status();
      return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
   }
   void stop() { process_->stop(); }

   std::string output() const { return process_->output(); }

   /// Every event the run journaled (the only run in this journal).
   std::vector<JournalEvent> events() const
   {
      auto journal = Journal::open(journal_path_);
      const auto runs = journal->runs();
      if (runs.empty()) return {};
      return journal->events(runs.front().id);
   }

private:
   std::string journal_path_;
   std::unique_ptr<ChildProcess> process_;
};

}  // namespace runbook::testing
