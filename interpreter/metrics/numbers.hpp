// Turning what a source printed or returned into a number, strictly.
#pragma once

#include <optional>
#include <string_view>

#include "metrics/sample.hpp"

namespace runbook {

/// The number `text` spells, surrounding whitespace allowed, nothing else:
/// "42", " -3.5\n", "1e3", "+2". "NaN" and "Inf" parse (to be refused by
/// finite_sample with a clear reason); "12ms", "", "1 2" do not.
std::optional<double> parse_number_text(std::string_view text);

/// A sample of `raw`, or an error sample when it is NaN or infinite: a
/// value that cannot be compared must never pass a check.
Sample finite_sample(double raw, double at);

}  // namespace runbook
