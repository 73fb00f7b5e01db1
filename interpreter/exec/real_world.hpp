// The real world: /bin/sh, libcurl, metric sources and the operator at the terminal.
#pragma once

#include <atomic>
#include <memory>

#include "exec/world.hpp"

namespace runbook {

struct RealWorldOptions {
   double time_scale = 1;          ///< 1: real time; N: a runbook minute takes 60/N wall seconds.
   TimeMs clock_origin = 0;        ///< A resumed scaled run continues its time line from here.
   bool assume_yes = false;        ///< `--yes`: questions get their default answer.
   bool interactive = false;       ///< stdin is a terminal: questions are asked there.
};

/// Questions: with --yes the question's default answer; at a terminal the
/// operator's; otherwise nobody is asked and the interpreter takes the choice
/// that fails closed (an unanswered approval is a "no").
std::unique_ptr<World> make_real_world(const RealWorldOptions& options);

/// "alice@build-host": who answers from this process.
std::string operator_identity();

}  // namespace runbook
