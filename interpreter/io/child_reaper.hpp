// The child reaper: shell commands never outlive a runbook that died.
//
// A command runs in its own process group, so a terminal's Ctrl-C or hang-up
// reaches runbook, which stops the group itself. But runbook may die without
// a chance to (SIGKILL, a crash, the OOM killer), and then the command would
// go on unsupervised. PR_SET_PDEATHSIG cannot help: it reaches one process,
// not the group, and posix_spawn cannot set it.
//
// So a run starts one small helper process (`runbook __reap-children`, in a
// process group of its own, deaf to the terminal's signals). runbook tells it
// over a pipe which groups are running ("+PGID", "-PGID"); when the pipe
// reaches end of file while groups are still listed, runbook is gone: the
// helper sends them SIGTERM, and SIGKILL after a grace period.
#pragma once

#include <string>

namespace runbook {

/// Starts the helper (`program __reap-children`); false, and commands run
/// unguarded, when it cannot be started. Called once, by run and resume.
bool start_child_reaper(const std::string& program);

/// Tells the helper about a process group that started or ended (no-ops when
/// no helper runs, as in the unit tests).
void reaper_watch(int pgid);
void reaper_forget(int pgid);

/// The helper's main: reads the pipe on stdin until end of file.
int run_child_reaper();

}  // namespace runbook
