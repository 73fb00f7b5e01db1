#include <fmt/core.h>

#include "serve/pages.hpp"
#include "view/journal_view.hpp"

namespace runbook::serve {

namespace {

bool shown(const RunInfo& run, const RunsFilter& filter)
{
   if (!filter.status.empty() && run.status != filter.status) return false;
   if (!filter.runbook.empty() && run.runbook_path.find(filter.runbook) == std::string::npos &&
       run.title.find(filter.runbook) == std::string::npos)
      return false;
   return true;
}

/// The last phase the run entered, as its events tell (as `runbook status` reads it).
std::string last_phase(Journal& journal, const std::string& run_id)
{
   std::string phase;
   for (const auto& e : journal.events(run_id)) {
      if (e.kind != "phase") continue;
      const nlohmann::json data = nlohmann::json::parse(e.data_json, nullptr, false);
      if (data.is_object()) phase = data.value("phase", "");
   }
   return phase;
}

/// The operator: the latest "who" the run journaled (an answer, a request),
/// or else the host that started it (the journal records no more).
std::string run_operator(Journal& journal, const std::string& run_id)
{
   std::string who, host;
   for (const auto& e : journal.events(run_id)) {
      const nlohmann::json data = nlohmann::json::parse(e.data_json, nullptr, false);
      if (!data.is_object()) continue;
      if (data.contains("who") && data["who"].is_string()) who = data["who"];
      if (host.empty() && e.kind == "run" && data.contains("host") && data["host"].is_string())
         host = "on " + data["host"].get<std::string>();
   }
   return who.empty() ? host : who;
}

std::string filters_form(const RunsFilter& filter)
{
   std::string options = R"(<option value="">any</option>)";
   for (const char* status : {run_status::Running, run_status::Interrupted, run_status::Completed, run_status::Failed,
                              run_status::Aborted, run_status::RolledBack, run_status::RollbackFailed})
      options += fmt::format(R"(<option{}>{}</option>)", filter.status == status ? " selected" : "", status);
   return fmt::format(R"(<form class="filters" method="get" action="/">
<label>Status <select name="status">{}</select></label>
<label>Runbook <input name="runbook" value="{}" size="20"></label>
<button>Filter</button></form>)",
                      options, escape(filter.runbook));
}

}  // namespace

std::string runs_page(Journal& journal, const RunsFilter& filter, const Viewer& viewer)
{
   std::string rows;
   for (const RunInfo& run : journal.runs()) {
      if (!shown(run, filter)) continue;
      rows += fmt::format(
         R"(<tr><td data-label="Run"><a href="/runs/{0}">{1}</a></td><td data-label="Runbook">{2}<br><small>{3}</small></td>)"
         R"(<td data-label="Status" class="status status-{4}">{5}</td><td data-label="Phase">{6}</td>)"
         R"(<td data-label="Started">{7} UTC</td><td data-label="Operator">{8}</td><td data-label="Outcome">{9}</td></tr>)",
         url_encode(run.id), escape(run.id), escape(run.title), escape(run.runbook_path), escape(run.status),
         escape(status_text(run)), escape(last_phase(journal, run.id)), escape(wall_time_text(run.started_at)),
         escape(run_operator(journal, run.id)), escape(run.status == run_status::Running ? "" : run.detail));
   }
   if (rows.empty()) rows = R"(<tr><td colspan="7">No runs match.</td></tr>)";
   const std::string body = fmt::format(
      R"(<h1>Runs</h1>{}<table class="runs"><thead><tr><th>Run</th><th>Runbook</th><th>Status</th><th>Phase</th>)"
      R"(<th>Started</th><th>Operator</th><th>Outcome</th></tr></thead><tbody>{}</tbody></table>)",
      filters_form(filter), rows);
   return page("Runs", body, viewer);
}

}  // namespace runbook::serve
