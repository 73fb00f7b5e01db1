// "Did you mean ...?" for misspelled names.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace runbook {

/// Levenshtein distance between two names.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible
/// typo (at most a third of the word's letters differ), else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace runbook
