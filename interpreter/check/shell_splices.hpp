// Splices in `sh` commands whose quoting context cannot be exact.
//
// io/shell_splice.hpp refuses a value spliced inside backquotes, a comment,
// a here-document body and the like; which contexts those are depends on the
// author's text alone, so the checker reports them before anything runs.
#pragma once

#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"

namespace runbook {

/// Reports (error unsafe-splice) every `${...}` of the command string `command`
/// that lands where its value could not be quoted exactly.
void check_shell_splices(const ast::Expr& command, Diagnostics& diags);

}  // namespace runbook
