// Observers that print a run as it happens.
//
//   text   one line per event: time, step id, what happened (colour only on a
//          terminal and never when NO_COLOR is set)
//   json   one JSON object per line (`--output json`), for tools
//
//   live   the terminal view (exec/live_terminal.hpp): the same lines scroll
//          above a status block redrawn in place
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "exec/events.hpp"

namespace runbook {

/// Colour: true only when `out` is a terminal and NO_COLOR is unset or empty.
bool use_color(std::FILE* out);

std::unique_ptr<RunObserver> make_text_observer(std::FILE* out, bool color);
std::unique_ptr<RunObserver> make_json_observer(std::FILE* out);

/// The line the text observer prints for an event ("14:05:30 [step] ..."),
/// without its newline; none for events it does not show.
std::optional<std::string> plain_line(const RunEvent& event, bool color);

/// "14:05:30": runbook time of day (UTC), as observers print it.
std::string clock_text(double at_ms);

/// An event as one JSON object (the `--output json` line format).
nlohmann::json event_json(const RunEvent& event);

}  // namespace runbook
