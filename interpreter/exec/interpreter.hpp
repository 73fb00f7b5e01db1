// The interpreter: runs a checked Program against a World, journaling every step.
//
// One Interpreter drives one run from start (or resume) to an outcome. It is
// the same code for `run`, `resume` and `simulate`; only the World, the Clock
// inside it and the journal file differ.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exec/events.hpp"
#include "exec/world.hpp"
#include "journal/journal.hpp"
#include "syntax/loader.hpp"

namespace runbook {

/// What to do with a step that started but never finished (crash mid-step)
/// and is not safe to repeat.
enum class InDoubtPolicy { Ask, Redo, Skip, Fail };

struct RunSettings {
   std::map<std::string, std::string> params;   ///< `-p name=value`, raw text (parsed by the declared type).
   bool assume_yes = false;                     ///< `--yes`: checklists/approvals answered yes; nobody to ask otherwise.
   bool interactive = false;                    ///< A terminal can be asked.
   InDoubtPolicy in_doubt = InDoubtPolicy::Ask;
   /// Set from a signal handler (Ctrl-C): stop at once, mark the run interrupted.
   const std::atomic<bool>* interrupt = nullptr;
   /// Environment lookup for secrets (tests inject their own).
   std::map<std::string, std::string> env_override;
   /// resume --use-current: refuse (before running anything) when a step the
   /// journal records as done is missing from the program or defined differently.
   bool require_unchanged_done = false;
};

/// One `ensure` invariant, evaluated when the run ended (exec/ensure.cpp).
struct EnsureResult {
   std::string title;
   bool held = false;
   std::string message;          ///< Why it is broken, or could not be evaluated; redacted.
};

struct RunOutcome {
   int exit_code = 0;            ///< See exec/exit_codes.hpp.
   std::string run_id;
   std::string status;           ///< run_status::* value.
   std::string summary;          ///< One line for the operator, redacted.
   /// The run's top-level variables (phase and rollback `let`s) at its end,
   /// redacted: what `runbook test` checks `expect variable` against.
   nlohmann::json variables = nlohmann::json::object();
   /// The runbook's invariants, in declaration order; empty when the run did
   /// not end (interrupted). They never change the exit code.
   std::vector<EnsureResult> ensures = {};
   /// When the rollback block's steps ended (succeeded or failed; its
   /// `finally` not included): the end its `within` deadline measures.
   /// Empty when the run entered no rollback or its steps did not end.
   std::optional<TimeMs> rollback_ended_at = {};
   /// The steps that completed with an `undo { }` block (runtime ids, in the
   /// order they completed), and those whose undo ran (by `undo all` or
   /// `undo "ID"`), sorted; redacted as the journal's step ids are.
   std::vector<std::string> undoable = {};
   std::vector<std::string> undone = {};
};

class Interpreter {
public:
   Interpreter(const Program& program, World& world, Journal& journal, RunObserver& observer, RunSettings settings);
   ~Interpreter();

   /// Starts a new run from the first phase.
   RunOutcome start(const std::string& runbook_path);
   /// Continues an interrupted run: done steps are skipped and their captures
   /// restored; in-doubt steps are settled by the policy.
   RunOutcome resume(const std::string& run_id);

private:
   struct Impl;
   // Small parts of the interpreter in their own files that act on its state.
   friend class FailureRouter;    // exec/failure_router.hpp
   friend class DecisionRules;    // exec/decisions.hpp
   std::unique_ptr<Impl> impl_;
};

}  // namespace runbook
