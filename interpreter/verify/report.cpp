#include "verify/report.hpp"
#include "io/human_units.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include "simulate/scenario.hpp"

namespace runbook::verify {

namespace {

std::string slug(const std::string& text)
{
   std::string out;
   for (const char c : text) {
      if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      else if (!out.empty() && out.back() != '-') out += '-';
      if (out.size() >= 48) break;
   }
   while (!out.empty() && out.back() == '-') out.pop_back();
   return out;
}

std::string end_state(const sim::SimulationResult& r)
{
   return fmt::format("{} at {}; traffic {}", sim::describe_outcome(r), sim::format_offset(r.end_ms - r.start_ms), traffic_text(r));
}

double rate(const VerifyReport& report) { return report.seconds > 0 ? report.paths / report.seconds : 0; }

int unsafe_count(const VerifyReport& report)
{
   return static_cast<int>(report.unsafe.size()) + (report.healthy.broken.empty() ? 0 : 1);
}

std::string headline(const VerifyReport& report)
{
   return fmt::format("{} paths (depth {}), {} safe, {} unsafe; {:.1f} s on {} thread{} ({:.0f} paths/s)", report.paths,
                      report.depth, report.paths - unsafe_count(report), unsafe_count(report), report.seconds,
                      report.jobs, report.jobs == 1 ? "" : "s", rate(report));
}

std::string reproduce(const VerifyReport& report, const PathVerdict& v)
{
   if (v.scenario_file.empty()) return "";
   return fmt::format("runbook simulate {} --scenario {}", report.runbook_path, v.scenario_file);
}

std::string render_text(const VerifyReport& report)
{
   std::string out = fmt::format("runbook verify {}: {}\n\n", report.runbook_path, headline(report));
   out += report.base.derived ? "World (derived from the runbook):\n" : "World:\n";
   for (const auto& line : report.base.explanation) out += "  " + line + "\n";
   if (report.healthy.path.result) out += "Healthy run: " + end_state(*report.healthy.path.result) + "\n";
   out += fmt::format("A path still running {} after T+0 waits for ever.\n", format_elapsed(report.limit_ms));
   out += "\nPaths by fault class:\n";
   for (const auto& c : report.classes)
      out += fmt::format("  {:<56} {:>5} explored {:>5} safe {:>5} unsafe\n", c.cls, c.explored, c.safe, c.explored - c.safe);
   if (!report.healthy.broken.empty()) {
      out += "\nThe healthy run itself is unsafe:\n";
      for (const auto& b : report.healthy.broken) out += "  broken: " + b.property + ": " + b.detail + "\n";
   }
   if (!report.unsafe.empty()) out += "\nUnsafe paths:\n";
   int n = 0;
   for (const auto& v : report.unsafe) {
      const auto& f = v.path.fault;
      out += fmt::format("{:>4}. {} at {} ({})\n", ++n, f.cls, f.where, sim::format_offset(f.at_ms));
      out += "      fault:  " + f.what + "\n";
      if (v.path.result) out += "      end:    " + end_state(*v.path.result) + "\n";
      for (const auto& b : v.broken) out += "      broken: " + b.property + ": " + b.detail + "\n";
      if (!v.scenario_file.empty()) out += "      reproduce: " + reproduce(report, v) + "\n";
   }
   if (!report.notes.empty()) {
      out += "\nNotes:\n";
      for (const auto& note : report.notes) out += "  " + note + "\n";
   }
   out += report.all_safe() ? "\nEvery path ended safe.\n" : fmt::format("\n{} unsafe path{}.\n", report.unsafe.size(), report.unsafe.size() == 1 ? "" : "s");
   return out;
}

std::string cell(std::string text)
{
   std::string out;
   for (const char c : text) {
      if (c == '|') out += "\\|";
      else if (c == '\n') out += ' ';
      else out += c;
   }
   return out;
}

std::string render_markdown(const VerifyReport& report)
{
   std::string out = fmt::format("### runbook verify `{}`: {}\n\n", report.runbook_path,
                                 report.all_safe() ? "every path ends safe" : fmt::format("{} unsafe path{}", report.unsafe.size(), report.unsafe.size() == 1 ? "" : "s"));
   out += headline(report) + "\n\n";
   out += "| fault class | explored | safe | unsafe |\n| --- | ---: | ---: | ---: |\n";
   for (const auto& c : report.classes)
      out += fmt::format("| {} | {} | {} | {} |\n", cell(c.cls), c.explored, c.safe, c.explored - c.safe);
   if (!report.unsafe.empty()) {
      out += "\n| # | fault | where | end state | broken |\n| ---: | --- | --- | --- | --- |\n";
      int n = 0;
      for (const auto& v : report.unsafe) {
         std::string broken;
         for (const auto& b : v.broken) broken += (broken.empty() ? "" : "; ") + b.property + ": " + b.detail;
         out += fmt::format("| {} | {}: {} | `{}` at {} | {} | {} |\n", ++n, cell(v.path.fault.cls), cell(v.path.fault.what),
                            cell(v.path.fault.where), sim::format_offset(v.path.fault.at_ms),
                            v.path.result ? cell(end_state(*v.path.result)) : "", cell(broken));
      }
   }
   out += "\n<details><summary>The world</summary>\n\n";
   for (const auto& line : report.base.explanation) out += "- " + cell(line) + "\n";
   for (const auto& note : report.notes) out += "- note: " + cell(note) + "\n";
   out += "\n</details>\n";
   return out;
}

nlohmann::json render_json(const VerifyReport& report)
{
   nlohmann::json classes = nlohmann::json::array();
   for (const auto& c : report.classes) classes.push_back({{"class", c.cls}, {"explored", c.explored}, {"safe", c.safe}});
   nlohmann::json unsafe = nlohmann::json::array();
   for (const auto& v : report.unsafe) {
      nlohmann::json broken = nlohmann::json::array();
      for (const auto& b : v.broken) broken.push_back({{"property", b.property}, {"detail", b.detail}});
      nlohmann::json j = {{"class", v.path.fault.cls},        {"where", v.path.fault.where},
                          {"at", sim::format_offset(v.path.fault.at_ms)}, {"fault", v.path.fault.what},
                          {"depth", v.path.fault.depth},      {"broken", broken},
                          {"scenario_file", v.scenario_file}};
      if (v.path.result) {
         j["outcome"] = {{"status", v.path.result->status}, {"exit_code", v.path.result->exit_code},
                         {"rollback", v.path.result->rollback_name}, {"summary", v.path.result->summary}};
         j["traffic"] = v.path.result->traffic;
      }
      unsafe.push_back(std::move(j));
   }
   return {{"format_version", 1},
           {"runbook", report.runbook_path},
           {"depth", report.depth},
           {"jobs", report.jobs},
           {"paths", report.paths},
           {"safe", report.paths - unsafe_count(report)},
           {"seconds", report.seconds},
           {"paths_per_second", rate(report)},
           {"world", {{"derived", report.base.derived}, {"explanation", report.base.explanation}}},
           {"classes", classes},
           {"unsafe", unsafe},
           {"notes", report.notes}};
}

}  // namespace

bool parse_report_format(const std::string& word, ReportFormat& out)
{
   if (word == "text") out = ReportFormat::Text;
   else if (word == "markdown") out = ReportFormat::Markdown;
   else if (word == "json") out = ReportFormat::Json;
   else return false;
   return true;
}

bool write_reproductions(VerifyReport& report, const std::string& dir, std::string& error)
{
   namespace fs = std::filesystem;
   std::error_code ec;
   fs::create_directories(dir, ec);
   if (ec) {
      error = fmt::format("cannot create {}: {}", dir, ec.message());
      return false;
   }
   const std::string runbook_ref = fs::relative(fs::absolute(report.runbook_path), fs::absolute(dir), ec).generic_string();
   int n = 0;
   for (auto& v : report.unsafe) {
      const fs::path file = fs::path(dir) / fmt::format("{:03}-{}.scenario", ++n, slug(v.path.fault.cls));
      std::string text = v.path.scenario;
      // The path ran with the runbook's absolute path; the file names it relative to itself.
      const auto first = text.find("\nrunbook ");
      const auto end = first == std::string::npos ? std::string::npos : text.find('\n', first + 1);
      if (end != std::string::npos) text.replace(first + 1, end - first - 1, "runbook " + quoted(ec ? report.runbook_path : runbook_ref));
      std::ofstream out(file);
      out << text;
      if (!out) {
         error = "cannot write " + file.string();
         return false;
      }
      v.scenario_file = file.string();
   }
   return true;
}

std::string render_report(const VerifyReport& report, ReportFormat format)
{
   switch (format) {
   case ReportFormat::Text: return render_text(report);
   case ReportFormat::Markdown: return render_markdown(report);
   case ReportFormat::Json: return render_json(report).dump(2) + "\n";
   }
   return "";
}

}  // namespace runbook::verify
