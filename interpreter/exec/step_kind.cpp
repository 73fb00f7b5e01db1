#include "exec/step_kind.hpp"

#include <utility>

namespace runbook {

namespace {

constexpr std::pair<StepKind, const char*> step_kind_words[] = {
    {StepKind::Sh, "sh"},           {StepKind::Http, "http"},         {StepKind::Wait, "wait"},
    {StepKind::Watch, "watch"},     {StepKind::Await, "await"},       {StepKind::Assert, "assert"},
    {StepKind::Approve, "approve"}, {StepKind::Ask, "ask"},           {StepKind::Checklist, "checklist"},
    {StepKind::Let, "let"},         {StepKind::Log, "log"},           {StepKind::Notify, "notify"},
    {StepKind::Abort, "abort"},     {StepKind::Rollback, "rollback"}, {StepKind::If, "if"},
    {StepKind::For, "for"},         {StepKind::Call, "call"},         {StepKind::UndoAll, "undo_all"},
    {StepKind::Undo, "undo"},       {StepKind::Timer, "timer"},
};

}  // namespace

std::string to_string(StepKind kind)
{
   for (const auto& [k, word] : step_kind_words)
      if (k == kind) return word;
   return "?";
}

std::optional<StepKind> step_kind_from_string(std::string_view word)
{
   for (const auto& [k, w] : step_kind_words)
      if (word == w) return k;
   return std::nullopt;
}

}  // namespace runbook
