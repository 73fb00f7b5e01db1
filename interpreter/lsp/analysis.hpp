// What the language server knows about one open runbook: the checked
// program (exactly what `runbook check` sees), its plan when it checks, and
// every name it declares with where and what it is.
//
// Names are looked up as written at the cursor: `error_rate`, `back` (a
// rollback), `traffic.route` (a module's function). A name declared inside
// a function (a parameter, a `let`) is not indexed: hover and go to
// definition answer for the runbook's and its modules' declarations.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/front_end.hpp"
#include "plan/plan.hpp"

namespace runbook::lsp {

struct Declaration {
   std::string name;          ///< As a use spells it: "error_rate", "traffic.route".
   std::string kind;          ///< "param", "secret", "metric", "trigger", "signal", "function", "rollback", "phase", "module".
   Location loc;              ///< Where it is declared.
   std::string hover;         ///< Markdown: what it is, in words.
};

struct Analysis {
   std::unique_ptr<CheckedProgram> checked;
   std::optional<plan::Plan> plan;          ///< When the program checks.
   std::vector<Declaration> declarations;

   /// The declaration called `name`, or null.
   const Declaration* find(std::string_view name) const;
   /// The step that starts on `line` (1-based) of `file`, or null.
   const ast::Step* step_on_line(const SourceFile* file, std::size_t line) const;
};

/// Loads and checks the runbook `request` names, then indexes it.
Analysis analyse(const SourceRequest& request);

}  // namespace runbook::lsp
