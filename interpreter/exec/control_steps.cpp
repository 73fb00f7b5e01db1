// The control steps, which need no World: let, log, notify, abort,
// rollback, if, for, calls, return, undo; and running a function's steps.
#include <fmt/core.h>

#include "exec/failure_router.hpp"
#include "exec/interpreter_impl.hpp"

namespace runbook {

namespace {

std::string iteration_label(const std::string& variable, const Value& item)
{
   return "[" + variable + "=" + item.display() + "]";
}

}  // namespace

Flow Interpreter::Impl::run_control(const ast::Step& step, Frame& frame, const std::string& id)
{
   if (const auto* let = std::get_if<ast::LetStep>(&step.node)) return run_let(step, *let, frame, id);
   if (const auto* log = std::get_if<ast::LogStep>(&step.node))
      return run_message(step, *log->message, StepKind::Log, RunEvent::Kind::Log, frame, id);
   if (const auto* notify = std::get_if<ast::NotifyStep>(&step.node))
      return run_message(step, *notify->message, StepKind::Notify, RunEvent::Kind::Notify, frame, id);
   if (const auto* abort = std::get_if<ast::AbortStep>(&step.node)) return run_abort(step, *abort, frame, id);
   if (const auto* rollback = std::get_if<ast::RollbackStep>(&step.node))
      return run_rollback_step(step, *rollback, frame, id);
   if (const auto* if_step = std::get_if<ast::IfStep>(&step.node)) return run_if(step, *if_step, frame, id);
   if (const auto* for_step = std::get_if<ast::ForStep>(&step.node)) return run_for(step, *for_step, frame, id);
   if (const auto* call = std::get_if<ast::CallStep>(&step.node)) return run_call(step, *call, frame, id);
   if (const auto* ret = std::get_if<ast::ReturnStep>(&step.node)) {
      frame.return_value = ret->value ? evaluator(frame).eval(*ret->value) : Value();
      return Flow::Return;
   }
   if (std::holds_alternative<ast::UndoAllStep>(step.node)) {
      Resolved r{StepKind::UndoAll, {{"summary", fmt::format("{} compensations", undo_stack_.size())}}, true, {}};
      return run_undo(step, frame, id, r, [](const UndoEntry&) { return true; });
   }
   if (const auto* undo = std::get_if<ast::UndoStep>(&step.node)) {
      Resolved r{StepKind::Undo, {{"summary", undo->step_id}, {"target", undo->step_id}}, true, {}};
      return run_undo(step, frame, id, r, [undo](const UndoEntry& e) { return e.static_id == undo->step_id; });
   }
   stop_message_ = "internal error: unknown step kind";
   return Flow::Failed;
}

Flow Interpreter::Impl::run_let(const ast::Step& step, const ast::LetStep& let, Frame& frame, const std::string& id)
{
   // The value is journaled as a capture: a resumed run restores it, not recomputes it.
   Resolved r{StepKind::Let, {{"summary", let.name + " = " + describe(*let.value)}, {"name", let.name}}, true, {}};
   return journaled(step, frame, id, r, [&](const Resolved&) {
      Performed p;
      p.result["capture"] = evaluator(frame).eval(*let.value).to_typed_json();
      return p;
   });
}

Flow Interpreter::Impl::run_message(const ast::Step& step, const ast::Expr& message, StepKind kind,
                                    RunEvent::Kind event, Frame& frame, const std::string& id)
{
   const std::string text = evaluator(frame).text(message, Splice::Message);
   Resolved r{kind, {{"summary", redact(text)}}, true, {}};
   return journaled(step, frame, id, r, [&](const Resolved&) {
      emit(event, id, text);
      return Performed{};
   });
}

Flow Interpreter::Impl::run_abort(const ast::Step& step, const ast::AbortStep& abort, Frame& frame,
                                  const std::string& id)
{
   const std::string reason =
       abort.reason ? evaluator(frame).text(*abort.reason, Splice::Message) : "aborted by the runbook";
   Resolved r{StepKind::Abort, {{"summary", redact(reason)}, {"reason", redact(reason)}}, true, {}};
   return journaled(step, frame, id, r, [&](const Resolved&) {
      Performed p;
      p.flow = Flow::Aborted;
      stop_message_ = reason;
      return p;
   });
}

Flow Interpreter::Impl::run_rollback_step(const ast::Step& step, const ast::RollbackStep& rollback, Frame& frame,
                                          const std::string& id)
{
   Resolved r{StepKind::Rollback, {{"summary", rollback.target}, {"target", rollback.target}}, true, {}};
   return journaled(step, frame, id, r, [&](const Resolved&) {
      Performed p;
      if (in_rollback_) {
         p.flow = Flow::Failed;
         p.outcome = step_outcome::Failed;
         p.message = fmt::format("already rolling back via '{}'; a rollback cannot start another", rollback_name_);
      } else if (find_rollback(rollback.target) == nullptr) {
         p.flow = Flow::Failed;
         p.outcome = step_outcome::Failed;
         p.message = fmt::format("there is no rollback block named '{}'", rollback.target);
      } else {
         p.flow = Flow::Rollback;
         stop_rollback_ = rollback.target;
         stop_message_ = fmt::format("rollback step {}", id);
      }
      return p;
   });
}

Flow Interpreter::Impl::run_if(const ast::Step& step, const ast::IfStep& if_step, Frame& frame, const std::string& id)
{
   // The decision is journaled, so a resumed run takes the same branch.
   Resolved r{StepKind::If, {{"summary", describe(*if_step.cond)}}, true, {}};
   json result;
   const Flow decided = journaled(
      step, frame, id, r,
      [&](const Resolved&) {
         Performed p;
         p.result["branch"] = truthy(evaluator(frame).eval(*if_step.cond)) ? "then" : "else";
         return p;
      },
      &result);
   if (decided != Flow::Next) return decided;
   const bool then = result.value("branch", "then") == "then";
   return run_block(then ? if_step.then_block : if_step.else_block, frame);
}

Flow Interpreter::Impl::run_for(const ast::Step& step, const ast::ForStep& for_step, Frame& frame,
                                const std::string& id)
{
   // The items are journaled: a resumed run iterates over the same values.
   Resolved r{StepKind::For, {{"summary", for_step.variable + " in " + describe(*for_step.items)}}, true, {}};
   json result;
   const Flow listed = journaled(
      step, frame, id, r,
      [&](const Resolved&) {
         Performed p;
         const Value items = evaluator(frame).eval(*for_step.items);
         if (!items.is_list()) throw EvalError(for_step.items->loc, "for needs a list, got " + items.type_name());
         p.result["items"] = items.to_typed_json();
         return p;
      },
      &result);
   if (listed != Flow::Next) return listed;
   const Value items = Value::from_typed_json(result.value("items", json::array()));
   for (const auto& item : items.as_list()) {
      // Each iteration's steps get their own ids: "canary/1[pct=25]".
      Frame iteration = frame;
      iteration.rewrites.emplace_back(step.id, id + redact(iteration_label(for_step.variable, item)));
      frame.scope->set(for_step.variable, item);
      const Flow flow = run_block(for_step.body, iteration);
      if (flow != Flow::Next) return flow;
   }
   return Flow::Next;
}

Flow Interpreter::Impl::run_call(const ast::Step& step, const ast::CallStep& call, Frame& frame,
                                 const std::string& id)
{
   const auto* expr = std::get_if<ast::Call>(&call.call->node);
   if (expr == nullptr) {
      stop_message_ = "internal error: a call step without a call";
      return Flow::Failed;
   }
   const std::string name = callee_name(*expr->callee);
   Resolved r{StepKind::Call, {{"summary", describe(*call.call)}}, true, {}};
   return journaled(step, frame, id, r, [&, name](const Resolved&) {
      Performed p;
      const ast::Function* fn = find_function(name);
      if (fn == nullptr) throw EvalError(call.call->loc, fmt::format("no function named '{}'", name));
      std::vector<Value> args;
      Evaluator args_ev = evaluator(frame);
      for (const auto& arg : expr->args) args.push_back(args_ev.eval(*arg));
      Value result;
      p.flow = call_steps(*fn, std::move(args), id, &result);
      if (p.flow == Flow::Next) {
         p.result["capture"] = result.to_typed_json();
      } else {
         p.outcome = is_failure(p.flow) ? step_outcome::Failed : step_outcome::Interrupted;
         p.message = stop_message_;
         // `retry` on a call tries it again as a whole when the failure inside may be repeated.
         p.retryable = p.flow == Flow::Failed && resume_.last_failure_retryable();
      }
      return p;
   });
}

Flow Interpreter::Impl::run_undo(const ast::Step& step, Frame& frame, const std::string& id, Resolved resolved,
                                 const std::function<bool(const UndoEntry&)>& which)
{
   json result;
   const Flow flow = journaled(step, frame, id, resolved, [&](const Resolved&) {
      Performed p;
      p.result["undone"] = json::array();
      // Newest first: undo in the reverse order of doing. A step's undo runs
      // once per run, whichever `undo` step gets to it first.
      for (auto it = undo_stack_.rbegin(); it != undo_stack_.rend(); ++it) {
         if (!which(*it) || undone_.count(it->origin_id)) continue;
         Frame undo_frame = it->frame;
         undo_frame.scope = it->scope.get();
         undo_frame.outer = id + "/";
         emit(RunEvent::Kind::Log, id, "undoing " + it->origin_id);
         p.flow = run_block(*it->block, undo_frame);
         if (p.flow != Flow::Next) {
            p.outcome = is_failure(p.flow) ? step_outcome::Failed : step_outcome::Interrupted;
            p.message = fmt::format("undo of {} failed: {}", it->origin_id, stop_message_);
            break;
         }
         undone_.insert(it->origin_id);
         p.result["undone"].push_back(it->origin_id);
      }
      if (p.flow == Flow::Next && p.result["undone"].empty() && resolved.kind == StepKind::Undo)
         emit(RunEvent::Kind::Log, id,
              fmt::format("nothing to undo: step {} did not complete in this run, or was undone already",
                          resolved.inputs.value("target", "")));
      return p;
   }, &result);
   // A done record (resume) says which undos ran: they are not run again.
   if (flow == Flow::Next && result.is_object() && result.contains("undone"))
      for (const auto& origin : result["undone"])
         if (origin.is_string()) undone_.insert(origin.get<std::string>());
   return flow;
}

Flow Interpreter::Impl::call_steps(const ast::Function& fn, std::vector<Value> args, const std::string& call_id,
                                   Value* result)
{
   if (args.size() != fn.params.size())
      throw EvalError(fn.loc, fmt::format("{}() takes {} argument{}, got {}", fn.name, fn.params.size(),
                                          fn.params.size() == 1 ? "" : "s", args.size()));
   Scope local(&globals_);
   for (std::size_t i = 0; i < args.size(); ++i) local.set(fn.params[i].first, std::move(args[i]));
   Frame frame;
   frame.scope = &local;
   frame.prefix = call_id + "/";
   Flow flow = run_block(fn.body, frame);
   if (flow == Flow::Return) flow = Flow::Next;
   if (flow == Flow::Next && result != nullptr) *result = frame.return_value;
   return flow;
}

}  // namespace runbook
