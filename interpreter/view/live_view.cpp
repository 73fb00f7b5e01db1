#include "view/live_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/core.h>

#include "check/quantity.hpp"
#include "exec/question_terms.hpp"
#include "view/observers.hpp"
#include "view/step_label.hpp"

namespace runbook {

namespace {

using json = nlohmann::json;

std::string text_of(const json& data, const char* key)
{
   if (!data.is_object() || !data.contains(key)) return "";
   const json& v = data[key];
   return v.is_string() ? v.get<std::string>() : v.dump();
}

std::optional<double> number_of(const json& data, const char* key)
{
   if (!data.is_object() || !data.contains(key) || !data[key].is_number()) return std::nullopt;
   return data[key].get<double>();
}

/// Event text may hold anything a command printed: no control character may
/// reach the terminal from the status block.
std::string sanitized(const std::string& text)
{
   std::string out = text;
   for (char& c : out)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
   return out;
}

/// Where the current step's timer ends, from its StepStarted event.
std::optional<double> step_end(std::optional<StepKind> kind, const RunEvent& e)
{
   const json inputs = e.data.is_object() ? e.data.value("inputs", json::object()) : json::object();
   if (kind == StepKind::Wait) {
      if (auto deadline = number_of(e.data, "deadline_ms")) return deadline;
      if (auto duration = number_of(inputs, "duration_ms")) return e.at + *duration;
   }
   if (kind == StepKind::Watch)
      if (auto window = number_of(inputs, "window_ms")) return e.at + *window;
   if (kind == StepKind::Await)
      if (auto timeout = number_of(inputs, "timeout_ms")) return e.at + *timeout;
   return std::nullopt;
}

LiveState::Condition condition_of(const RunEvent& e)
{
   LiveState::Condition c;
   c.condition = text_of(e.data, "condition");
   c.metric = text_of(e.data, "metric");
   c.op = text_of(e.data, "op");
   c.threshold = respell_for_people(text_of(e.data, "threshold"));
   c.verdict = text_of(e.data, "verdict");
   c.error = text_of(e.data, "error");
   c.for_ms = number_of(e.data, "for_ms");
   c.deciding_since = number_of(e.data, "deciding_since");
   c.held_ms = number_of(e.data, "held_ms");
   c.at = e.at;
   const json values = e.data.is_object() ? e.data.value("values", json::object()) : json::object();
   if (!c.metric.empty() && values.is_object() && values.contains(c.metric)) {
      c.value = respell_for_people(text_of(values, c.metric.c_str()));
   } else if (values.is_object()) {
      for (const auto& [name, value] : values.items())
         c.value += (c.value.empty() ? "" : ", ") + name + " = " +
                    respell_for_people(value.is_string() ? value.get<std::string>() : value.dump());
   }
   if (c.value.empty() && e.data.is_object() && e.data.contains("seen")) c.value = text_of(e.data, "seen");
   if (c.error.empty() && c.verdict != "holding" && c.verdict != "pending" && c.verdict != "breached" && c.value.empty())
      c.error = text_of(e.data, "seen");
   return c;
}

}  // namespace

LiveState::Trigger* LiveState::find_trigger(const std::string& name)
{
   for (auto& t : triggers)
      if (t.name == name) return &t;
   return nullptr;
}

void LiveState::apply(const RunEvent& e)
{
   using K = RunEvent::Kind;
   last_at = e.at;
   if (!started_at) started_at = e.at;
   switch (e.kind) {
   case K::RunStarted:
   case K::RunResumed:
      run_id = text_of(e.data, "run_id");
      title = text_of(e.data, "title");
      if (auto scale = number_of(e.data, "time_scale")) time_scale = *scale;
      if (text_of(e.data, "mode") == "rollback")
         rollback = text_of(e.data, "rollback").empty() ? "its rollback" : text_of(e.data, "rollback");
      break;
   case K::PhaseStarted: {
      phase = e.text;
      phase_number = static_cast<int>(number_of(e.data, "number").value_or(0));
      phase_count = static_cast<int>(number_of(e.data, "of").value_or(0));
      triggers.clear();
      if (e.data.is_object() && e.data.contains("triggers") && e.data["triggers"].is_array())
         for (const auto& t : e.data["triggers"])
            triggers.push_back(Trigger{text_of(t, "trigger"), text_of(t, "title"), text_of(t, "severity"), "armed", {}, {}});
      break;
   }
   case K::StepStarted: {
      const auto kind = step_kind_from_string(text_of(e.data, "kind"));
      steps.erase(std::remove_if(steps.begin(), steps.end(), [&](const Step& s) { return s.id == e.step_id; }),
                  steps.end());
      Step step{e.step_id, kind, e.text, e.at, step_end(kind, e)};
      // A wait runs from its deadline minus its duration: the bar of a
      // resumed wait starts where the interruption left it.
      const json inputs = e.data.is_object() ? e.data.value("inputs", json::object()) : json::object();
      if (kind == StepKind::Wait && step.ends_at)
         if (auto duration = number_of(inputs, "duration_ms")) step.started_at = *step.ends_at - *duration;
      steps.push_back(std::move(step));
      if (kind == StepKind::Watch || kind == StepKind::Await) {
         watch_step = e.step_id;
         conditions.clear();
      }
      break;
   }
   case K::StepFinished:
   case K::StepSkipped:
      steps.erase(std::remove_if(steps.begin(), steps.end(), [&](const Step& s) { return s.id == e.step_id; }),
                  steps.end());
      if (e.step_id == watch_step) {
         watch_step.clear();
         conditions.clear();
      }
      break;
   case K::Sample: apply_sample(e); break;
   case K::TriggerFired: {
      const std::string name = text_of(e.data, "trigger");
      if (Trigger* t = find_trigger(name)) {
         // Monitoring lost arrives as a TriggerFired with the sample's verdict.
         t->state = text_of(e.data, "verdict") == "monitoring lost" ? "lost" : "fired";
         if (!text_of(e.data, "severity").empty()) t->severity = text_of(e.data, "severity");
      }
      break;
   }
   case K::TriggerCleared:
      if (Trigger* t = find_trigger(text_of(e.data, "trigger"))) {
         t->state = "armed";
         t->grace_until.reset();
      }
      break;
   case K::ModeChanged:
      if (text_of(e.data, "mode") == "rollback") {
         rollback = text_of(e.data, "rollback");
         triggers.clear();   // A rollback runs with the triggers disarmed.
         watch_step.clear();
         conditions.clear();
      }
      break;
   case K::Question: {
      asking = true;
      question = Question{e.step_id, e.text, question_choices(e.data), number_of(e.data, "deadline"),
                          text_of(e.data, "timeout_default")};
      break;
   }
   case K::Answer:
      asking = false;
      question.reset();
      break;
   case K::RunFinished:
      finished = true;
      steps.clear();
      timers.clear();
      question.reset();
      journal_hold.reset();
      break;
   case K::JournalUnreachable:
      // Held since the first notice: a write that gave up and the next
      // that holds again are one outage to the operator.
      if (!journal_hold)
         journal_hold = JournalHold{text_of(e.data, "journal"), text_of(e.data, "reason"), e.at,
                                    number_of(e.data, "retry_for_ms").value_or(0)};
      break;
   case K::JournalBack: journal_hold.reset(); break;
   case K::Log: apply_timer(e); break;
   case K::StepOutput:
   case K::Notify:
   case K::Ensure: break;   // Scrolls above the status as a plain line (live_terminal.cpp).
   }
}

void LiveState::apply_timer(const RunEvent& e)
{
   const std::string id = text_of(e.data, "timer");
   if (id.empty()) return;
   timers.erase(std::remove_if(timers.begin(), timers.end(), [&](const Timer& t) { return t.id == id; }), timers.end());
   // Fired: its steps are the current steps now. Cancelled: gone.
   if (text_of(e.data, "event") != "armed") return;
   const auto due = number_of(e.data, "due");
   if (!due) return;
   timers.push_back(Timer{id, text_of(e.data, "does"), text_of(e.data, "signal"), *due});
   std::stable_sort(timers.begin(), timers.end(), [](const Timer& a, const Timer& b) { return a.due < b.due; });
}

void LiveState::apply_sample(const RunEvent& e)
{
   const Condition c = condition_of(e);
   const json values = e.data.is_object() ? e.data.value("values", json::object()) : json::object();
   if (values.is_object())
      for (const auto& item : values.items()) {
         // Named, not a structured binding: clang 14 (the fuzz build) cannot
         // capture a structured binding in the lambda below.
         const std::string& name = item.key();
         const json& value = item.value();
         const std::string shown = respell_for_people(value.is_string() ? value.get<std::string>() : value.dump());
         auto it = std::find_if(metrics.begin(), metrics.end(), [&](const auto& m) { return m.first == name; });
         if (it == metrics.end()) metrics.emplace_back(name, shown);
         else it->second = shown;
      }
   const std::string trigger = text_of(e.data, "trigger");
   if (!trigger.empty()) {
      Trigger* t = find_trigger(trigger);
      if (t == nullptr) {
         triggers.push_back(Trigger{trigger, trigger, text_of(e.data, "severity"), "armed", {}, {}});
         t = &triggers.back();
      }
      t->last = c;
      t->grace_until = number_of(e.data, "grace_until");
      if (!text_of(e.data, "severity").empty()) t->severity = text_of(e.data, "severity");
      // Fired and lost stay until the trigger clears (TriggerCleared).
      if (t->state != "fired" && t->state != "lost")
         t->state = c.verdict == "pending" ? "pending" : c.verdict == "unknown" ? "unknown" : "armed";
      return;
   }
   if (e.step_id != watch_step) return;
   for (auto& known : conditions)
      if (known.condition == c.condition) {
         known = c;
         return;
      }
   conditions.push_back(c);
}

// ---------------------------------------------------------------- rendering

std::string short_duration(double ms, bool round_up)
{
   const double seconds = std::max(0.0, ms) / 1000;
   const long long s = static_cast<long long>(round_up ? std::ceil(seconds - 1e-6) : std::floor(seconds));
   if (s < 60) return fmt::format("{}s", s);
   if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
   return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string progress_bar(double fraction, int cells, bool unicode)
{
   fraction = std::clamp(std::isfinite(fraction) ? fraction : 0.0, 0.0, 1.0);
   const int full = static_cast<int>(std::floor(fraction * cells + 1e-9));
   std::string bar;
   for (int i = 0; i < cells; ++i) bar += i < full ? (unicode ? "\u2588" : "#") : (unicode ? "\u2591" : "-");
   return bar;
}

std::string fit_to_width(const std::string& line, int columns, bool unicode)
{
   columns = std::max(columns, 1);
   // Count what shows; colour sequences (ESC [ ... m) take no room.
   const auto visible = [](const std::string& s) {
      int n = 0;
      for (std::size_t i = 0; i < s.size(); ++i) {
         if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
            i += 2;
            while (i < s.size() && !(s[i] >= 0x40 && s[i] <= 0x7e)) ++i;
            continue;
         }
         if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
      }
      return n;
   };
   const bool cut = visible(line) > columns;
   const int keep = cut ? columns - 1 : columns;
   std::string out;
   bool painted = false;
   int shown = 0;
   for (std::size_t i = 0; i < line.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      if (c == 0x1b && i + 1 < line.size() && line[i + 1] == '[') {
         std::size_t end = i + 2;
         while (end < line.size() && !(line[end] >= 0x40 && line[end] <= 0x7e)) ++end;
         if (end < line.size() && line[end] == 'm') {   // Only colour passes; nothing that moves the cursor.
            out.append(line, i, end - i + 1);
            painted = true;
         }
         i = end;
         continue;
      }
      const bool starts_char = (c & 0xC0) != 0x80;
      if (starts_char) {
         if (shown == keep) break;
         ++shown;
      }
      out += (c < 0x20 || c == 0x7f) ? ' ' : line[i];
   }
   if (cut) out += unicode ? "\u2026" : "~";
   if (painted && cut) out += "\x1b[0m";   // The cut may have dropped the colour's reset.
   return out;
}

namespace {

class Painter {
public:
   explicit Painter(bool color) : color_(color) {}
   std::string operator()(const char* sgr, const std::string& text) const
   {
      return color_ && !text.empty() ? fmt::format("\x1b[{}m{}\x1b[0m", sgr, text) : text;
   }

private:
   bool color_;
};

constexpr const char* bold = "1";
constexpr const char* dim = "2";
constexpr const char* red = "31;1";
constexpr const char* green = "32";
constexpr const char* yellow = "33";
constexpr const char* cyan = "36";

std::string condition_text(const LiveState::Condition& c)
{
   if (!c.metric.empty() && !c.threshold.empty())
      return sanitized(fmt::format("{} {} {} {}", c.metric, c.value.empty() ? "?" : c.value, c.op, c.threshold));
   return sanitized(c.value.empty() ? c.condition : fmt::format("{} ({})", c.condition, c.value));
}

/// "pending 2m00s/10m00s": how long the bad state has held of its `for` window.
std::string pending_text(const LiveState::Condition& c, double now)
{
   if (!c.for_ms || !c.deciding_since) return "pending";
   const double since_sample = std::max(0.0, now - c.at);
   const double held = std::clamp(c.held_ms ? *c.held_ms + since_sample : now - *c.deciding_since, 0.0, *c.for_ms);
   return fmt::format("pending {}/{}", short_duration(held), short_duration(*c.for_ms));
}

/// A watch condition's state word and colour. A watch's breach is bad; so is
/// a failed sample (never a pass).
std::pair<std::string, const char*> verdict_text(const LiveState::Condition& c, double now)
{
   if (c.verdict == "holding") return {"ok", green};
   if (c.verdict == "pending") return {pending_text(c, now), yellow};
   if (c.verdict == "breached") return {"BREACHED", red};
   if (c.verdict == "monitoring lost") return {"MONITORING LOST", red};
   return {c.error.empty() ? "no sample" : "no sample: " + sanitized(c.error), yellow};
}

std::string mark(const std::string& verdict, bool unicode)
{
   if (verdict == "holding") return unicode ? "\u2713" : "+";
   if (verdict == "pending") return unicode ? "\u2026" : "~";
   if (verdict == "breached" || verdict == "monitoring lost") return unicode ? "\u2717" : "x";
   return "?";
}

std::string header_line(const LiveState& s, double now, const LiveRenderOptions& o, const Painter& paint)
{
   std::string line = paint(bold, sanitized(s.title.empty() ? (s.run_id.empty() ? "runbook" : "run " + s.run_id) : s.title));
   if (!s.rollback.empty()) {
      line += "  " + paint(red, sanitized("ROLLING BACK via " + s.rollback));
   } else if (!s.phase.empty()) {
      const std::string number = s.phase_count > 0 ? fmt::format("phase {}/{}: ", s.phase_number, s.phase_count) : "phase: ";
      line += "  " + paint(cyan, number + sanitized(s.phase));
   }
   if (s.started_at) line += paint(dim, "  elapsed " + short_duration(now - *s.started_at));
   if (s.time_scale > 1) line += paint(dim, fmt::format("  (runbook time x{:g})", s.time_scale));
   (void)o;
   return line;
}

/// "!! JOURNAL UNREACHABLE since 14:05:30 (12s): holding before the next step,
/// retrying until it is back (up to 5m00s)", then the journal and why: the
/// run is not frozen, it waits for its journal.
std::vector<std::string> journal_hold_lines(const LiveState::JournalHold& hold, double now, const LiveState& s,
                                            const Painter& paint)
{
   // Away for wall time: the server's outage is not on the runbook's clock.
   const double away = (now - hold.since) / (s.time_scale > 0 ? s.time_scale : 1);
   std::string line = fmt::format("!! JOURNAL UNREACHABLE since {} ({}): holding before the next step, retrying "
                                  "until it is back",
                                  clock_text(hold.since), short_duration(away));
   if (hold.retry_for_ms > 0) line += " (up to " + short_duration(hold.retry_for_ms, true) + ")";
   std::string detail = "   journal " + sanitized(hold.journal);
   if (!hold.reason.empty()) detail += ": " + sanitized(hold.reason);
   return {paint(red, line), paint(yellow, detail)};
}

std::string bar_line(const LiveState::Step& step, double now, const LiveRenderOptions& o, const LiveState& s)
{
   const double total = std::max(*step.ends_at - step.started_at, 1.0);
   const double done = std::clamp(now - step.started_at, 0.0, total);
   const double left = total - done;
   const int cells = std::clamp(o.width / 4, 10, 30);
   std::string line = fmt::format("  [{}] {:3.0f}%  {} of {}", progress_bar(done / total, cells, o.unicode),
                                  std::floor(100 * done / total), short_duration(done), short_duration(total, true));
   // Time left rounds up: "0s left" only when it is over.
   line += step.kind == StepKind::Await ? "  timeout in " + short_duration(left, true) : "  " + short_duration(left, true) + " left";
   if (s.time_scale > 1) line += fmt::format(" (~{} real)", short_duration(left / s.time_scale, true));
   return line;
}

std::string trigger_detail(const LiveState::Trigger& t, double now, const Painter& paint)
{
   std::string state;
   const char* colour = yellow;
   if (t.state == "fired") {
      colour = red;
      state = "FIRED";
      if (t.grace_until) state += ", acts in " + short_duration(*t.grace_until - now, true) + " unless it clears";
   } else if (t.state == "lost") {
      colour = red;
      state = "MONITORING LOST";
   } else if (t.state == "pending") {
      state = t.last ? pending_text(*t.last, now) : "pending";
   } else {
      state = t.last && !t.last->error.empty() ? "no sample: " + sanitized(t.last->error) : "no sample";
   }
   std::string line = fmt::format("  ! {} {}", sanitized(t.name), sanitized(t.severity));
   if (t.last) line += "  " + condition_text(*t.last);
   return paint(colour, line + "  " + state);
}

/// "  timer in 12m00s (~12s real): notify.slack(...), unless resolved  [rollback:emergency/3]"
std::string timer_line(const LiveState::Timer& t, double now, const LiveState& s, const Painter& paint)
{
   const double left = t.due - now;
   std::string line = left > 0 ? "  timer in " + short_duration(left, true) : "  timer due now";
   if (left > 0 && s.time_scale > 1) line += fmt::format(" (~{} real)", short_duration(left / s.time_scale, true));
   line += ": " + sanitized(t.does.empty() ? "its steps" : t.does);
   if (!t.signal.empty()) line += ", unless " + sanitized(t.signal);
   return paint(yellow, line) + paint(dim, "  [" + sanitized(short_step_label(t.id)) + "]");
}

}  // namespace

std::string question_detail(const LiveState::Question& q, double now)
{
   std::string text = "choices: " + sanitized(choice_list(q.choices));
   if (q.deadline) text += "; " + sanitized(unanswered_terms(*q.deadline, now, q.timeout_default));
   else text += "; no deadline: it waits for an answer";
   return text;
}

std::vector<std::string> render_live_status(const LiveState& s, double now, const LiveRenderOptions& o)
{
   const Painter paint(o.color);
   std::vector<std::string> lines;
   lines.push_back(header_line(s, now, o, paint));
   // Right under the header: a short terminal cuts the block from the bottom.
   if (s.journal_hold)
      for (auto& line : journal_hold_lines(*s.journal_hold, now, s, paint)) lines.push_back(std::move(line));

   if (!s.steps.empty()) {
      const LiveState::Step& current = s.steps.back();
      lines.push_back(fmt::format("{} {} {}", o.unicode ? "\u25b6" : ">", paint(bold, "[" + sanitized(short_step_label(current.id)) + "]"),
                                  sanitized(current.text)));
      // The innermost step with a timer (a wait inside a call shows its bar).
      for (auto it = s.steps.rbegin(); it != s.steps.rend(); ++it)
         if (it->ends_at) {
            lines.push_back(bar_line(*it, now, o, s));
            break;
         }
   }

   // The current watch's conditions, aligned: metric, value, threshold, verdict.
   constexpr std::size_t max_conditions = 8;
   std::size_t column = 0;
   for (std::size_t i = 0; i < s.conditions.size() && i < max_conditions; ++i)
      column = std::max(column, condition_text(s.conditions[i]).size());
   column = std::min<std::size_t>(column, 48);
   for (std::size_t i = 0; i < s.conditions.size() && i < max_conditions; ++i) {
      const auto& c = s.conditions[i];
      const auto [word, colour] = verdict_text(c, now);
      std::string text = condition_text(c);
      if (text.size() < column) text += std::string(column - text.size(), ' ');
      lines.push_back(paint(colour, fmt::format("  {} {}  {}", mark(c.verdict, o.unicode), text, word)));
   }
   if (s.conditions.size() > max_conditions)
      lines.push_back(paint(dim, fmt::format("  ... and {} more conditions", s.conditions.size() - max_conditions)));

   // Metrics the triggers watch, when no watch shows them already.
   if (s.conditions.empty() && !s.metrics.empty() && !s.triggers.empty()) {
      std::string line = "  metrics:";
      for (std::size_t i = 0; i < s.metrics.size(); ++i)
         line += (i == 0 ? " " : (o.unicode ? " \u00b7 " : " | ")) + sanitized(s.metrics[i].first + " " + s.metrics[i].second);
      lines.push_back(line);
   }

   // Triggers: one line naming the armed ones, one more per trigger that is not quiet.
   if (!s.rollback.empty()) {
      lines.push_back(paint(dim, "  triggers: disarmed while rolling back"));
   } else if (s.triggers.empty()) {
      if (!s.phase.empty()) lines.push_back(paint(dim, "  triggers: none armed in this phase"));
   } else {
      std::size_t quiet = 0;
      std::string names;
      for (const auto& t : s.triggers)
         if (t.state == "armed") {
            ++quiet;
            names += fmt::format("{}{} {}", names.empty() ? " " : (o.unicode ? " \u00b7 " : " | "), sanitized(t.name),
                                 sanitized(t.severity));
         }
      lines.push_back(fmt::format("  triggers: {} armed{}", s.triggers.size(), quiet > 0 ? paint(dim, " " + names) : ""));
      constexpr std::size_t max_details = 4;
      std::size_t shown = 0;
      for (const auto& t : s.triggers) {
         if (t.state == "armed") continue;
         if (shown++ == max_details) {
            lines.push_back(paint(yellow, fmt::format("  ... and {} more not quiet", s.triggers.size() - quiet - max_details)));
            break;
         }
         lines.push_back(trigger_detail(t, now, paint));
      }
   }

   // Timers: what the clock will do next, earliest first, in words.
   constexpr std::size_t max_timers = 4;
   for (std::size_t i = 0; i < s.timers.size() && i < max_timers; ++i) lines.push_back(timer_line(s.timers[i], now, s, paint));
   if (s.timers.size() > max_timers)
      lines.push_back(paint(dim, fmt::format("  ... and {} more timers", s.timers.size() - max_timers)));

   // The question waiting for an answer: its choices, and what nobody answering decides.
   if (s.question) {
      lines.push_back(paint(cyan, "  ? waiting for an answer: " + sanitized(s.question->text)));
      lines.push_back(paint(cyan, "    " + question_detail(*s.question, now)));
   }

   for (auto& line : lines) line = fit_to_width(line, o.width - 1, o.unicode);
   return lines;
}

}  // namespace runbook
