// Text without the white space around it: one rule for every line the program
// reads (an operator's answer, an HTTP header, a --params line, a scenario
// line) and for the language's trim() builtin.
#pragma once

#include <string>
#include <string_view>

namespace runbook {

/// `text` without the white space around it (what isspace() calls white space).
inline std::string trim(std::string_view text)
{
   constexpr std::string_view blanks = " \t\r\n\v\f";
   const auto first = text.find_first_not_of(blanks);
   if (first == std::string_view::npos) return {};
   return std::string(text.substr(first, text.find_last_not_of(blanks) - first + 1));
}

}  // namespace runbook
