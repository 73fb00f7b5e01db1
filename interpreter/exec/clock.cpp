#include "exec/clock.hpp"
#include "journal/lease.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace runbook {

namespace {

/// The test offset (RUNBOOK_TEST_WALL_OFFSET_FILE), 0 when not set.
double test_wall_offset_ms()
{
   static const char* const file = std::getenv("RUNBOOK_TEST_WALL_OFFSET_FILE");
   if (file == nullptr || *file == '\0') return 0;
   std::ifstream in(file);
   double offset = 0;
   return in >> offset && std::isfinite(offset) ? offset : 0;
}

double steady_ms()
{
   using namespace std::chrono;
   return static_cast<double>(duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count()) / 1000.0;
}

/// A clock whose runbook time runs `factor` times faster than real time from
/// an anchor: at wall time `anchor` runbook time was `anchor` too. factor 1
/// is the real clock. The wall clock is read once, at construction; after
/// that time advances with the monotonic clock.
class LinearClock : public Clock {
public:
   LinearClock(double factor, TimeMs anchor)
      : factor_(factor), wall_at_start_(wall_clock_ms()), steady_at_start_(steady_ms()),
        runbook_at_start_(anchor + (wall_at_start_ - anchor) * factor)
   {
   }

   TimeMs now() const override { return runbook_at_start_ + (steady_ms() - steady_at_start_) * factor_; }
   double scale() const override { return factor_; }
   double wall_drift_ms() const override
   {
      return (wall_clock_ms() - wall_at_start_) - (steady_ms() - steady_at_start_);
   }

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
   TimeMs wall_at_start_;
   double steady_at_start_;
   TimeMs runbook_at_start_;
};

}  // namespace

TimeMs wall_clock_ms()
{
   return wall_now_ms() + test_wall_offset_ms();
}

std::unique_ptr<Clock> make_real_clock() { return std::make_unique<LinearClock>(1.0, wall_clock_ms()); }

std::unique_ptr<Clock> make_scaled_clock(double factor, TimeMs origin)
{
   // The wall time that has passed since the run started counts `factor`
   // times, including the gap while the run was interrupted: a journaled
   // deadline keeps its meaning on every clock.
   return std::make_unique<LinearClock>(factor > 0 ? factor : 1.0, origin > 0 ? origin : wall_clock_ms());
}

bool VirtualClock::sleep_until(TimeMs t, const std::atomic<bool>* cancel)
{
   if (cancel != nullptr && cancel->load()) return false;
   advance_to(t);
   return true;
}

}  // namespace runbook
