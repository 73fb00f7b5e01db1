#include "check/ensure_reads.hpp"

#include <fmt/format.h>

#include "syntax/expr_walk.hpp"

namespace runbook {

namespace {

void report_in(const ast::Ensure& ensure, const ast::Expr& expr, const GlobalNames& names, Diagnostics& diags)
{
   for_each_subexpr(expr, [&](const ast::Expr& e) {
      // for_each_subexpr does not enter calls: a metric passed to a function is read all the same.
      if (const auto* call = std::get_if<ast::Call>(&e.node))
         for (const auto& arg : call->args) report_in(ensure, *arg, names, diags);
      const auto* name = std::get_if<ast::NameRef>(&e.node);
      if (name == nullptr) return;
      const auto it = names.values.find(name->name);
      if (it == names.values.end() || it->second.kind != GlobalValue::Kind::Metric) return;
      diags.error(e.loc, "ensure-reads-metric",
                  fmt::format("invariant \"{}\" reads metric '{}': an invariant is about where the world ends, "
                              "not a sample of one moment",
                              ensure.title, name->name),
                  {"watch the metric with a trigger or an 'await' in a phase; an invariant may read params, "
                   "secrets and call functions that look at the world (traffic.one_environment(lb, lb_token))"});
   });
}

}  // namespace

void report_metric_reads(const ast::Ensure& ensure, const GlobalNames& names, Diagnostics& diags)
{
   if (ensure.expr) report_in(ensure, *ensure.expr, names, diags);
}

}  // namespace runbook
