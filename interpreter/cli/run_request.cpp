#include "cli/run_request.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "exec/real_world.hpp"

namespace runbook::cli {

int post_run_request(const std::string& journal_path, const std::string& run_id, const char* kind, nlohmann::json data,
                     const char* not_running_note)
{
   return post_run_request(journal_path, run_id, kind, std::move(data), not_running_note, nullptr);
}

int post_run_request(const std::string& journal_path, const std::string& run_id, const char* kind, nlohmann::json data,
                     const char* not_running_note, const BeforeRequest& before)
{
   auto journal = open_journal_or_report(journal_path, kind);
   if (!journal) return exit_code::Invalid;
   try {
      journal->runs();   // Marks a dead run interrupted, so we can say so.
      const auto run = journal->run(run_id);
      if (!run) {
         fmt::print(stderr, "runbook {}: no run {} in {}\n", kind, run_id, journal->path());
         return exit_code::Invalid;
      }
      if (before) {
         if (const auto settled = before(*journal, *run)) return *settled;
      }
      if (run->status != run_status::Running) {
         fmt::print(stderr, "runbook {}: run {} is {}, not running{}\n", kind, run_id, run->status, not_running_note);
         return exit_code::Invalid;
      }
      data["who"] = operator_identity();
      journal->post_request(run_id, kind, data.dump());
      return exit_code::Completed;
   } catch (const JournalError& e) {
      fmt::print(stderr, "runbook {}: {}\n", kind, e.what());
      return exit_code::Invalid;
   }
}

}  // namespace runbook::cli
