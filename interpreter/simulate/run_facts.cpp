#include "simulate/run_facts.hpp"

namespace runbook::sim {

void RunFacts::step_started(const std::string& step_id, double at) { steps_started_.push_back({step_id, at}); }
void RunFacts::step_finished(const std::string& step_id, double at) { steps_finished_.push_back({step_id, at}); }
void RunFacts::phase_started(const std::string& title, double at) { phases_.push_back({title, at}); }
void RunFacts::rollback_started(const std::string& name, double at) { rollbacks_.push_back({name, at}); }
void RunFacts::trigger_fired(const std::string& name, double at) { triggers_.emplace_back(name, at); }
void RunFacts::traffic_changed(const std::string& environment, double percent, double at)
{
   traffic_.push_back({environment, at, percent});
}

std::optional<double> RunFacts::first(const std::vector<Moment>& moments, const std::string& pattern)
{
   for (const auto& m : moments)
      if (pattern.empty() || glob_match(pattern, m.what)) return m.at;
   return std::nullopt;
}

std::optional<double> RunFacts::resolve(const Anchor& anchor) const
{
   std::optional<double> base;
   switch (anchor.kind) {
   case Anchor::Kind::Start: base = start_ms_; break;
   case Anchor::Kind::StepStarts: base = first(steps_started_, anchor.pattern); break;
   case Anchor::Kind::StepFinishes: base = first(steps_finished_, anchor.pattern); break;
   case Anchor::Kind::PhaseStarts: base = first(phases_, anchor.pattern); break;
   case Anchor::Kind::RollbackStarts: base = first(rollbacks_, anchor.pattern); break;
   case Anchor::Kind::TriggerFires:
      for (const auto& [name, at] : triggers_)
         if (glob_match(anchor.pattern, name)) {
            base = at;
            break;
         }
      break;
   case Anchor::Kind::TrafficReaches:
      for (const auto& m : traffic_)
         if (m.what == anchor.environment && m.value >= anchor.percent) {
            base = m.at;
            break;
         }
      break;
   }
   if (!base) return std::nullopt;
   return *base + anchor.offset_ms;
}

std::optional<RunFacts::Span> RunFacts::span(const Window& window) const
{
   Span span;
   if (window.from) {
      const auto opens = resolve(*window.from);
      if (!opens) return std::nullopt;
      span.opens = *opens;
   } else {
      span.opens = start_ms_;
   }
   if (window.until) span.closes = resolve(*window.until);
   else if (window.for_ms) span.closes = span.opens + *window.for_ms;
   return span;
}

bool RunFacts::open(const Window& window, double at) const
{
   const auto s = span(window);
   if (!s || at < s->opens) return false;
   return !s->closes || at < *s->closes;
}

std::optional<double> RunFacts::rollback_started_at() const
{
   if (rollbacks_.empty()) return std::nullopt;
   return rollbacks_.front().at;
}

}  // namespace runbook::sim
