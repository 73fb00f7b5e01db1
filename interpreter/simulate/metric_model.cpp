#include "simulate/metric_model.hpp"

#include <algorithm>
#include <cstring>

namespace runbook::sim {

namespace {

/// SplitMix64: a small, well-mixed hash; enough to make noise look random and stay reproducible.
std::uint64_t mix(std::uint64_t x)
{
   x += 0x9e3779b97f4a7c15ULL;
   x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
   x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
   return x ^ (x >> 31);
}

}  // namespace

double seeded_noise(std::uint64_t seed, const std::string& metric, double at, double amplitude)
{
   std::uint64_t h = mix(seed);
   for (const char c : metric) h = mix(h ^ static_cast<unsigned char>(c));
   std::uint64_t time_bits = 0;
   static_assert(sizeof(time_bits) == sizeof(at));
   std::memcpy(&time_bits, &at, sizeof(at));
   h = mix(h ^ time_bits);
   const double unit = static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);   // [0, 1)
   return (unit * 2 - 1) * amplitude;
}

const MetricRule* MetricModel::deciding_rule(const std::string& metric, double at) const
{
   for (auto it = rules_.rbegin(); it != rules_.rend(); ++it)
      if (it->metric == metric && facts_.open(it->window, at)) return &*it;
   return nullptr;
}

bool MetricModel::describes(const std::string& metric) const
{
   return std::any_of(rules_.begin(), rules_.end(), [&](const MetricRule& r) { return r.metric == metric; });
}

Sample MetricModel::sample(const std::string& metric, double at) const
{
   const MetricRule* rule = deciding_rule(metric, at);
   if (rule == nullptr) return Sample::of(0, at);
   if (rule->shape == MetricRule::Shape::Unreachable) return Sample::failed(rule->error, at);

   double value = rule->value.value;
   if (rule->shape == MetricRule::Shape::Ramp) {
      const auto span = facts_.span(rule->window);
      const double elapsed = at - (span ? span->opens : facts_.start_ms());
      const double fraction = rule->over_ms <= 0 ? 1.0 : std::clamp(elapsed / rule->over_ms, 0.0, 1.0);
      value = rule->value.value + (rule->to.value - rule->value.value) * fraction;
   }
   if (rule->noise) {
      const double base = value;
      value += seeded_noise(rule->seed, metric, at, rule->noise->value);
      // Rates, latencies and counts are never negative: noise does not push a non-negative value below zero.
      if (base >= 0 && value < 0) value = 0;
   }
   return Sample::of(value, at);
}

}  // namespace runbook::sim
