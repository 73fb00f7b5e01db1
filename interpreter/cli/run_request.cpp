#include "cli/run_request.hpp"

#include <fmt/core.h>

#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "exec/real_world.hpp"

namespace runbook::cli {

std::string resume_first(const std::string& run_id)
{
   return fmt::format("; resume it first (runbook resume {})", run_id);
}

int post_run_request(const std::string& journal_path, const std::string& run_id, RunRequest request)
{
   auto journal = open_journal_or_report(journal_path, request.command);
   if (!journal) return exit_code::Invalid;
   try {
      journal->runs();   // Marks a dead run interrupted, so we can say so.
      const auto run = journal->run(run_id);
      if (!run) {
         fmt::print(stderr, "runbook {}: no run {} in {}\n", request.command, run_id, journal->path());
         return exit_code::Invalid;
      }
      if (request.before) {
         if (const auto settled = request.before(*journal, *run)) return *settled;
      }
      if (run->status != run_status::Running) {
         fmt::print(stderr, "runbook {}: run {} is {}, not running{}\n", request.command, run_id, run->status,
                    request.not_running_note);
         return exit_code::Invalid;
      }
      request.data["who"] = operator_identity();
      journal->post_request(run_id, request.kind, request.data.dump());
      return exit_code::Completed;
   } catch (const JournalError& e) {
      fmt::print(stderr, "runbook {}: {}\n", request.command, e.what());
      return exit_code::Invalid;
   }
}

}  // namespace runbook::cli
