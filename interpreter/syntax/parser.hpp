// The parser: runbook text in, AST out.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"

namespace runbook {

/// Parses one file. Syntax errors are reported to `diags` (up to a limit);
/// after an error the parser resumes at the next step or declaration, so one
/// mistake does not hide the next. Returns whatever parsed (never null).
std::unique_ptr<ast::File> parse_file(const SourceFile& source, Diagnostics& diags);

/// The byte offsets where each top-level declaration and each item of a
/// block (a step, a checklist item, a watch condition, a metric's
/// alternative) starts, sorted: the lines `runbook fmt` indents as
/// statements rather than continuations. False (and `starts` incomplete)
/// when the text does not parse.
bool statement_starts(const SourceFile& source, std::vector<std::size_t>& starts);

/// The syntax tree of `source` without positions: each node's kind and size
/// in pre-order, with the text of the leaves (words, literals, string pieces).
/// Two texts that dump the same parse to the same tree; `runbook fmt`'s tests
/// and fuzz target check that formatting keeps it. A text with a syntax error
/// dumps what parsed before it and "(syntax error)".
std::string dump_syntax_tree(const SourceFile& source);

/// Parses a single literal of the given type, as given on the command line
/// (`-p soak=5m`). Returns null and sets `error` when it does not fit.
ast::ExprPtr parse_literal(const std::string& text, ast::Type type, std::string& error);

}  // namespace runbook
