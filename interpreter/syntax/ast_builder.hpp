// Turns the parser's flat tree (flat_tree.hpp) into the owned, typed AST.
//
// The grammar has already checked the shape of the input; what is left here
// is reading values (numbers with units, escapes, durations), giving every
// node its Location, and the few rules a grammar cannot express well (a text
// that must not be interpolated, a metric without a unit).  Errors found here
// are reported like syntax errors.
#pragma once

#include <cstddef>
#include <string>

#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"
#include "syntax/flat_tree.hpp"
#include "syntax/line_index.hpp"

namespace runbook::syntax {

class AstBuilder {
public:
   /// `lines` may be null (literals from the command line have no file).
   AstBuilder(const FlatTree& tree, const LineIndex* lines, Diagnostics& diags)
      : tree_(tree), lines_(lines), diags_(diags)
   {
   }

   /// Adds the declaration whose node is `index` to `file`.
   void add_declaration(std::size_t index, ast::File& file);
   /// Builds the expression whose node is `index`.
   ast::ExprPtr expression(std::size_t index);

   std::size_t errors() const { return errors_; }

private:
   Location location(std::size_t offset) const;
   Location loc(std::size_t index) const { return location(tree_.nodes[index].begin); }
   void error(std::size_t index, std::string message, std::vector<std::string> notes = {});
   ast::ExprPtr make(std::size_t index, auto node) const;

   bool is_expression(std::size_t index) const;
   std::string text(std::size_t index, const char* what);
   std::string word(std::size_t index) const { return std::string(tree_.content(index)); }
   double duration_ms(std::size_t index) const;
   /// A duration clause's value: a literal into `ms`, a param's name into `param`.
   void duration(std::size_t index, std::optional<double>& ms, ast::DurationParam& param);
   int count(std::size_t index);

   ast::ExprPtr binary_chain(std::size_t index, const char* fixed_op);
   ast::ExprPtr string_literal(std::size_t index);
   ast::ExprPtr postfix(std::size_t index);
   ast::ExprPtr http_probe(std::size_t index);
   ast::ExprPtr call(std::size_t first, std::size_t end);
   std::pair<std::string, ast::ExprPtr> header(std::size_t index);

   ast::Condition condition(std::size_t index);
   bool condition_clause(std::size_t index, ast::Condition& condition);
   bool step_option(std::size_t index, ast::StepOptions& options);
   /// An on_fail_clause node: where the failure goes.
   ast::FailRoute fail_route(std::size_t index);
   /// A default_answer or else_route node of approve/checklist; false for other nodes.
   bool decision_clause(std::size_t index, ast::Decision& decision);
   void expectations(std::size_t index, std::vector<ast::Expectation>& out);
   ast::Block block(std::size_t index);
   ast::StepPtr step(std::size_t index);

   ast::Metric metric(std::size_t index);
   ast::MetricSource metric_source(std::size_t index);
   ast::MetricAlternative metric_alternative(std::size_t index);
   ast::Trigger trigger(std::size_t index);
   /// A trigger's `-> ACTION` (also a rollback deadline's); false when `clause` is no action.
   bool trigger_action(std::size_t clause, ast::TriggerAction& action);
   ast::RollbackBlock rollback_block(std::size_t index);

   const FlatTree& tree_;
   const LineIndex* lines_;
   Diagnostics& diags_;
   std::size_t errors_ = 0;
};

/// Reads a number literal as written ("0.1%", "1h30m", "512KB").
ast::NumberLit read_number(std::string_view spelling);

/// "Canary deployment" -> "canary-deployment".
std::string slugify(std::string_view title);

}  // namespace runbook::syntax
