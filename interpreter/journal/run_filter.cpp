// RunFilter and the default find_runs(): `runbook runs` filtered.

#include "journal/journal.hpp"

namespace runbook {

bool RunFilter::matches(const RunInfo& run) const
{
   return (runbook_path.empty() || run.runbook_path == runbook_path) && (status.empty() || run.status == status) &&
          (operator_name.empty() || run.operator_name == operator_name);
}

std::vector<RunInfo> Journal::find_runs(const RunFilter& filter)
{
   std::vector<RunInfo> found;
   for (auto& run : runs()) {
      if (filter.matches(run)) found.push_back(std::move(run));
   }
   return found;
}

}  // namespace runbook
