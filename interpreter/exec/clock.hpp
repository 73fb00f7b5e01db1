// Time as the runbook sees it.
//
// One abstraction for three clocks: real time, scaled time (`--time-scale 60`
// makes a runbook minute pass in a wall second) and virtual time (simulate:
// waits take no wall time at all). Runbook time is milliseconds since the
// Unix epoch on every clock, so journaled deadlines mean the same thing.
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
};

std::unique_ptr<Clock> make_real_clock();
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
