#include "syntax/source.hpp"

namespace runbook {

std::string_view SourceFile::line_text(std::size_t line) const
{
   std::size_t start = 0;
   for (std::size_t current = 1; current < line; ++current) {
      const auto newline = text.find('\n', start);
      if (newline == std::string::npos) return {};
      start = newline + 1;
   }
   auto end = text.find('\n', start);
   if (end == std::string::npos) end = text.size();
   if (end > start && text[end - 1] == '\r') --end;
   return std::string_view(text).substr(start, end - start);
}

}  // namespace runbook
