#include "verify/world.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include <fmt/core.h>

#include "io/trim.hpp"

namespace runbook::verify {

namespace {

/// The open or closed interval a metric must stay in.
struct Interval {
   double lo = -std::numeric_limits<double>::infinity();
   double hi = std::numeric_limits<double>::infinity();
   bool lo_strict = false;
   bool hi_strict = false;

   /// Narrows the interval so that `value OP threshold` holds.
   void require(const std::string& op, double threshold)
   {
      if (op == "<" || op == "<=") {
         const bool strict = op == "<";
         if (threshold < hi || (threshold == hi && strict)) {
            hi = threshold;
            hi_strict = strict;
         }
      } else {
         const bool strict = op == ">";
         if (threshold > lo || (threshold == lo && strict)) {
            lo = threshold;
            lo_strict = strict;
         }
      }
   }
   /// Narrows it so that `value OP threshold` does not hold.
   void forbid(const std::string& op, double threshold)
   {
      if (op == "<") require(">=", threshold);
      else if (op == "<=") require(">", threshold);
      else if (op == ">") require("<=", threshold);
      else require("<", threshold);
   }
   bool empty() const { return lo > hi || (lo == hi && (lo_strict || hi_strict)); }

   /// A value well inside: the middle of a bounded interval, half of (or
   /// twice) a single bound, so that noise-free samples sit clearly on one side.
   double pick() const
   {
      const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
      if (has_lo && has_hi) return lo == hi ? lo : (lo + hi) / 2;
      if (has_hi) {
         if (hi > 0) return hi / 2;
         return hi_strict ? hi - 1 : hi;
      }
      if (has_lo) {
         if (lo > 0) return lo * 2;
         return lo_strict ? lo + 1 : lo;
      }
      return 0;
   }
};

std::string number_text(double value)
{
   // Plain decimal notation (a scenario quantity has no exponent), trailing zeros trimmed.
   std::string text = fmt::format("{:.6f}", value);
   while (!text.empty() && text.back() == '0') text.pop_back();
   if (!text.empty() && text.back() == '.') text.pop_back();
   if (text == "-0") text = "0";
   return text;
}

bool starts_with_word(const std::string& line, const std::string& word)
{
   return line.rfind(word, 0) == 0 && (line.size() == word.size() || line[word.size()] == ' ' || line[word.size()] == '\t');
}

}  // namespace

std::string scenario_quantity(const MetricFacts& metric, double value)
{
   switch (metric.unit) {
   case ast::Unit::Percent: return number_text(value) + "%";
   case ast::Unit::Duration: return number_text(value) + "ms";
   case ast::Unit::Bytes: return number_text(value) + "B";
   case ast::Unit::ByteRate: return number_text(value) + "B/s";
   case ast::Unit::None: break;
   }
   return number_text(metric.scale != 0 ? value / metric.scale : value);
}

std::string breaching_value(const RunbookFacts& facts, const std::string& metric, const std::vector<Comparison>& breach)
{
   const auto it = facts.metrics.find(metric);
   if (it == facts.metrics.end()) return "";
   Interval interval;
   for (const auto& c : breach)
      if (c.metric == metric) interval.require(c.op, c.threshold);
   if (interval.empty()) return "";
   return scenario_quantity(it->second, interval.pick());
}

BaseWorld derive_healthy_world(const RunbookFacts& facts)
{
   BaseWorld world;
   world.derived = true;
   for (const auto& [name, metric] : facts.metrics) {
      Interval interval;
      std::vector<std::string> reasons;
      for (const auto& c : facts.constraints) {
         if (c.comparison.metric != name) continue;
         if (c.must_hold) interval.require(c.comparison.op, c.comparison.threshold);
         else interval.forbid(c.comparison.op, c.comparison.threshold);
         reasons.push_back(fmt::format("{} {} {} ({})", c.must_hold ? "keeps" : "avoids", c.comparison.op,
                                       scenario_quantity(metric, c.comparison.threshold), c.source));
      }
      if (interval.empty()) {
         world.explanation.push_back(fmt::format("{}: no value satisfies every condition and breaches no trigger; sampled as 0", name));
         world.lines.push_back(fmt::format("metric {} = 0", name));
         continue;
      }
      const std::string value = scenario_quantity(metric, interval.pick());
      world.lines.push_back(fmt::format("metric {} = {}", name, value));
      std::string why;
      for (const auto& r : reasons) why += (why.empty() ? "" : "; ") + r;
      world.explanation.push_back(fmt::format("{} = {}: {}", name, value, why.empty() ? "no condition mentions it" : why));
   }
   world.lines.push_back("answer * * yes");
   world.explanation.push_back("every checklist item and approval answered yes; other questions get their --yes answer");
   world.explanation.push_back("every command exits 0; every request is answered by the sandbox model (2xx)");
   return world;
}

BaseWorld base_from_scenario(const std::string& text, const std::string& path)
{
   BaseWorld world;
   std::istringstream in(text);
   std::string line;
   while (std::getline(in, line)) {
      const std::string t = trim(line);
      if (starts_with_word(t, "scenario") || starts_with_word(t, "runbook") || starts_with_word(t, "expect")) continue;
      world.lines.push_back(line);
   }
   world.explanation.push_back("the base scenario " + path + " (its expectations left out)");
   return world;
}

}  // namespace runbook::verify
