// Sends a failure where its route says (docs/language.md "Failure routes").
//
//   rollback NAME   the run switches to rollback NAME (in a rollback block:
//                   a rollback cannot start another, so the rollback fails)
//   stop            the run ends failed there (Flow::Stopped: no outer route
//                   takes it again)
//   { steps }       the steps run in the failed step's frame; when they end
//                   normally the failure is handled and the run goes on with
//                   the step after the failed one
//
// Every routing is journaled (`failure_routed`) before the route acts, so a
// resumed run takes the same route without running the failed step again.
#pragma once

#include "exec/interpreter_impl.hpp"

namespace runbook {

class FailureRouter {
public:
   explicit FailureRouter(Interpreter::Impl& run) : run_(run) {}

   /// After a step ended with `flow`: routes it if it failed and a route applies.
   Flow after_step(Flow flow, const ast::Step& step, Frame& frame, const std::string& id);
   /// Resume: a step whose failure went to its `{ steps }` route: the route again (its done steps are skipped).
   Flow resume_routed(const ast::Step& step, Frame& frame, const std::string& id);
   /// After a phase's block failed: the phase's route, else the runbook's default.
   Flow after_phase(Flow flow, const ast::Phase& phase);
   /// A step of a block failed: a `soft` one is recorded and the block goes on (Next).
   Flow soft(Flow flow, const ast::Step& step, std::vector<std::string>& soft_failures);
   /// The end of a block: it fails with every soft failure listed, if it had any.
   Flow block_end(const std::vector<std::string>& soft_failures);
   /// `finally { }` after a phase or rollback block that ended with `flow`;
   /// `failures` are those noted since `mark`. Returns the block's flow (or,
   /// when the block succeeded, the finally's own).
   Flow finally(const ast::Block& steps, Flow flow, std::size_t mark);

private:
   Flow take(const ast::FailRoute& route, Frame& frame, const std::string& id, const std::string& where);
   Flow to_rollback(const ast::FailRoute& route, const std::string& where);
   Flow to_steps(const ast::FailRoute& route, Frame& frame, const std::string& id);

   Interpreter::Impl& run_;
};

}  // namespace runbook
