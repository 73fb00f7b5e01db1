// The parser: runbook text in, AST out.
#pragma once

#include <memory>

#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"

namespace runbook {

/// Parses one file. Syntax errors are reported to `diags` (up to a limit);
/// after an error the parser resumes at the next step or declaration, so one
/// mistake does not hide the next. Returns whatever parsed (never null).
std::unique_ptr<ast::File> parse_file(const SourceFile& source, Diagnostics& diags);

/// Parses a single literal of the given type, as given on the command line
/// (`-p soak=5m`). Returns null and sets `error` when it does not fit.
ast::ExprPtr parse_literal(const std::string& text, ast::Type type, std::string& error);

}  // namespace runbook
