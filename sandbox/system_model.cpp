#include "system_model.hpp"

#include <algorithm>
#include <vector>

namespace sandbox {

EnvironmentProfile environment_profile(Environment environment, const Faults& faults, const TrafficSplit& split, long long now_ms)
{
   const EnvironmentFaults& injected = faults.of(environment);
   EnvironmentProfile profile;
   profile.serving = !injected.down;
   profile.database_up = !(faults.database_down || injected.database_down);
   profile.redis_up = !(faults.redis_down || injected.redis_down);

   // Every request needs the database; a request that cannot reach it fails.
   if (!profile.serving) {
      profile.error_rate_percent = 100;
      profile.error_code = 503;
   }
   else if (!profile.database_up) profile.error_rate_percent = 100;
   else profile.error_rate_percent = injected.error_rate.value_or(Baseline::error_rate_percent);

   const double normal_latency = environment == Environment::blue ? Baseline::blue_latency_ms : Baseline::green_latency_ms;
   profile.latency_ms = injected.latency_ms.value_or(normal_latency);

   profile.cpu_percent = injected.cpu.value_or(Baseline::idle_cpu_percent + Baseline::full_traffic_cpu_percent * split.share(environment));

   double memory = injected.memory.value_or(Baseline::memory_percent);
   if (injected.memory_growth_mb_per_min) {
      profile.memory_growth_mb_per_min = *injected.memory_growth_mb_per_min;
      const double minutes = std::max(0LL, now_ms - injected.memory_growth_since_ms) / 60000.0;
      memory += profile.memory_growth_mb_per_min * minutes / Baseline::memory_total_mb * 100.0;
   }
   profile.memory_percent = std::min(memory, 100.0);
   return profile;
}

SystemView system_view(const Faults& faults, const TrafficSplit& split, long long now_ms)
{
   SystemView view;
   view.split = split;
   for (const auto environment : all_environments)
      view.environments[static_cast<int>(environment)] = environment_profile(environment, faults, split, now_ms);
   return view;
}

namespace {

template <typename Field>
double weighted(const SystemView& view, Field field)
{
   double sum = 0;
   for (const auto environment : all_environments) sum += view.split.share(environment) * field(view.of(environment));
   return sum;
}

}  // namespace

double SystemView::error_rate_percent() const
{
   return weighted(*this, [](const EnvironmentProfile& p) { return p.error_rate_percent; });
}

double SystemView::latency_avg_ms() const
{
   return weighted(*this, [](const EnvironmentProfile& p) { return p.latency_ms; });
}

double SystemView::cpu_percent() const
{
   return weighted(*this, [](const EnvironmentProfile& p) { return p.cpu_percent; });
}

double SystemView::memory_percent() const
{
   return weighted(*this, [](const EnvironmentProfile& p) { return p.memory_percent; });
}

double SystemView::memory_growth_mb_per_min() const
{
   double worst = 0;
   for (const auto environment : all_environments)
      if (split.share(environment) > 0) worst = std::max(worst, of(environment).memory_growth_mb_per_min);
   return worst;
}

double SystemView::latency_p99_ms() const
{
   // The exact 99th percentile of the mixture of both environments' shapes.
   struct Point {
      double latency_ms;
      double weight;
   };
   std::vector<Point> points;
   for (const auto environment : all_environments)
      for (const auto& point : latency_shape)
         points.push_back({of(environment).latency_ms * point.multiplier, split.share(environment) * point.per_hundred / 100.0});
   std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.latency_ms < b.latency_ms; });
   double cumulative = 0;
   for (const auto& point : points) {
      cumulative += point.weight;
      if (cumulative >= 0.99 - 1e-9) return point.latency_ms;
   }
   return points.back().latency_ms;
}

double SystemView::database_errors_per_second(double requests_per_second) const
{
   return weighted(*this, [&](const EnvironmentProfile& p) { return p.database_up || !p.serving ? 0.0 : requests_per_second; });
}

}  // namespace sandbox
