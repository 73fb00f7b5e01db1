// Run ids: short, sortable by start time, easy to type.
#pragma once

#include <string>

namespace runbook {

/// "r20261126-144512-3f9a": UTC date and time of `wall_ms`, then 16 random
/// bits so runs started in the same second differ.
std::string make_run_id(double wall_ms);

}  // namespace runbook
