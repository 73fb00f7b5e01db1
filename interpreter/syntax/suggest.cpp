#include "syntax/suggest.hpp"

#include <algorithm>
#include <numeric>

namespace runbook {

std::size_t edit_distance(std::string_view a, std::string_view b)
{
   // One row of the classic dynamic programme is enough.
   std::vector<std::size_t> row(b.size() + 1);
   std::iota(row.begin(), row.end(), std::size_t{0});
   for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
         const std::size_t above = row[j];
         const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
         row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
         diagonal = above;
      }
   }
   return row[b.size()];
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates)
{
   const std::size_t limit = std::max<std::size_t>(1, name.size() / 3);
   std::string best;
   std::size_t best_distance = limit + 1;
   for (const auto& candidate : candidates) {
      if (candidate == name) continue;
      const std::size_t distance = edit_distance(name, candidate);
      if (distance < best_distance) {
         best_distance = distance;
         best = candidate;
      }
   }
   return best;
}

std::vector<std::string> did_you_mean(std::string_view name, const std::vector<std::string>& candidates)
{
   const std::string best = closest_name(name, candidates);
   if (best.empty()) return {};
   return {"did you mean '" + best + "'?"};
}

}  // namespace runbook
