// Byte offset -> line and column, computed on demand.
//
// The parser works with byte offsets only (no line counting while it scans);
// a Location is made from an offset when a node or a diagnostic needs one, by
// a binary search over the line starts found in one pass over the text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "syntax/source.hpp"

namespace runbook {

class LineIndex {
public:
   explicit LineIndex(const SourceFile& source);

   Location locate(std::size_t offset) const;
   std::size_t line_of(std::size_t offset) const;
   /// Offset where line `line` (1-based) starts.
   std::size_t line_start(std::size_t line) const { return starts_[line - 1]; }
   std::size_t line_count() const { return starts_.size(); }

private:
   const SourceFile* source_;
   std::vector<std::size_t> starts_;
   /// Most lookups are near the previous one (the AST is built in file
   /// order): start the search there.
   mutable std::size_t last_line_ = 1;
};

}  // namespace runbook
