// Expression evaluation: the language's expressions over runtime values.
//
// The evaluator knows scopes (variables, params, secrets) and operators; what
// touches the world (sampling a metric, an `http get ... json` probe, calling a
// runbook function, reading the clock) goes through EvalHooks, which the
// interpreter implements. Every error carries the expression's location.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "exec/value.hpp"
#include "syntax/ast.hpp"

namespace runbook {

/// A runtime error at a place in the runbook: "rollout.rb:12:7: cannot compare ...".
class EvalError : public std::runtime_error {
public:
   EvalError(const Location& loc, const std::string& message);
   std::string bare_message;
};

/// A metric (or probe) could not be sampled. Conditions catch it: an error
/// never passes a check.
class SampleFailed : public std::runtime_error {
public:
   SampleFailed(std::string metric, const std::string& error)
      : std::runtime_error(metric + ": " + error), metric(std::move(metric)), error(error) {}
   std::string metric;
   std::string error;
};

/// Variables visible to an expression: a chain of maps, innermost first.
class Scope {
public:
   explicit Scope(const Scope* parent = nullptr) : parent_(parent) {}
   const Value* find(const std::string& name) const;
   void set(const std::string& name, Value value) { vars_[name] = std::move(value); }
   bool has_own(const std::string& name) const { return vars_.count(name) > 0; }
   const std::map<std::string, Value>& own() const { return vars_; }
   const Scope* parent() const { return parent_; }

private:
   const Scope* parent_;
   std::map<std::string, Value> vars_;
};

class EvalHooks {
public:
   virtual ~EvalHooks() = default;
   virtual bool is_metric(const std::string& name) const = 0;
   /// Samples a metric now; throws SampleFailed when the sample is an error.
   virtual Value sample_metric(const std::string& name, const Location& loc) = 0;
   /// `http get URL json PATH`: throws SampleFailed on a transport error, a
   /// status >= 400 or a missing path.
   virtual Value http_probe(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                            const std::string& json_path, const Location& loc) = 0;
   /// A runbook function (`route(...)`, `traffic.route(...)`); name is as written.
   virtual bool has_function(const std::string& name) const = 0;
   virtual Value call_function(const std::string& name, std::vector<Value> args, const Location& loc) = 0;
   virtual double now_ms() const = 0;
};

/// How values are spliced into an interpolated string.
///   Text     as displayed.
///   Shell    quoted for where it lands in the command (io/shell_splice.hpp):
///            it arrives as exactly its characters and never adds syntax.
///   Message  as displayed, for words meant for people (log, notify, prompts):
///            a metric or probe that cannot be sampled shows as
///            `<unavailable: reason>` instead of stopping the step, because
///            saying something must never abort a rollout. Conditions never
///            use it: there an unavailable metric still fails closed.
enum class Splice { Text, Shell, Message };

/// A metric value observed while evaluating (for "error_rate was 2.1%" messages).
struct Observation { std::string name; Value value; };

class Evaluator {
public:
   Evaluator(const Scope& scope, EvalHooks& hooks) : scope_(scope), hooks_(hooks) {}

   Value eval(const ast::Expr& expr);
   /// Evaluates a string expression; values spliced into `${}` are shell-quoted
   /// with Splice::Shell (so a value can never add shell syntax); see Splice::Message.
   std::string text(const ast::Expr& expr, Splice splice = Splice::Text);

   /// Metrics sampled so far, in order.
   const std::vector<Observation>& observations() const { return observations_; }

private:
   Value eval_name(const ast::NameRef& ref, const Location& loc);
   Value eval_call(const ast::Call& call, const Location& loc);
   Value eval_member(const ast::Member& member, const Location& loc);
   Value eval_index(const ast::Index& index, const Location& loc);
   std::string interpolate(const ast::StringLit& lit, Splice splice);
   /// The displayed value of `expr`; with Splice::Message a failed sample displays as `<unavailable: reason>`.
   std::string display(const ast::Expr& expr, Splice splice);

   const Scope& scope_;
   EvalHooks& hooks_;
   std::vector<Observation> observations_;
};

/// The qualified name a call's callee spells: `route`, `traffic.route`; empty if not a name.
std::string callee_name(const ast::Expr& callee);

/// The expression as written (approximately), for messages: `error_rate < 0.1%`.
std::string describe(const ast::Expr& expr);

}  // namespace runbook
