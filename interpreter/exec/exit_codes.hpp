// Process exit codes, one meaning each (documented in docs/cli.md).
#pragma once

namespace runbook::exit_code {

inline constexpr int Completed = 0;       ///< The run completed (or: check found no error).
inline constexpr int Failed = 1;          ///< A step failed or the run was aborted.
inline constexpr int Invalid = 2;         ///< Invalid runbook, usage error, unusable journal.
inline constexpr int RolledBack = 3;      ///< The run rolled back and the rollback completed.
inline constexpr int RollbackFailed = 4;  ///< The rollback itself failed.
inline constexpr int Interrupted = 130;   ///< Interrupted; `runbook resume` continues it.

}  // namespace runbook::exit_code
