// The checker's "did you mean" note, built on syntax/suggest.hpp (the one
// edit-distance matcher of the project).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "syntax/suggest.hpp"

namespace runbook {

/// The note for an unknown name: {"did you mean 'x'?"}, or {} when nothing is close.
std::vector<std::string> did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace runbook
