#include "exec/clock.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace runbook {

namespace {

TimeMs wall_now()
{
   using namespace std::chrono;
   return static_cast<TimeMs>(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count()) / 1000.0;
}

/// A clock whose runbook time runs `factor` times faster than the wall from an
/// anchor: at wall time `anchor` runbook time was `anchor` too. factor 1 is
/// the real clock.
class LinearClock : public Clock {
public:
   LinearClock(double factor, TimeMs anchor) : factor_(factor), anchor_(anchor) {}

   TimeMs now() const override { return anchor_ + (wall_now() - anchor_) * factor_; }
   double scale() const override { return factor_; }

   bool sleep_until(TimeMs t, const std::atomic<bool>* cancel) override
   {
      // Sleep in slices of at most 50 wall ms so a cancel is seen at once.
      for (;;) {
         if (cancel != nullptr && cancel->load()) return false;
         const TimeMs left_wall = (t - now()) / factor_;
         if (left_wall <= 0) return true;
         const double slice = std::min(left_wall, 50.0);
         std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long long>(slice * 1000)));
      }
   }

private:
   double factor_;
   TimeMs anchor_;
};

}  // namespace

std::unique_ptr<Clock> make_real_clock() { return std::make_unique<LinearClock>(1.0, wall_now()); }

std::unique_ptr<Clock> make_scaled_clock(double factor, TimeMs origin)
{
   // The wall time that has passed since the run started counts `factor`
   // times, including the gap while the run was interrupted: a journaled
   // deadline keeps its meaning on every clock.
   return std::make_unique<LinearClock>(factor > 0 ? factor : 1.0, origin > 0 ? origin : wall_now());
}

bool VirtualClock::sleep_until(TimeMs t, const std::atomic<bool>* cancel)
{
   if (cancel != nullptr && cancel->load()) return false;
   advance_to(t);
   return true;
}

}  // namespace runbook
