// The names a runbook declares at top level, gathered from the runbook and
// every module it uses, with duplicates reported.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"
#include "syntax/loader.hpp"

namespace runbook {

/// What a top-level value name stands for.
struct GlobalValue {
   enum class Kind { Param, Secret, Metric } kind = Kind::Param;
   Location loc;
   const ast::Param* param = nullptr;
   const ast::Secret* secret = nullptr;
   const ast::Metric* metric = nullptr;
};

struct GlobalNames {
   /// Params, secrets and metrics share one namespace: all are used as bare names.
   std::map<std::string, GlobalValue> values;
   std::map<std::string, const ast::Trigger*> triggers;
   std::map<std::string, const ast::RollbackBlock*> rollbacks;
   std::map<std::string, const ast::Signal*> signals;
   /// Functions of the runbook itself, called without a prefix.
   std::map<std::string, const ast::Function*> root_functions;

   std::vector<std::string> value_names() const;
   std::vector<std::string> trigger_names() const;
   std::vector<std::string> rollback_names() const;
   std::vector<std::string> signal_names() const;
};

/// "a param", "a secret", "a metric".
std::string describe(GlobalValue::Kind kind);

/// Collects the declarations of the root and its modules; a name declared
/// twice (in any file) is an error at the second declaration.
GlobalNames collect_names(const Program& program, Diagnostics& diags);

/// Where the first declaration was, for the note of a duplicate: "rollout.rb:5:8".
std::string position_text(const Location& loc);

}  // namespace runbook
