// Diagnostics: errors and warnings about a runbook, shown to its author.
//
// Both the parser and the checker report through this one type so that every
// message an operator sees has the same shape:
//
//   runbooks/rollout.rb:12:31: error: expected a duration such as 30s or 5m after 'every'
//      watch 30m every soon {
//                      ^
#pragma once

#include <string>
#include <vector>

#include "syntax/source.hpp"

namespace runbook {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
   Severity severity = Severity::Error;
   Location loc;
   std::string message;
   std::string code;       ///< Short stable identifier, e.g. "undefined-name" (for JSON consumers).
   std::vector<std::string> notes;  ///< Extra lines, e.g. "did you mean 'error_rate'?"
};

/// Collects diagnostics; parse and check phases append, the CLI renders.
class Diagnostics {
public:
   void error(Location loc, std::string code, std::string message, std::vector<std::string> notes = {});
   void warning(Location loc, std::string code, std::string message, std::vector<std::string> notes = {});

   bool has_errors() const;
   std::size_t error_count() const;
   std::size_t warning_count() const;
   const std::vector<Diagnostic>& all() const { return items_; }
   /// Stable order for output: by file, line, column.
   void sort();
   void append(const Diagnostics& other);

private:
   std::vector<Diagnostic> items_;
};

/// `FILE:LINE:COL: error: MESSAGE`, the source line, a caret under the column,
/// then any notes. Long lines are cut around the column so the caret stays visible.
std::string render_text(const Diagnostic& d, bool color = false);
std::string render_text(const Diagnostics& ds, bool color = false);
/// A JSON document in the spirit of `terraform validate -json`.
std::string render_json(const Diagnostics& ds);

}  // namespace runbook
