// Stable step ids: how the journal knows which steps of a runbook are done.
//
//   <phase slug>/<position>            canary-deployment/3
//   <phase slug>/<id "name">           canary-deployment/route-green
//   nested blocks extend the path      canary-deployment/2/1
//   the else branch of an if           canary-deployment/4/else/1
//   a step's undo block                canary-deployment/2/undo/1
//   a step's `on fail { }` block       canary-deployment/2/on-fail/1
//   a watch condition's `on fail { }`  canary-deployment/2/on-fail-1/1 (the 1st condition)
//   a phase's `on fail { }`            canary-deployment/on-fail/1
//   the runbook's `on fail { }`        on-fail/1
//   an approve's `else { }`            canary-deployment/2/on-no/1
//   a phase's `finally { }`            canary-deployment/finally/1 (rollback:emergency/finally/1)
//   function bodies                    fn:traffic.route/1  (fn:<name>/1 in the runbook itself)
//   rollback blocks                    rollback:emergency/2
//
// Positions are 1-based within their block. An explicit `id "name"` keeps a
// step's identity when steps are inserted before it. The interpreter adds
// loop iterations at run time, after the loop's segment:
// canary-deployment/2[pct=25]/1.
#pragma once

#include <string>

#include "syntax/diagnostic.hpp"
#include "syntax/loader.hpp"

namespace runbook {

/// Fills ast::Step::id for every step of the program (phases, rollback blocks,
/// functions of the runbook and of its modules). Duplicate explicit ids in one
/// block, explicit ids that look like positions, and phases whose titles give
/// the same slug are errors.
void assign_step_ids(Program& program, Diagnostics& diags);

/// "Canary deployment (1%)" -> "canary-deployment-1": lower case, runs of
/// anything but letters and digits become one '-', no '-' at either end.
std::string slugify(const std::string& title);

}  // namespace runbook
