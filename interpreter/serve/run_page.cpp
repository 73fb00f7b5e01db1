#include <algorithm>

#include <fmt/core.h>

#include "plan/render.hpp"
#include "serve/pages.hpp"
#include "view/journal_view.hpp"

namespace runbook::serve {

namespace {

std::string timeline(const std::vector<JournalEvent>& events, bool two_clocks)
{
   std::string lines;
   for (const auto& e : events) lines += "<div>" + escape(event_text(e, two_clocks)) + "</div>";
   return lines;
}

std::string plan_block(const RunPlan& plan, const std::string& current)
{
   if (!plan.plan) return "<section><h2>Plan</h2><p>" + escape(plan.problem) + "</p></section>";
   const std::string svg = plan_svg(*plan.plan, current);
   const std::string text = "<pre>" + escape(plan::render_text(*plan.plan)) + "</pre>";
   if (svg.empty()) return "<section><h2>Plan</h2>" + text + "</section>";
   return fmt::format("<section class=\"plan\"><h2>Plan</h2><p>The current step{} is drawn with a thick double border.</p>"
                      "<div role=\"img\" aria-label=\"the plan as a graph\">{}</div>"
                      "<details><summary>The plan as text</summary>{}</details></section>",
                      current.empty() ? "" : " (" + escape(current) + ")", svg, text);
}

}  // namespace

std::string run_page(Journal& journal, const RunInfo& run, const RunPlan& plan, const Viewer& viewer,
                     const std::string& notice)
{
   const auto events = journal.events(run.id);
   const std::int64_t last_seq = events.empty() ? 0 : events.back().seq;
   std::string body = fmt::format("<h1>{}</h1><p>Run <code>{}</code> of <code>{}</code>, started {} UTC</p>",
                                  escape(run.title), escape(run.id), escape(run.runbook_path),
                                  escape(wall_time_text(run.started_at)));
   if (!notice.empty()) body += "<p class=\"notice\" role=\"status\">" + escape(notice) + "</p>";
   body += fmt::format("<div id=\"live\" data-run=\"{}\" data-after=\"{}\"></div>", escape(run.id), last_seq);
   body += "<div id=\"state\" aria-live=\"polite\">" + run_state(journal, run, events, plan, viewer) + "</div>";
   body += "<section><h2>Timeline</h2><div id=\"timeline\" class=\"timeline\" tabindex=\"0\">" +
           timeline(events, has_two_clocks(run)) + "</div></section>";
   body += plan_block(plan, run.current_step);
   return page(run.title + " " + run.id, body, viewer);
}

std::string sparkline(const std::vector<double>& values, std::optional<double> threshold, const std::string& label)
{
   if (values.size() < 2) return "";
   double low = values.front(), high = values.front();
   for (const double v : values) low = std::min(low, v), high = std::max(high, v);
   if (threshold) low = std::min(low, *threshold), high = std::max(high, *threshold);
   if (high == low) high = low + 1;
   const double width = 200, height = 50;
   auto y = [&](double v) { return height - 4 - (v - low) / (high - low) * (height - 8); };
   std::string points;
   for (std::size_t i = 0; i < values.size(); ++i)
      points += fmt::format("{:.1f},{:.1f} ", static_cast<double>(i) * width / static_cast<double>(values.size() - 1), y(values[i]));
   std::string line;
   if (threshold)
      line = fmt::format(R"(<line x1="0" x2="{0}" y1="{1:.1f}" y2="{1:.1f}" stroke="#a00" stroke-dasharray="4 3"/>)", width,
                         y(*threshold));
   return fmt::format(R"(<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" preserveAspectRatio="none">)"
                      R"({}<polyline fill="none" stroke="#036" stroke-width="2" points="{}"/></svg>)",
                      width, height, escape(label), line, points);
}

}  // namespace runbook::serve
