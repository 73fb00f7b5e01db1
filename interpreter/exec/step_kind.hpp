// What kind of step a record, an event or a resolved step is about: one enum
// in code, one word in the journal and in events ("sh", "wait", "undo_all").
// The words are the journal's format: to_string must never change them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runbook {

enum class StepKind {
   Sh,
   Http,
   Wait,
   Watch,
   Await,
   Assert,
   Approve,
   Ask,
   Checklist,
   Let,
   Log,
   Notify,
   Abort,
   Rollback,
   If,
   For,
   Call,
   UndoAll,
   Undo,
   Timer,
};

/// The word journaled and put in events for `kind`.
std::string to_string(StepKind kind);
/// The kind a journaled or emitted word names; nullopt for anything else.
std::optional<StepKind> step_kind_from_string(std::string_view word);

/// A step that asks the operator and waits for the answer.
inline bool is_question(StepKind kind)
{
   return kind == StepKind::Approve || kind == StepKind::Ask || kind == StepKind::Checklist;
}

}  // namespace runbook
