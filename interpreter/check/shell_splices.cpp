// Splices in `sh` commands whose quoting context cannot be exact (see shell_splices.hpp).
#include "check/shell_splices.hpp"

#include <variant>

#include "io/shell_splice.hpp"

namespace runbook {

void check_shell_splices(const ast::Expr& command, Diagnostics& diags)
{
   const auto* lit = std::get_if<ast::StringLit>(&command.node);
   if (!lit) return;   // A command held in a variable is the author's text: nothing is spliced.
   ShellCommand scan;
   for (const auto& part : lit->parts) {
      if (!part.expr) {
         scan.append_text(part.text);
         continue;
      }
      try {
         scan.append_placeholder("v");
      } catch (const ShellSpliceError& e) {
         diags.error(part.expr->loc, "unsafe-splice", e.what(),
                     {"a value spliced into a sh command must arrive as exactly its characters (docs/security.md)"});
         return;   // The rest of the command is scanned from a context already refused.
      }
   }
}

}  // namespace runbook
