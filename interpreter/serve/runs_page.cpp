#include "serve/pages.hpp"
#include "view/journal_view.hpp"

#include <algorithm>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

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

/// What the runs table says of a run beyond its RunInfo, read from its
/// events in one pass: the last phase it entered (as `runbook status` reads
/// it), and for a run journaled before operators had names, who acted last
/// or the host that started it.
struct RunStory {
   std::string phase;
   std::string who;
};

RunStory run_story(Journal& journal, const RunInfo& run)
{
   RunStory story;
   std::string host;
   for (const auto& e : journal.events(run.id)) {
      const nlohmann::json data = nlohmann::json::parse(e.data_json, nullptr, false);
      if (!data.is_object()) continue;
      if (e.kind == "phase") story.phase = data.value("phase", "");
      if (data.contains("who") && data["who"].is_string()) story.who = data["who"];
      if (host.empty() && e.kind == "run" && data.contains("host") && data["host"].is_string())
         host = "on " + data["host"].get<std::string>();
   }
   if (!run.operator_name.empty()) story.who = run.operator_name;
   if (story.who.empty()) story.who = host;
   return story;
}

std::string run_row(Journal& journal, const RunInfo& run)
{
   const RunStory story = run_story(journal, run);
   return fmt::format(
      R"(<tr><td data-label="Run"><a href="/runs/{0}">{1}</a></td><td data-label="Runbook">{2}<br><small>{3}</small></td>)"
      R"(<td data-label="Status" class="status status-{4}">{5}</td><td data-label="Phase">{6}</td>)"
      R"(<td data-label="Started">{7} UTC</td><td data-label="Operator">{8}</td><td data-label="Outcome">{9}</td></tr>)",
      url_encode(run.id), escape(run.id), escape(run.title), escape(run.runbook_path), escape(run.status),
      escape(status_text(run)), escape(story.phase), escape(wall_time_text(run.started_at)), escape(story.who),
      escape(run.status == run_status::Running ? "" : run.detail));
}

/// The runs page's address for another page of the same filter.
std::string page_link(const RunsFilter& filter, std::size_t page)
{
   return fmt::format("/?status={}&runbook={}&operator={}&page={}", url_encode(filter.status),
                      url_encode(filter.runbook), url_encode(filter.operator_name), page);
}

/// "Runs 101-200 of 10,000", with links to the newer and older pages.
std::string pager(const RunsFilter& filter, std::size_t first, std::size_t last, std::size_t total)
{
   if (total <= runs_per_page && filter.page == 0) return "";
   std::string links;
   if (filter.page > 0) links += fmt::format(R"( <a href="{}">Newer</a>)", escape(page_link(filter, filter.page - 1)));
   if (last < total) links += fmt::format(R"( <a href="{}">Older</a>)", escape(page_link(filter, filter.page + 1)));
   return fmt::format(R"(<p class="pager">Runs {}-{} of {}.{}</p>)", total == 0 ? 0 : first + 1, last, total, links);
}

}  // namespace

std::string filters_form(const RunsFilter& filter)
{
   std::string options = R"(<option value="">any</option>)";
   for (const char* status : {run_status::Running, run_status::Interrupted, run_status::Completed, run_status::Failed,
                              run_status::Aborted, run_status::RolledBack, run_status::RollbackFailed})
      options += fmt::format(R"(<option{}>{}</option>)", filter.status == status ? " selected" : "", status);
   return fmt::format(R"(<form class="filters" method="get" action="/">
<label>Status <select name="status">{}</select></label>
<label>Runbook <input name="runbook" value="{}" size="20"></label>
<label>Operator <input name="operator" value="{}" size="12"></label>
<button>Filter</button></form>)",
                      options, escape(filter.runbook), escape(filter.operator_name));
}


std::string runs_page(Journal& journal, const RunsFilter& filter, const Viewer& viewer)
{
   // The journal's indexes answer status and operator; the runbook matches
   // any part of a path or title, so it is matched here.
   RunFilter indexed;
   indexed.status = filter.status;
   indexed.operator_name = filter.operator_name;
   std::vector<RunInfo> matching;
   for (RunInfo& run : journal.find_runs(indexed))
      if (shown(run, filter)) matching.push_back(std::move(run));
   // Only the page's runs have their events read: one query each.
   const std::size_t first = std::min(filter.page * runs_per_page, matching.size());
   const std::size_t last = std::min(first + runs_per_page, matching.size());
   std::string rows;
   for (std::size_t i = first; i < last; ++i) rows += run_row(journal, matching[i]);
   if (rows.empty()) rows = R"(<tr><td colspan="7">No runs match.</td></tr>)";
   const std::string body = fmt::format(
      R"(<h1>Runs</h1>{}<table class="runs"><thead><tr><th>Run</th><th>Runbook</th><th>Status</th><th>Phase</th>)"
      R"(<th>Started</th><th>Operator</th><th>Outcome</th></tr></thead><tbody>{}</tbody></table>)",
      filters_form(filter) + pager(filter, first, last, matching.size()), rows);
   return page("Runs", body, viewer);
}

}  // namespace runbook::serve
