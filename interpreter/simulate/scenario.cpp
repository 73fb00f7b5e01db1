#include "simulate/scenario.hpp"

#include <cmath>
#include <filesystem>

#include <fmt/core.h>

namespace runbook::sim {

std::string Scenario::runbook_path() const
{
   const std::filesystem::path scenario_file(source ? source->path : std::string());
   const std::filesystem::path runbook_file(runbook);
   if (runbook_file.is_absolute()) return runbook_file.lexically_normal().string();
   return (scenario_file.parent_path() / runbook_file).lexically_normal().string();
}

bool glob_match(std::string_view pattern, std::string_view text)
{
   // The classic two-pointer algorithm: on a mismatch, go back to the last
   // '*' and let it swallow one more character. At most O(n*m), never exponential.
   std::size_t p = 0, t = 0;
   std::size_t star = std::string_view::npos, star_text = 0;
   while (t < text.size()) {
      if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
         ++p;
         ++t;
      } else if (p < pattern.size() && pattern[p] == '*') {
         star = p++;
         star_text = t;
      } else if (star != std::string_view::npos) {
         p = star + 1;
         t = ++star_text;
      } else {
         return false;
      }
   }
   while (p < pattern.size() && pattern[p] == '*') ++p;
   return p == pattern.size();
}

bool question_matches(std::string_view pattern, std::string_view text)
{
   if (glob_match(pattern, text)) return true;
   const auto item = text.find("]: ");
   return item != std::string_view::npos && glob_match(pattern, text.substr(item + 3));
}

std::string format_offset(double offset_ms)
{
   const long long total = offset_ms <= 0 ? 0 : static_cast<long long>(std::floor(offset_ms / 1000.0));
   return fmt::format("T+{:02}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60);
}

}  // namespace runbook::sim
