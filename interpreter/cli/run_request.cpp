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

RunRequest approve_request(const std::string& step, const std::string& answer)
{
   nlohmann::json data{{"step", step}};
   if (!answer.empty()) data["answer"] = answer;
   return {"approve", "approve", data, "; nothing is waiting for an approval", nullptr};
}

RunRequest abort_request(const std::string& rollback, bool stop_rollback, BeforeRequest before)
{
   return {"abort", "abort", {{"rollback", rollback}, {"stop_rollback", stop_rollback}}, "", std::move(before)};
}

RunRequest fire_request(const std::string& run_id, const std::string& trigger)
{
   return {"fire", "fire", {{"trigger", trigger}}, resume_first(run_id), nullptr};
}

RunRequest signal_request(const std::string& run_id, const std::string& signal, const char* command)
{
   return {command, "signal", {{"signal", signal}}, resume_first(run_id), nullptr};
}

RequestResult send_run_request(Journal& journal, const std::string& run_id, RunRequest request, const std::string& who)
{
   try {
      const auto run = journal.run(run_id);   // A dead run is marked interrupted, so we can say so.
      if (!run) return {exit_code::Invalid, fmt::format("no run {} in {}", run_id, journal.path())};
      if (request.before) {
         if (const auto settled = request.before(journal, *run)) return {*settled, ""};
      }
      if (run->status != run_status::Running)
         return {exit_code::Invalid,
                 fmt::format("run {} is {}, not running{}", run_id, run->status, request.not_running_note)};
      request.data["who"] = who;
      journal.post_request(run_id, request.kind, request.data.dump());
      return {exit_code::Completed, ""};
   } catch (const JournalError& e) {
      return {exit_code::Invalid, e.what()};
   }
}

int post_run_request(const std::string& journal_path, const std::string& run_id, RunRequest request)
{
   auto journal = open_journal_or_report(journal_path, request.command);
   if (!journal) return exit_code::Invalid;
   const char* command = request.command;
   const RequestResult result = send_run_request(*journal, run_id, std::move(request), operator_identity());
   if (!result.refused.empty()) fmt::print(stderr, "runbook {}: {}\n", command, result.refused);
   return result.exit_code;
}

}  // namespace runbook::cli
