// "Did you mean ...?" suggestions for misspelled names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace runbook {

/// Levenshtein distance between two names (insertions, deletions, substitutions).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `name`, or "" when none is close enough to be a
/// plausible typo (distance at most a third of the name's length, at least 1;
/// ties go to the first candidate).
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

/// The note the checker attaches to an unknown name: {"did you mean 'x'?"} or {}.
std::vector<std::string> did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace runbook
