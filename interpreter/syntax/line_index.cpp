#include "syntax/line_index.hpp"

#include <algorithm>
#include <cstring>

namespace runbook {

LineIndex::LineIndex(const SourceFile& source) : source_(&source)
{
   const char* const begin = source.text.data();
   const char* const end = begin + source.text.size();
   starts_.push_back(0);
   for (const char* p = begin; p < end;) {
      const void* newline = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (newline == nullptr) break;
      p = static_cast<const char*>(newline) + 1;
      starts_.push_back(static_cast<std::size_t>(p - begin));
   }
}

std::size_t LineIndex::line_of(std::size_t offset) const
{
   // Same line, or one of the next few: a short forward scan.
   std::size_t line = last_line_;
   if (starts_[line - 1] <= offset) {
      for (const std::size_t limit = std::min(line + 8, starts_.size()); line < limit && starts_[line] <= offset;) ++line;
      if (line == starts_.size() || starts_[line] > offset) return last_line_ = line;
   }
   const auto after = std::upper_bound(starts_.begin(), starts_.end(), offset);
   return last_line_ = static_cast<std::size_t>(after - starts_.begin());
}

Location LineIndex::locate(std::size_t offset) const
{
   offset = std::min(offset, source_->text.size());
   const std::size_t line = line_of(offset);
   return Location{source_, line, offset - starts_[line - 1] + 1, offset};
}

}  // namespace runbook
