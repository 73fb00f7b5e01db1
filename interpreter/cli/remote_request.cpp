#include "cli/remote_request.hpp"

#include <fmt/core.h>

#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "exec/real_world.hpp"
#include "journal/journal.hpp"

namespace runbook::cli {

int post_to_running_run(const std::string& journal_path, const std::string& run_id, const char* command,
                        const std::string& kind, nlohmann::json data)
{
   auto journal = open_journal_or_report(journal_path, command);
   if (!journal) return exit_code::Invalid;
   try {
      journal->runs();   // Marks a dead run interrupted, so we can say so.
      const auto run = journal->run(run_id);
      if (!run) {
         fmt::print(stderr, "runbook {}: no run {} in {}\n", command, run_id, journal->path());
         return exit_code::Invalid;
      }
      if (run->status != run_status::Running) {
         fmt::print(stderr, "runbook {}: run {} is {}, not running; resume it first (runbook resume {})\n", command,
                    run_id, run->status, run_id);
         return exit_code::Invalid;
      }
      data["who"] = operator_identity();
      journal->post_request(run_id, kind, data.dump());
      return exit_code::Completed;
   } catch (const JournalError& e) {
      fmt::print(stderr, "runbook {}: {}\n", command, e.what());
      return exit_code::Invalid;
   }
}

}  // namespace runbook::cli
