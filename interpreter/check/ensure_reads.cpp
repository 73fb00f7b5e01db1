#include "check/ensure_reads.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "syntax/callee.hpp"
#include "syntax/expr_walk.hpp"
#include "syntax/nested_blocks.hpp"
#include "syntax/step_exprs.hpp"

namespace runbook {

namespace {

constexpr const char* metric_read_note =
    "watch the metric with a trigger or an 'await' in a phase; an invariant may read params, "
    "secrets and call functions that look at the world (traffic.one_environment(lb, lb_token))";

/// A function of the runbook a call names (syntax/callee.hpp), and how a person calls it.
struct Followed {
   const ast::Function* fn = nullptr;
   const ast::File* file = nullptr;   ///< Its own bare calls resolve here.
   std::string display;               ///< "healthy", "traffic.one_environment".
};

/// A metric a function reads, and the chain of calls it is read through (the function first).
struct MetricRead {
   std::string metric;
   std::vector<std::string> chain;
};

/// Follows an invariant's calls into the functions of the runbook and its
/// modules, resolved as the checker resolves them: a bare name is a function
/// of the calling file, `module.name` one of that module.
class MetricReads {
public:
   MetricReads(const Program& program, const GlobalNames& names) : program_(program), names_(names) {}

   bool is_metric(const std::string& name) const
   {
      const auto it = names_.values.find(name);
      return it != names_.values.end() && it->second.kind == GlobalValue::Kind::Metric;
   }

   std::optional<Followed> resolve(const ast::Call& call, const ast::File* file) const
   {
      const Callee callee = resolve_callee(program_, call, file);
      if (callee.function == nullptr) return std::nullopt;
      const bool root = callee.file == program_.root.get();
      return Followed{callee.function, callee.file,
                      root ? callee.function->name : module_of(callee.file) + "." + callee.function->name};
   }

   /// The first metric the function's steps read, directly or through the
   /// functions they call; a function already being followed (recursion) adds nothing.
   std::optional<MetricRead> read_by(const Followed& callee)
   {
      if (const auto known = done_.find(callee.fn); known != done_.end()) return known->second;
      if (!following_.insert(callee.fn).second) {
         ++cuts_;
         return std::nullopt;
      }
      const int cuts_before = cuts_;
      const std::set<std::string> locals = locals_of(*callee.fn);
      std::optional<MetricRead> found;
      ast::for_each_step(callee.fn->body, [&](const ast::Step& step) {
         for (const ast::Expr* e : ast::step_exprs(step))
            if (!found) found = read_in(*e, callee.file, locals);
      });
      following_.erase(callee.fn);
      if (found) found->chain.insert(found->chain.begin(), callee.display);
      // "Reads none" is known only when no call was cut short as recursion:
      // the function being followed there may still read one further on.
      if (found || cuts_ == cuts_before) done_[callee.fn] = found;
      return found;
   }

private:
   /// The name the program calls a module's file by ("traffic").
   std::string module_of(const ast::File* file) const
   {
      for (const auto& [alias, module] : program_.modules)
         if (module.get() == file) return alias;
      return "?";
   }

   /// Names bound inside the function (its parameters, lets, loop variables,
   /// captures): they hide a metric of the same name.
   static std::set<std::string> locals_of(const ast::Function& fn)
   {
      std::set<std::string> names;
      for (const auto& p : fn.params) names.insert(p.first);
      ast::for_each_step(fn.body, [&](const ast::Step& step) {
         if (const auto* let = std::get_if<ast::LetStep>(&step.node)) names.insert(let->name);
         if (const auto* loop = std::get_if<ast::ForStep>(&step.node)) names.insert(loop->variable);
         if (!step.options.capture.empty()) names.insert(step.options.capture);
      });
      return names;
   }

   std::optional<MetricRead> read_in(const ast::Expr& expr, const ast::File* file, const std::set<std::string>& locals)
   {
      std::optional<MetricRead> found;
      for_each_subexpr(expr, [&](const ast::Expr& e) {
         if (found) return;
         if (const auto* name = std::get_if<ast::NameRef>(&e.node)) {
            if (!locals.count(name->name) && is_metric(name->name)) found = MetricRead{name->name, {}};
            return;
         }
         if (const auto* probe = std::get_if<ast::HttpProbe>(&e.node)) {
            if (probe->url) found = read_in(*probe->url, file, locals);
            for (const auto& h : probe->headers)
               if (!found && h.second) found = read_in(*h.second, file, locals);
            return;
         }
         const auto* call = std::get_if<ast::Call>(&e.node);
         if (call == nullptr) return;
         // for_each_subexpr does not enter calls: their arguments, then the function.
         for (const auto& arg : call->args)
            if (!found && arg) found = read_in(*arg, file, locals);
         if (found) return;
         if (const auto callee = resolve(*call, file)) found = read_by(*callee);
      });
      return found;
   }

   const Program& program_;
   const GlobalNames& names_;
   std::set<const ast::Function*> following_;
   std::map<const ast::Function*, std::optional<MetricRead>> done_;
   int cuts_ = 0;   ///< Calls not followed because their function was being followed.
};

void report_in(const ast::Ensure& ensure, const ast::Expr& expr, MetricReads& reads, const ast::File* root,
               Diagnostics& diags)
{
   for_each_subexpr(expr, [&](const ast::Expr& e) {
      if (const auto* call = std::get_if<ast::Call>(&e.node)) {
         // for_each_subexpr does not enter calls: a metric passed to a function is read all the same.
         for (const auto& arg : call->args)
            if (arg) report_in(ensure, *arg, reads, root, diags);
         // And so is one the function reads itself, however deep.
         const auto callee = reads.resolve(*call, root);
         if (!callee) return;
         const auto read = reads.read_by(*callee);
         if (!read) return;
         std::string chain;
         for (const auto& fn : read->chain) chain += (chain.empty() ? "" : " -> ") + fn + "()";
         diags.error(e.loc, "ensure-reads-metric",
                     fmt::format("invariant \"{}\" reads metric '{}' through function {}: an invariant is about "
                                 "where the world ends, not a sample of one moment",
                                 ensure.title, read->metric, chain),
                     {metric_read_note});
         return;
      }
      const auto* name = std::get_if<ast::NameRef>(&e.node);
      if (name == nullptr || !reads.is_metric(name->name)) return;
      diags.error(e.loc, "ensure-reads-metric",
                  fmt::format("invariant \"{}\" reads metric '{}': an invariant is about where the world ends, "
                              "not a sample of one moment",
                              ensure.title, name->name),
                  {metric_read_note});
   });
}

}  // namespace

void report_metric_reads(const ast::Ensure& ensure, const Program& program, const GlobalNames& names,
                         Diagnostics& diags)
{
   if (!ensure.expr) return;
   MetricReads reads(program, names);
   report_in(ensure, *ensure.expr, reads, program.root.get(), diags);
}

}  // namespace runbook
