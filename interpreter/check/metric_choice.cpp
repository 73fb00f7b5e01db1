#include "check/metric_choice.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "check/signature.hpp"
#include "syntax/expr_walk.hpp"
#include "syntax/suggest.hpp"

namespace runbook {

namespace {

class MetricChooser {
public:
   MetricChooser(const StaticScope& params, const std::vector<std::string>& names, Diagnostics& diags)
      : params_(params), names_(names), diags_(diags)
   {
   }

   void metric(ast::Metric& metric)
   {
      metric.chosen = 0;
      metric.chosen_by.clear();
      auto& alternatives = metric.alternatives;
      bool chosen = false;
      bool undecided = false;   // a condition's value is not known (a required param not given)
      for (std::size_t i = 0; i < alternatives.size(); ++i) {
         const ast::MetricAlternative& alternative = alternatives[i];
         if (!alternative.condition) {
            if (i + 1 < alternatives.size())
               diags_.error(alternatives[i + 1].loc, "metric-choice-unreachable",
                            fmt::format("this source of metric '{}' is never used: the one before it has no 'if', so "
                                        "it always applies",
                                        metric.name),
                            {"put the source without 'if' last"});
            if (!chosen && !undecided) metric.chosen = i, chosen = true;
            break;
         }
         if (!params_only(*alternative.condition)) {
            undecided = true;
            continue;
         }
         if (!chosen) add_names(*alternative.condition, metric.chosen_by);
         const StaticValue value = evaluate_static(*alternative.condition, params_);
         if (value.kind == StaticValue::Kind::Unknown) {
            undecided = true;   // a param with no value: reported as missing
            continue;
         }
         if (value.kind != StaticValue::Kind::Bool || !value.known()) {
            diags_.error(alternative.condition->loc, "type-mismatch",
                         fmt::format("the 'if' of a metric's source needs true or false, but '{}' is {}",
                                     expr_source(*alternative.condition), show_value(value)));
            undecided = true;
            continue;
         }
         if (value.boolean && !chosen && !undecided) metric.chosen = i, chosen = true;
      }
      if (!chosen && !undecided) no_source(metric);
   }

private:
   /// True when the condition reads nothing but params, literals and operators.
   bool params_only(const ast::Expr& expr)
   {
      bool ok = true;
      for_each_subexpr(expr, [&](const ast::Expr& e) {
         if (const auto* name = std::get_if<ast::NameRef>(&e.node)) {
            if (is_param(name->name)) return;
            diags_.error(e.loc, "metric-choice-not-param",
                         fmt::format("a metric's source is chosen before the run, from params only, but '{}' is not a "
                                     "param",
                                     name->name),
                         did_you_mean(name->name, names_));
            ok = false;
         } else if (std::holds_alternative<ast::Call>(e.node) || std::holds_alternative<ast::HttpProbe>(e.node)) {
            diags_.error(e.loc, "metric-choice-not-param",
                         fmt::format("a metric's source is chosen before the run, from params only, but '{}' is only "
                                     "known at run time",
                                     expr_source(e)));
            ok = false;
         }
      });
      return ok;
   }

   bool is_param(const std::string& name) const
   {
      if (std::find(names_.begin(), names_.end(), name) == names_.end()) return false;
      const StaticValue* value = params_.find(name);
      return value != nullptr && !value->secret;
   }

   void no_source(const ast::Metric& metric)
   {
      std::vector<std::string> values;
      for (const auto& name : metric.chosen_by)
         if (const StaticValue* value = params_.find(name)) values.push_back(name + " = " + show_value(*value));
      std::string shown;
      for (const auto& v : values) shown += (shown.empty() ? "" : ", ") + v;
      diags_.error(metric.loc, "metric-no-source",
                   fmt::format("no source of metric '{}' applies with these params ({})", metric.name, shown),
                   {"give the params other values with -p, or add a last source without 'if'"});
   }

   /// The params a condition reads, in order of first appearance.
   void add_names(const ast::Expr& expr, std::vector<std::string>& out)
   {
      for_each_subexpr(expr, [&](const ast::Expr& e) {
         if (const auto* name = std::get_if<ast::NameRef>(&e.node))
            if (std::find(out.begin(), out.end(), name->name) == out.end()) out.push_back(name->name);
      });
   }

   const StaticScope& params_;
   const std::vector<std::string>& names_;
   Diagnostics& diags_;
};

}  // namespace

void choose_metric_sources(Program& program, const StaticScope& params, const std::vector<std::string>& param_names,
                           Diagnostics& diags)
{
   MetricChooser chooser(params, param_names, diags);
   const auto file = [&](ast::File& f) {
      for (auto& metric : f.metrics) chooser.metric(metric);
   };
   if (program.root) file(*program.root);
   for (auto& entry : program.modules)
      if (entry.second) file(*entry.second);
}

}  // namespace runbook
