// The runbook's `ensure` invariants (docs/verify.md, "ensure"): evaluated
// once a run has ended (completed, rolled back, failed or aborted; an
// interrupted run has not ended, its resume will), in the global scope. The
// steps their functions run are journaled under `ensure/<n>` like any step,
// so a resume does not redo one that finished. A broken invariant is
// reported, journaled and part of the outcome; it never changes the exit
// code: the run's outcome is what its steps did.
#include <fmt/core.h>

#include "check/signature.hpp"
#include "exec/interpreter_impl.hpp"

namespace runbook {

std::vector<EnsureResult> Interpreter::Impl::check_ensures(Flow& flow)
{
   std::vector<EnsureResult> results;
   // Interrupted (or left resumable) is not an end; a broken journal runs nothing more.
   if (!program_.root || flow == Flow::Interrupted || flow == Flow::JournalBroken || keep_resumable_) return results;
   const auto& ensures = program_.root->ensures;
   for (std::size_t i = 0; i < ensures.size(); ++i) {
      Flow stopped = Flow::Next;
      EnsureResult result = check_ensure(ensures[i], fmt::format("ensure/{}", i + 1), stopped);
      if (stopped == Flow::Interrupted || stopped == Flow::JournalBroken) {
         // Ctrl-C (or a dead journal) while an invariant was read: the run
         // has not ended. Its resume evaluates them again, without redoing
         // the steps that finished.
         flow = stopped;
         return {};
      }
      results.push_back(std::move(result));
   }
   return results;
}

namespace {

std::string ensure_text(const EnsureResult& result)
{
   if (result.held) return "ensure held: " + result.title;
   return fmt::format("ENSURE BROKEN: {} ({})", result.title, result.message);
}

}  // namespace

EnsureResult Interpreter::Impl::check_ensure(const ast::Ensure& ensure, const std::string& id, Flow& stopped)
{
   // The run's own stop message is its summary: a function failing here must not replace it.
   const std::string stop_message = stop_message_;
   const std::string outer = current_step_;
   current_step_ = id;   // calls in the expression journal their steps under this id
   EnsureResult result = evaluate_ensure(ensure, stopped);
   current_step_ = outer;
   if (interrupted()) stopped = Flow::Interrupted;
   if (stopped == Flow::Interrupted || stopped == Flow::JournalBroken) return result;   // not evaluated
   stop_message_ = stop_message;
   result.message = redact(result.message);
   const json data{{"title", result.title}, {"held", result.held}, {"message", result.message}};
   emit(RunEvent::Kind::Ensure, id, ensure_text(result), data);
   record("ensure", id, data);
   return result;
}

EnsureResult Interpreter::Impl::evaluate_ensure(const ast::Ensure& ensure, Flow& stopped)
{
   EnsureResult result{ensure.title, false, ""};
   const std::string written = expr_source(*ensure.expr);
   const std::string failed = "could not be evaluated: ";
   try {
      const Value value = Evaluator(globals_, *this).eval(*ensure.expr);   // the global scope: params, secrets
      if (!value.is_bool()) result.message = fmt::format("{} is {}, not true or false", written, value.type_name());
      else if (!(result.held = value.as_bool())) result.message = written + " is false";
   } catch (const FlowUnwind& unwind) {   // a step of its function failed (it said why), or the run stopped
      stopped = unwind.flow;
      result.message = failed + (stop_message_.empty() ? std::string("its function did not return") : stop_message_);
   } catch (const EvalError& e) {
      result.message = failed + e.what();
   } catch (const ValueError& e) {
      result.message = failed + e.what();
   } catch (const SampleFailed& e) {
      result.message = failed + e.what();
   }
   return result;
}

}  // namespace runbook
