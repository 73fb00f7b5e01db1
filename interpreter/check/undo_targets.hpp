// `undo "STEP-ID"`: which step it names (docs/language.md, "Compensating one step").
//
// The id is a step's stable id as `runbook plan` shows it without loop
// iterations (`canary/2/1`, `full-rollout/update-dns` for a step with
// `id "update-dns"` directly in the phase), or, for a step with an explicit
// id nested deeper in a phase, the phase's slug and that id
// (`full-rollout/update-dns` for `full-rollout/5/2/update-dns`) when no other
// step of the phase has it. The step must have an `undo { }` block.
#pragma once

#include <map>
#include <string>

#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"
#include "syntax/loader.hpp"

namespace runbook {

/// Every step of the program by its static id (after assign_step_ids).
using StepsById = std::map<std::string, const ast::Step*>;
StepsById steps_by_id(const Program& program);

/// Fills ast::UndoStep::step_id of every `undo "ID"`; reports an id that
/// names no step (`undefined-step`), several (`ambiguous-step`), or a step
/// without an `undo` block (`no-undo`).
void resolve_undo_targets(Program& program, Diagnostics& diags);

}  // namespace runbook
