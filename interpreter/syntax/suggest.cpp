#include "syntax/suggest.hpp"

#include <algorithm>

namespace runbook {

std::size_t edit_distance(std::string_view a, std::string_view b)
{
   std::vector<std::size_t> row(b.size() + 1);
   for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
   for (std::size_t i = 1; i <= a.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
         const std::size_t above = row[j];
         row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
         diagonal = above;
      }
   }
   return row[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates)
{
   const std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
   std::string best;
   std::size_t best_distance = allowed + 1;
   for (const auto& candidate : candidates) {
      const std::size_t distance = edit_distance(word, candidate);
      if (distance < best_distance) {
         best = candidate;
         best_distance = distance;
      }
   }
   return best;
}

}  // namespace runbook
