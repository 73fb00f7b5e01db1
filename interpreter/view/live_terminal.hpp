// The live view on a terminal: the run's lines scroll while a small status
// block (exec/live_view) stays at the bottom, redrawn in place.
//
// Drawing is plain ANSI: move the cursor up over the block, erase to the end
// of the screen, print the new log lines, print the block again. It redraws on
// every event and on a timer (so the bar moves during a long wait), reads the
// width on each redraw (so a resized window is followed), never draws while a
// question is on the terminal, and on the run's end (or destruction: an error,
// Ctrl-C) erases the block and shows the cursor again, leaving exactly the
// plain lines behind.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>

#include "exec/events.hpp"

namespace runbook {

struct LiveTerminalOptions {
   bool color = true;                     ///< False when NO_COLOR is set.
   bool unicode = true;                   ///< Block characters; ASCII when the locale is not UTF-8.
   std::function<double()> now;           ///< Runbook time (the run's clock); null: the latest event's time.
   int redraw_every_ms = 200;             ///< Timer redraws (5 Hz).
   std::function<int()> width;            ///< Terminal columns; null: ask the terminal of `out`.
};

/// True when `out` is a terminal.
bool is_terminal(std::FILE* out);
/// Columns of the terminal behind `out` (TIOCGWINSZ), else $COLUMNS, else 80.
int terminal_width(std::FILE* out);
/// True when the locale (LC_ALL, LC_CTYPE, LANG) says UTF-8.
bool locale_is_utf8();

std::unique_ptr<RunObserver> make_live_observer(std::FILE* out, LiveTerminalOptions options);

}  // namespace runbook
