// Source files and positions in them.
//
// Every AST node remembers where it came from so that the checker, the plan
// and the interpreter can point an operator at the exact line of a runbook.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace runbook {

/// One runbook or module file, kept whole: diagnostics quote its lines, and the
/// journal stores its text so a resumed run executes exactly what it started with.
struct SourceFile {
   std::string path;      ///< As the user named it (or the module name for stdlib files).
   std::string text;

   /// The text of line `line` (1-based), without its newline.
   std::string_view line_text(std::size_t line) const;
};

/// A position in a source file. Lines and columns are 1-based; column counts bytes.
struct Location {
   const SourceFile* file = nullptr;
   std::size_t line = 0;
   std::size_t column = 0;
   std::size_t offset = 0;

   bool valid() const { return file != nullptr && line > 0; }
};

}  // namespace runbook
