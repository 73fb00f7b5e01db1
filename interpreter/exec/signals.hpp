// Signals: facts an operator gives a running run from any terminal.
//
// `signal resolved "The incident is resolved"` declares one; `runbook signal
// RUN resolved` (or `runbook resolve RUN`) posts it through the journal's
// request table, as `runbook approve` does; the run takes it between two
// looks at the world, journals it with who gave it and when, and cancels the
// timers `unless` it. A signal stays given for the rest of the run (and
// across resume: the board is rebuilt from the journal).
#pragma once

#include <map>
#include <string>

#include "exec/clock.hpp"
#include "journal/journal.hpp"

namespace runbook {

struct GivenSignal {
   std::string who;
   TimeMs at = 0;
};

class SignalBoard {
public:
   /// False when it was given before (the first giver is kept).
   bool give(const std::string& name, const std::string& who, TimeMs at);
   bool given(const std::string& name) const { return given_.count(name) > 0; }
   const std::map<std::string, GivenSignal>& all() const { return given_; }
   /// Reads one "signal" event of the journal; ignores other kinds.
   void note(const JournalEvent& event);

private:
   std::map<std::string, GivenSignal> given_;
};

}  // namespace runbook
