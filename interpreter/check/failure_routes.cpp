#include "check/failure_routes.hpp"

#include <fmt/format.h>

namespace runbook {

namespace {

using namespace ast;

bool has_side_effect(const Block& block);

bool has_side_effect(const Step& step)
{
   if (std::holds_alternative<ShStep>(step.node) || std::holds_alternative<CallStep>(step.node)) return true;
   if (const auto* http = std::get_if<HttpStep>(&step.node)) return http->method != "GET" && http->method != "HEAD";
   if (const auto* s = std::get_if<IfStep>(&step.node)) return has_side_effect(s->then_block) || has_side_effect(s->else_block);
   if (const auto* s = std::get_if<ForStep>(&step.node)) return has_side_effect(s->body);
   return false;
}

bool has_side_effect(const Block& block)
{
   for (const auto& step : block)
      if (has_side_effect(*step)) return true;
   return false;
}

/// Steps that end in "failed" by themselves (not counting what they contain).
bool can_fail(const Step& step)
{
   if (const auto* watch = std::get_if<WatchStep>(&step.node)) {
      for (const auto& c : watch->conditions)
         if (!c.on_fail) return true;
      return false;
   }
   // A question nobody answers fails only when it has no default to take.
   if (const auto* ask = std::get_if<AskStep>(&step.node)) return !ask->decision.default_answer;
   return std::holds_alternative<ShStep>(step.node) || std::holds_alternative<HttpStep>(step.node) ||
          std::holds_alternative<ChecklistStep>(step.node) || std::holds_alternative<ApproveStep>(step.node) ||
          std::holds_alternative<AwaitStep>(step.node) || std::holds_alternative<AssertStep>(step.node) ||
          std::holds_alternative<CallStep>(step.node);
}

const Step* first_unrouted(const Block& block);

const Step* first_unrouted(const Step& step)
{
   if (step.options.on_fail) return nullptr;   // Its route covers what it contains too.
   if (const auto* s = std::get_if<IfStep>(&step.node)) {
      if (const Step* found = first_unrouted(s->then_block)) return found;
      return first_unrouted(s->else_block);
   }
   if (const auto* s = std::get_if<ForStep>(&step.node)) return first_unrouted(s->body);
   return can_fail(step) ? &step : nullptr;
}

const Step* first_unrouted(const Block& block)
{
   for (const auto& step : block)
      if (const Step* found = first_unrouted(*step)) return found;
   return nullptr;
}

}  // namespace

void warn_unrouted_failure(const Phase& phase, Diagnostics& diags)
{
   if (!has_side_effect(phase.body)) return;
   const Step* step = first_unrouted(phase.body);
   if (step == nullptr) return;
   diags.warning(phase.loc, "unrouted-failure",
                 fmt::format("phase \"{}\" changes the world but a failure of the step on line {} goes nowhere "
                             "declared: the run would stop there, leaving things as they are",
                             phase.title, step->loc.line),
                 {"add 'on fail rollback NAME' (or 'on fail stop' to say so on purpose) to the phase, the step, or "
                  "the runbook (a top-level 'on fail ...')"});
}

}  // namespace runbook
