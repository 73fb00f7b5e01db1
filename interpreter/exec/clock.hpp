// Time as the runbook sees it.
//
// One abstraction for three clocks: real time, scaled time (`--time-scale 60`
// makes a runbook minute pass in a wall second) and virtual time (simulate:
// waits take no wall time at all). Runbook time is milliseconds since the
// Unix epoch on every clock, so journaled deadlines mean the same thing.
//
// Which clock measures what: the wall clock (CLOCK_REALTIME) is read once,
// when a process's clock is made; from there runbook time advances with the
// monotonic clock (CLOCK_MONOTONIC). So every duration inside a process (a
// wait, a watch, a trigger's `for` window, sampling intervals, timeouts)
// ignores a wall-clock step (NTP, a resumed VM), while a deadline journaled
// before a restart is still compared with the wall time of the new process.
// A step of the wall clock during a run shows as wall_drift_ms(); the
// interpreter journals it (a clock_jump event).
//
// For tests only: RUNBOOK_TEST_WALL_OFFSET_FILE names a file holding a number
// of milliseconds added to the wall clock, read at each reading, so a test
// can step the wall clock of a running process. Unset, it costs nothing.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace runbook {

using TimeMs = double;   ///< Runbook time: ms since the epoch.

class Clock {
public:
   virtual ~Clock() = default;
   virtual TimeMs now() const = 0;
   /// Sleeps until runbook time `t` or until `cancel` becomes true (checked at
   /// least every 50 wall ms). Returns false when cancelled.
   virtual bool sleep_until(TimeMs t, const std::atomic<bool>* cancel = nullptr) = 0;
   /// Runbook milliseconds per wall millisecond (1 real, N scaled, 0 virtual).
   virtual double scale() const = 0;
   /// Converts a runbook duration into the wall duration it takes (for timeouts of real processes).
   double wall_ms(double runbook_ms) const { return scale() > 0 ? runbook_ms / scale() : 0; }
   /// How far the wall clock has stepped since this clock was made (positive:
   /// forward), beyond what the monotonic clock measured. 0 on virtual clocks.
   virtual double wall_drift_ms() const { return 0; }
};

std::unique_ptr<Clock> make_real_clock();
/// The wall clock in ms since the epoch (plus the test offset, when set).
TimeMs wall_clock_ms();

/// Scaled: runbook time starts at the wall time of creation and runs `factor` times faster.
/// `origin` lets a resumed run continue the runbook time line it left.
std::unique_ptr<Clock> make_scaled_clock(double factor, TimeMs origin = 0);

/// Virtual: time moves only when someone sleeps. Deterministic.
class VirtualClock : public Clock {
public:
   explicit VirtualClock(TimeMs start) : now_(start) {}
   TimeMs now() const override { return now_; }
   bool sleep_until(TimeMs t, const std::atomic<bool>* cancel = nullptr) override;
   double scale() const override { return 0; }
   void advance_to(TimeMs t) { if (t > now_) now_ = t; }
private:
   TimeMs now_;
};

}  // namespace runbook
