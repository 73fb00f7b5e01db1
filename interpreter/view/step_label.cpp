#include "view/step_label.hpp"

#include <vector>

namespace runbook {

namespace {

/// The parts of a step id between slashes; a loop label's value may hold a
/// slash ("1[path=a/b]"), so slashes inside brackets do not split.
std::vector<std::string> step_id_parts(const std::string& id)
{
   std::vector<std::string> parts(1);
   int depth = 0;
   for (const char c : id) {
      if (c == '[') ++depth;
      if (c == ']' && depth > 0) --depth;
      if (c == '/' && depth == 0) {
         parts.emplace_back();
         continue;
      }
      parts.back() += c;
   }
   return parts;
}

/// "1[pct=5]" -> "[pct=5]"; "" for a part that is not a loop iteration.
std::string loop_label(const std::string& part)
{
   const auto open = part.find('[');
   return open == std::string::npos || part.back() != ']' ? "" : part.substr(open);
}

}  // namespace

std::string short_step_label(const std::string& step_id)
{
   const std::vector<std::string> parts = step_id_parts(step_id);
   if (parts.size() <= 3) return step_id;

   // From the innermost function call on (without its "fn:"), or else the
   // last two parts: where in the code the step is.
   std::size_t tail_from = parts.size() - 2;
   for (std::size_t i = parts.size() - 1; i > 0; --i) {
      if (parts[i].rfind("fn:", 0) == 0) {
         tail_from = i;
         break;
      }
   }
   // The loop iterations before it: which pass of the loop this is.
   std::string label = parts[0];
   for (std::size_t i = 1; i < tail_from; ++i) label += loop_label(parts[i]);
   label += "/...";
   for (std::size_t i = tail_from; i < parts.size(); ++i)
      label += "/" + (i == tail_from && parts[i].rfind("fn:", 0) == 0 ? parts[i].substr(3) : parts[i]);
   return label.size() < step_id.size() ? label : step_id;
}

}  // namespace runbook
