// The plan drawn by Graphviz: `runbook graph --format dot`'s text, with the
// current step's node marked, through `dot -Tsvg`. Without dot the page
// shows the text plan instead.
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <unistd.h>

#include "plan/graph.hpp"
#include "serve/pages.hpp"

namespace runbook::serve {

namespace {

std::string dot_label_start(const std::string& id)
{
   std::string out = "[label=\"";
   for (const char c : id) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
   }
   return out + "\\n";
}

/// Marks the node of `current`, or of the step it is inside (a loop's
/// iteration, a call's body: the plan draws the outer step).
std::string mark_current(std::string dot, std::string current)
{
   while (!current.empty()) {
      const auto at = dot.find(dot_label_start(current));
      if (at != std::string::npos) {
         dot.insert(at + 1, "style=\"filled,bold\", fillcolor=\"#ffe9a8\", penwidth=3, peripheries=2, ");
         return dot;
      }
      const auto slash = current.rfind('/');
      current = slash == std::string::npos ? "" : current.substr(0, slash);
   }
   return dot;
}

std::string read_all(FILE* in)
{
   std::string out;
   char buffer[4096];
   std::size_t n = 0;
   while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) out.append(buffer, n);
   return out;
}

}  // namespace

std::string plan_svg(const plan::Plan& plan, const std::string& current)
{
   char path[] = "/tmp/runbook-serve-plan-XXXXXX";
   const int fd = mkstemp(path);
   if (fd < 0) return "";
   close(fd);
   {
      std::ofstream out(path, std::ios::binary);
      out << mark_current(plan::render_dot(plan), current);
   }
   // The path is ours (mkstemp): nothing from the journal reaches the command line.
   FILE* dot = popen((std::string("dot -Tsvg ") + path + " 2>/dev/null").c_str(), "r");
   std::string svg = dot ? read_all(dot) : "";
   const int status = dot ? pclose(dot) : -1;
   std::remove(path);
   if (status != 0) return "";
   // Keep the <svg> element only (no XML prolog or DOCTYPE inside the page).
   const auto start = svg.find("<svg");
   return start == std::string::npos ? "" : svg.substr(start);
}

}  // namespace runbook::serve
