// `runbook fmt`: one layout for runbook files.
//
// The formatter works on tokens and lines, not on the tree: it can only move
// whitespace, so it cannot lose a comment or change what a file means. What
// it does, line by line (docs/fmt.md):
//
// * indentation follows the brackets: the lines inside a `{`, `[` or `(`
//   that stays open at the end of a line sit 2 spaces deeper than that line,
//   and the line that closes it goes back to that line's indentation (the
//   body of a top-level declaration always sits at 2); after `f(a,` or
//   `[a,` the next lines line up under the bracket;
// * a line that starts a statement (a declaration, a step, a checklist
//   item: the parser says which) sits at its block's indentation; a
//   continuation line (a clause such as `timeout 5m` on the next line) keeps
//   how much deeper than its statement it was written (for text that does
//   not parse: than the first line of its block);
// * between tokens, a run of blanks becomes one space; none after `(` and
//   `[`, before `)`, `]` and `,`; one after a `,`. Tokens written together
//   stay together (`f(x)` is not `f (x)`);
// * a comment at the end of a line stays in its column when the code leaves
//   room (aligned comments stay aligned), else one space after the code;
// * trailing blanks go, runs of blank lines become one, the file starts with
//   its first non-blank line and ends with one newline.
//
// String literals ("...", '...', interpolations included) and the text of
// comments are never changed. Lines are never joined or split.
#pragma once

#include <string>
#include <string_view>

#include "syntax/diagnostic.hpp"

namespace runbook {

/// The canonical layout of `text`. Idempotent: format_source(format_source(x))
/// == format_source(x) for any text. A text that parses gives one that parses
/// to the same tree (only blank lines and columns move). Meant for text that
/// parses; anything else is still handled (never throws), just not improved.
std::string format_source(std::string_view text);

/// What `runbook fmt` and the language server's formatting do with a file:
/// a text that does not parse is not formatted (its diagnostics go to
/// `diags`); a formatted text that would parse to another tree (a formatter
/// bug: it only moves whitespace) is refused rather than written.
struct CheckedFormat {
   enum class Status { Formatted, DoesNotParse, WouldChangeMeaning } status = Status::Formatted;
   std::string text;   ///< Status::Formatted: the canonical layout (maybe the same text).
};
CheckedFormat format_checked(const SourceFile& source, Diagnostics& diags);

}  // namespace runbook

