#include "metrics/numbers.hpp"

#include <charconv>
#include <cmath>

namespace runbook {

std::optional<double> parse_number_text(std::string_view text)
{
   const auto first = text.find_first_not_of(" \t\r\n");
   if (first == std::string_view::npos) return std::nullopt;
   const auto last = text.find_last_not_of(" \t\r\n");
   text = text.substr(first, last - first + 1);
   if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);   // from_chars refuses a '+'.
   double value = 0;
   const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
   if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
   return value;
}

Sample finite_sample(double raw, double at)
{
   if (std::isnan(raw)) return Sample::failed("the value is NaN (not a number)", at);
   if (std::isinf(raw)) return Sample::failed(raw > 0 ? "the value is +Inf" : "the value is -Inf", at);
   return Sample::of(raw, at);
}

}  // namespace runbook
