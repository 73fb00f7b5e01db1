// The live view's state and renderer, without a terminal: events in, the
// status block's lines out, at a chosen runbook time and width.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "view/live_view.hpp"
#include "view/observers.hpp"
#include "view/step_label.hpp"

using runbook::LiveRenderOptions;
using runbook::LiveState;
using runbook::RunEvent;
using K = RunEvent::Kind;
using json = nlohmann::json;

namespace {

constexpr double t0 = 1'700'000'000'000;   // Runbook time of the run's start.
constexpr double minute = 60'000;

RunEvent event(K kind, double at, std::string step, std::string text, json data = json::object())
{
   return RunEvent{kind, at, std::move(step), std::move(text), std::move(data)};
}

/// A canary phase with two triggers armed and a 10-minute watch of two conditions.
LiveState canary_watch()
{
   LiveState s;
   s.apply(event(K::RunStarted, t0, "", "run r1 of Rollout started",
                 {{"run_id", "r1"}, {"title", "Rollout"}, {"time_scale", 1}}));
   s.apply(event(K::PhaseStarted, t0, "", "Canary deployment",
                 {{"phase", "Canary deployment"},
                  {"number", 3},
                  {"of", 4},
                  {"triggers", json::array({{{"trigger", "high_error_rate"}, {"title", "High error rate"}, {"severity", "P0"}},
                                            {{"trigger", "cpu_pressure"}, {"title", "CPU"}, {"severity", "P2"}}})}}));
   s.apply(event(K::StepStarted, t0, "canary/watch", "watch 10m every 30s: 2 conditions",
                 {{"kind", "watch"}, {"inputs", {{"window_ms", 10 * minute}, {"every_ms", 30000}}}}));
   s.apply(event(K::Sample, t0 + minute, "canary/watch", "error_rate < max_error_rate: ok",
                 {{"condition", "error_rate < max_error_rate"},
                  {"verdict", "holding"},
                  {"values", {{"error_rate", "0.4%"}}},
                  {"metric", "error_rate"},
                  {"op", "<"},
                  {"threshold", "1%"},
                  {"for_ms", 10 * minute}}));
   s.apply(event(K::Sample, t0 + minute, "canary/watch", "api_p99 < max_api_p99: failing",
                 {{"condition", "api_p99 < max_api_p99"},
                  {"verdict", "pending"},
                  {"values", {{"api_p99", "250ms"}}},
                  {"metric", "api_p99"},
                  {"op", "<"},
                  {"threshold", "200ms"},
                  {"for_ms", 10 * minute},
                  {"deciding_since", t0 + minute}}));
   return s;
}

std::string joined(const std::vector<std::string>& lines)
{
   std::string out;
   for (const auto& line : lines) out += line + "\n";
   return out;
}

bool has_line_containing(const std::vector<std::string>& lines, const std::string& a, const std::string& b = "")
{
   for (const auto& line : lines)
      if (line.find(a) != std::string::npos && (b.empty() || line.find(b) != std::string::npos)) return true;
   return false;
}

LiveRenderOptions plain(int width = 120) { return LiveRenderOptions{width, false, false}; }

}  // namespace

TEST_CASE("live view: phase, step, and a watch's progress bar with time left", "[live]")
{
   const LiveState s = canary_watch();
   const auto lines = render_live_status(s, t0 + 4 * minute, plain());
   INFO(joined(lines));
   REQUIRE(lines.size() >= 3);
   CHECK(lines[0].find("Rollout") != std::string::npos);
   CHECK(lines[0].find("phase 3/4: Canary deployment") != std::string::npos);
   CHECK(lines[0].find("elapsed 4m00s") != std::string::npos);
   CHECK(lines[1] == "> [canary/watch] watch 10m every 30s: 2 conditions");
   // 4 of 10 minutes: 40% of a 30-cell bar is 12 cells.
   CHECK(lines[2].find("[" + std::string(12, '#') + std::string(18, '-') + "]") != std::string::npos);
   CHECK(lines[2].find(" 40%") != std::string::npos);
   CHECK(lines[2].find("4m00s of 10m00s") != std::string::npos);
   CHECK(lines[2].find("6m00s left") != std::string::npos);
}

TEST_CASE("live view: each watched metric against its threshold, with `for` progress", "[live]")
{
   const LiveState s = canary_watch();
   const auto lines = render_live_status(s, t0 + 3 * minute, plain());
   INFO(joined(lines));
   CHECK(has_line_containing(lines, "+ error_rate 0.4% < 1%", "ok"));
   // Pending since the sample at minute 1: held 2 of its 10 minutes at minute 3.
   CHECK(has_line_containing(lines, "~ api_p99 250ms < 200ms", "pending 2m00s/10m00s"));
   // A later sample replaces the earlier one, in place.
   LiveState later = s;
   later.apply(event(K::Sample, t0 + 5 * minute, "canary/watch", "api_p99 ...",
                     {{"condition", "api_p99 < max_api_p99"},
                      {"verdict", "breached"},
                      {"values", {{"api_p99", "900ms"}}},
                      {"metric", "api_p99"},
                      {"op", "<"},
                      {"threshold", "200ms"}}));
   const auto after = render_live_status(later, t0 + 5 * minute, plain());
   INFO(joined(after));
   CHECK(has_line_containing(after, "x api_p99 900ms < 200ms", "BREACHED"));
   CHECK_FALSE(has_line_containing(after, "250ms"));
}

TEST_CASE("live view: floating point noise in a value is rounded away, the unit kept", "[live]")
{
   LiveState s = canary_watch();
   s.apply(event(K::Sample, t0 + 2 * minute, "canary/watch", "...",
                 {{"condition", "error_rate < max_error_rate"},
                  {"verdict", "holding"},
                  {"values", {{"error_rate", "0.020000000000000004%"}}},
                  {"metric", "error_rate"},
                  {"op", "<"},
                  {"threshold", "56.199999999999996%"}}));
   const auto lines = render_live_status(s, t0 + 2 * minute, plain());
   INFO(joined(lines));
   CHECK(has_line_containing(lines, "error_rate 0.02% < 56.2%", "ok"));
   CHECK(has_line_containing(lines, "api_p99 250ms < 200ms"));   // Short values untouched.
}

TEST_CASE("live view: a condition that is not `metric OP threshold` shows as written with what was seen", "[live]")
{
   LiveState s = canary_watch();
   s.apply(event(K::Sample, t0 + minute, "canary/watch", "...",
                 {{"condition", "errors / requests < 1%"},
                  {"verdict", "unknown"},
                  {"values", json::object()},
                  {"error", "connection refused"}}));
   const auto lines = render_live_status(s, t0 + minute, plain());
   INFO(joined(lines));
   CHECK(has_line_containing(lines, "? errors / requests < 1%", "no sample: connection refused"));
}

TEST_CASE("live view: armed triggers, then pending, fired with its grace, and cleared", "[live]")
{
   LiveState s = canary_watch();
   auto lines = render_live_status(s, t0 + minute, plain());
   INFO(joined(lines));
   CHECK(has_line_containing(lines, "triggers: 2 armed", "high_error_rate P0 | cpu_pressure P2"));

   s.apply(event(K::Sample, t0 + 2 * minute, "canary/watch", "trigger high_error_rate: pending",
                 {{"trigger", "high_error_rate"},
                  {"verdict", "pending"},
                  {"values", {{"error_rate", "1.3%"}}},
                  {"metric", "error_rate"},
                  {"op", ">"},
                  {"threshold", "1%"},
                  {"for_ms", 5 * minute},
                  {"deciding_since", t0 + 2 * minute},
                  {"severity", "P0"}}));
   lines = render_live_status(s, t0 + 3 * minute, plain());
   INFO(joined(lines));
   CHECK(has_line_containing(lines, "triggers: 2 armed", "cpu_pressure P2"));
   CHECK(has_line_containing(lines, "! high_error_rate P0  error_rate 1.3% > 1%  pending 1m00s/5m00s"));

   s.apply(event(K::TriggerFired, t0 + 7 * minute, "canary/watch", "P0 high_error_rate ...",
                 {{"trigger", "high_error_rate"}, {"severity", "P0"}}));
   lines = render_live_status(s, t0 + 7 * minute, plain());
   INFO(joined(lines));
   CHECK(has_line_containing(lines, "! high_error_rate P0", "FIRED"));

   s.apply(event(K::TriggerCleared, t0 + 8 * minute, "canary/watch", "trigger high_error_rate cleared",
                 {{"trigger", "high_error_rate"}, {"verdict", "holding"}}));
   lines = render_live_status(s, t0 + 8 * minute, plain());
   INFO(joined(lines));
   CHECK_FALSE(has_line_containing(lines, "FIRED"));
   CHECK(has_line_containing(lines, "triggers: 2 armed", "high_error_rate P0"));
}

TEST_CASE("live view: a P1 in its grace period says when it acts", "[live]")
{
   LiveState s = canary_watch();
   s.apply(event(K::TriggerFired, t0 + minute, "", "P1 cpu_pressure", {{"trigger", "cpu_pressure"}, {"severity", "P1"}}));
   s.apply(event(K::Sample, t0 + 2 * minute, "", "trigger cpu_pressure: breached",
                 {{"trigger", "cpu_pressure"}, {"verdict", "breached"}, {"seen", "cpu = 95%"}, {"grace_until", t0 + 16 * minute}}));
   const auto lines = render_live_status(s, t0 + 4 * minute, plain());
   INFO(joined(lines));
   CHECK(has_line_containing(lines, "! cpu_pressure P1", "FIRED, acts in 12m00s unless it clears"));
}

TEST_CASE("live view: a resumed wait's bar keeps its journaled deadline, and wall time left on a fast clock", "[live]")
{
   LiveState s;
   s.apply(event(K::RunStarted, t0, "", "run r2 of Soak started", {{"run_id", "r2"}, {"title", "Soak"}, {"time_scale", 60}}));
   s.apply(event(K::PhaseStarted, t0, "", "Soak", {{"number", 1}, {"of", 1}, {"triggers", json::array()}}));
   // A resumed wait: 2h long, but its deadline was set before the interruption.
   s.apply(event(K::StepStarted, t0, "soak/wait", "wait 2h",
                 {{"kind", "wait"}, {"inputs", {{"duration_ms", 120 * minute}}}, {"deadline_ms", t0 + 30 * minute}}));
   const auto lines = render_live_status(s, t0 + 15 * minute, plain());
   INFO(joined(lines));
   // Resumed with 30 minutes left: 15 minutes later, 1h45m of the 2h are done.
   CHECK(has_line_containing(lines, " 87%", "1h45m of 2h00m  15m00s left (~15s real)"));
   CHECK(has_line_containing(lines, "(runbook time x60)"));
   CHECK(has_line_containing(lines, "triggers: none armed in this phase"));
   // Finished: no step, no bar.
   s.apply(event(K::StepFinished, t0 + 30 * minute, "soak/wait", "wait done", {{"kind", "wait"}, {"outcome", "done"}}));
   CHECK_FALSE(has_line_containing(render_live_status(s, t0 + 30 * minute, plain()), "left"));
}

TEST_CASE("live view: a rollback disarms the triggers and says so", "[live]")
{
   LiveState s = canary_watch();
   s.apply(event(K::ModeChanged, t0 + 9 * minute, "", "rolling back: emergency",
                 {{"mode", "rollback"}, {"rollback", "emergency"}, {"reason", "P0"}}));
   const auto lines = render_live_status(s, t0 + 9 * minute, plain());
   INFO(joined(lines));
   CHECK(lines[0].find("ROLLING BACK via emergency") != std::string::npos);
   CHECK(has_line_containing(lines, "triggers: disarmed while rolling back"));
   CHECK_FALSE(has_line_containing(lines, "error_rate 0.4%"));
}

TEST_CASE("live view: every line fits the terminal, never wraps", "[live]")
{
   const LiveState s = canary_watch();
   for (int width : {20, 40, 61, 200}) {
      for (bool unicode : {false, true}) {
         const auto lines = render_live_status(s, t0 + 4 * minute, LiveRenderOptions{width, true, unicode});
         for (const auto& line : lines) {
            INFO("width " << width << ": " << line);
            // Visible characters: no colour sequences, UTF-8 counted by code point.
            int visible = 0;
            for (std::size_t i = 0; i < line.size(); ++i) {
               if (line[i] == '\x1b') {
                  while (i < line.size() && line[i] != 'm') ++i;
                  continue;
               }
               if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++visible;
            }
            CHECK(visible <= width - 1);
         }
      }
   }
   CHECK(runbook::fit_to_width("abcdefgh", 5, false) == "abcd~");
   CHECK(runbook::fit_to_width("abcdefgh", 5, true) == "abcd\u2026");
   CHECK(runbook::fit_to_width("abcde", 5, false) == "abcde");
   CHECK(runbook::fit_to_width("\x1b[32mabcdefgh\x1b[0m", 4, false) == "\x1b[32mabc~\x1b[0m");
   CHECK(runbook::fit_to_width("\x1b[32mab\x1b[0m", 4, false) == "\x1b[32mab\x1b[0m");
   // Anything that could move the cursor is neutralised.
   CHECK(runbook::fit_to_width("a\x1b[2Jb\rc\nd", 20, false) == "ab c d");
}

TEST_CASE("live view: colour only when asked (NO_COLOR)", "[live]")
{
   const LiveState s = canary_watch();
   const auto coloured = joined(render_live_status(s, t0 + 4 * minute, LiveRenderOptions{120, true, true}));
   const auto uncoloured = joined(render_live_status(s, t0 + 4 * minute, LiveRenderOptions{120, false, true}));
   CHECK(coloured.find("\x1b[") != std::string::npos);
   CHECK(uncoloured.find('\x1b') == std::string::npos);
   CHECK(uncoloured.find("\u2588") != std::string::npos);   // Unicode bar without colour.
}

TEST_CASE("live view: event text cannot put control characters on the screen", "[live]")
{
   LiveState s = canary_watch();
   s.apply(event(K::StepStarted, t0 + minute, "canary/sh", "sh printf '\x1b[2J\rgotcha'", {{"kind", "sh"}}));
   for (const auto& line : render_live_status(s, t0 + minute, plain())) {
      INFO(line);
      CHECK(line.find('\x1b') == std::string::npos);
      CHECK(line.find('\r') == std::string::npos);
   }
}

TEST_CASE("live view: a question pauses the view until it is answered, and the end stops it", "[live]")
{
   LiveState s = canary_watch();
   s.apply(event(K::Question, t0, "canary/approve", "Proceed?"));
   CHECK(s.asking);
   s.apply(event(K::Answer, t0, "canary/approve", "yes (by --yes)"));
   CHECK_FALSE(s.asking);
   s.apply(event(K::RunFinished, t0, "", "completed", {{"exit_code", 0}}));
   CHECK(s.finished);
   CHECK(s.steps.empty());
}

/// The emergency rollback with its three escalation timers armed (as the
/// interpreter's "armed" log events carry them), 2 minutes in.
LiveState rollback_with_timers()
{
   LiveState s;
   s.apply(event(K::RunStarted, t0, "", "run r1 of Rollout started",
                 {{"run_id", "r1"}, {"title", "Rollout"}, {"time_scale", 60}}));
   s.apply(event(K::ModeChanged, t0, "", "rolling back via emergency", {{"mode", "rollback"}, {"rollback", "emergency"}}));
   const std::vector<std::pair<int, double>> levels{{2, 15}, {3, 30}, {4, 60}};
   for (const auto& level : levels)
      s.apply(event(K::Log, t0, "rollback:emergency/" + std::to_string(level.first), "timer unless resolved armed",
                    {{"timer", "rollback:emergency/" + std::to_string(level.first)},
                     {"event", "armed"},
                     {"due", t0 + level.second * minute},
                     {"signal", "resolved"},
                     {"does", "notify.slack(notify.escalation_message(" + std::to_string(level.first) + ", \"Level\"))"}}));
   return s;
}

TEST_CASE("live view: pending timers say what they do, when, and what cancels them", "[live]")
{
   LiveState s = rollback_with_timers();
   REQUIRE(s.timers.size() == 3);
   const auto lines = runbook::render_live_status(s, t0 + 18 * minute, plain(160));
   INFO(joined(lines));
   // Earliest first, time left in words and in real time on a fast clock.
   CHECK(has_line_containing(lines, "timer in 12m00s (~12s real): notify.slack(notify.escalation_message(3, \"Level\"))",
                             "unless resolved"));
   CHECK(has_line_containing(lines, "timer in 42m00s (~42s real)", "escalation_message(4"));
   CHECK(has_line_containing(lines, "timer due now", "escalation_message(2"));
   CHECK(joined(lines).find("escalation_message(3") < joined(lines).find("escalation_message(4"));

   // Fired: its steps are the current step now; cancelled: gone.
   s.apply(event(K::Log, t0 + 15 * minute, "rollback:emergency/2", "due, running its steps",
                 {{"timer", "rollback:emergency/2"}, {"event", "fired"}, {"due", t0 + 15 * minute}}));
   s.apply(event(K::Log, t0 + 16 * minute, "rollback:emergency/4", "cancelled: signal resolved was given",
                 {{"timer", "rollback:emergency/4"}, {"event", "cancelled"}}));
   REQUIRE(s.timers.size() == 1);
   CHECK(s.timers.front().id == "rollback:emergency/3");
   const auto after = runbook::render_live_status(s, t0 + 18 * minute, plain(160));
   CHECK_FALSE(has_line_containing(after, "escalation_message(2"));
   CHECK_FALSE(has_line_containing(after, "escalation_message(4"));

   // An ordinary log line is not a timer.
   s.apply(event(K::Log, t0, "canary/1", "hello"));
   CHECK(s.timers.size() == 1);
   s.apply(event(K::RunFinished, t0 + 20 * minute, "", "rolled back", {{"exit_code", 3}}));
   CHECK(s.timers.empty());
}

TEST_CASE("live view: a waiting question shows its choices, its deadline and what nobody answering decides", "[live]")
{
   LiveState s = canary_watch();
   s.apply(event(K::Question, t0, "full/dns", "Apply the DNS change?",
                 {{"choices", {"apply", "leave DNS unchanged"}},
                  {"default", "leave DNS unchanged"},
                  {"deadline", t0 + 30 * minute},
                  {"timeout_default", "leave DNS unchanged"}}));
   REQUIRE(s.question);
   const auto lines = runbook::render_live_status(s, t0 + 18 * minute, plain(200));
   INFO(joined(lines));
   CHECK(has_line_containing(lines, "? waiting for an answer: Apply the DNS change?"));
   CHECK(has_line_containing(lines, "choices: apply | leave DNS unchanged",
                             "unanswered by 22:43:20, in 12m0s: \"leave DNS unchanged\" by default"));

   // Without a default, nobody answering fails the step; without a timeout it waits.
   LiveState::Question strict{"s", "Roll back?", {"yes", "no"}, t0 + minute, ""};
   CHECK(runbook::question_detail(strict, t0) == "choices: yes | no; unanswered by 22:14:20, in 1m0s: the step fails");
   LiveState::Question open{"s", "Roll back?", {"yes", "no"}, std::nullopt, ""};
   CHECK(runbook::question_detail(open, t0) == "choices: yes | no; no deadline: it waits for an answer");

   s.apply(event(K::Answer, t0 + minute, "full/dns", "apply (by alice)"));
   CHECK_FALSE(s.question);
}

TEST_CASE("plain lines: a question shows an ask's choices and its deadline with the default", "[live]")
{
   const auto ask = runbook::plain_line(event(K::Question, t0, "full/dns", "Apply the DNS change?",
                                              {{"choices", {"apply", "leave DNS unchanged"}},
                                               {"default", "leave DNS unchanged"},
                                               {"deadline", t0 + 30 * minute},
                                               {"timeout_default", "leave DNS unchanged"}}),
                                        false);
   REQUIRE(ask);
   CHECK(*ask == "22:13:20 ?  [full/dns] Apply the DNS change?  (choices: apply | leave DNS unchanged; "
                 "unanswered by 22:43:20, in 30m0s: \"leave DNS unchanged\" by default)");
   // An approval's yes/no goes without saying; its deadline does not.
   const auto approve = runbook::plain_line(
       event(K::Question, t0, "full/1", "Route 100%?",
             {{"choices", {"yes", "no"}}, {"default", "yes"}, {"deadline", t0 + 5 * minute}, {"timeout_default", "no"}}),
       false);
   REQUIRE(approve);
   CHECK(*approve == "22:13:20 ?  [full/1] Route 100%?  (unanswered by 22:18:20, in 5m0s: \"no\" by default)");
   const auto untimed = runbook::plain_line(event(K::Question, t0, "full/1", "Route 100%?", {{"choices", {"yes", "no"}}}), false);
   REQUIRE(untimed);
   CHECK(*untimed == "22:13:20 ?  [full/1] Route 100%?");
}

TEST_CASE("live view: short durations and bars", "[live]")
{
   CHECK(runbook::short_duration(0) == "0s");
   CHECK(runbook::short_duration(59'999) == "59s");
   CHECK(runbook::short_duration(270'000) == "4m30s");
   CHECK(runbook::short_duration(2 * 3600'000 + 5 * 60'000) == "2h05m");
   CHECK(runbook::short_duration(-5) == "0s");
   CHECK(runbook::short_duration(4'001, true) == "5s");
   CHECK(runbook::short_duration(4'000, true) == "4s");
   CHECK(runbook::progress_bar(0.5, 4, false) == "##--");
   CHECK(runbook::progress_bar(2, 3, false) == "###");
   CHECK(runbook::progress_bar(-1, 3, false) == "---");
}

// ---------------------------------------------------------------- the terminal driver, into a file

#include <cstdio>

#include "view/live_terminal.hpp"

namespace {

std::string read_all(std::FILE* file)
{
   std::fflush(file);
   std::rewind(file);
   std::string out;
   char buffer[4096];
   for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file)) > 0;) out.append(buffer, n);
   return out;
}

std::size_t count(const std::string& text, const std::string& what)
{
   std::size_t n = 0;
   for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
   return n;
}

}  // namespace

TEST_CASE("live terminal: the block is redrawn in place under the scrolling lines, and erased at the end", "[live]")
{
   std::FILE* file = std::tmpfile();
   REQUIRE(file != nullptr);
   double now = t0;
   {
      runbook::LiveTerminalOptions options;
      options.color = false;
      options.unicode = false;
      options.now = [&now] { return now; };
      options.width = [] { return 60; };
      options.redraw_every_ms = 60'000;   // Only events redraw here: deterministic.
      auto view = runbook::make_live_observer(file, options);
      view->on_event(event(K::RunStarted, t0, "", "run r1 of Rollout started", {{"run_id", "r1"}, {"title", "Rollout"}}));
      view->on_event(event(K::PhaseStarted, t0, "", "Canary", {{"number", 1}, {"of", 1}, {"triggers", json::array()}}));
      view->on_event(event(K::StepStarted, t0, "canary/1", "wait 10m",
                           {{"kind", "wait"}, {"inputs", {{"duration_ms", 10 * minute}}}, {"deadline_ms", t0 + 10 * minute}}));
      now = t0 + 5 * minute;
      view->on_event(event(K::Log, now, "canary/1", "half way"));
      view->on_event(event(K::StepFinished, t0 + 10 * minute, "canary/1", "wait done", {{"kind", "wait"}, {"outcome", "done"}}));
      view->on_event(event(K::RunFinished, t0 + 10 * minute, "", "completed", {{"exit_code", 0}}));
   }
   const std::string out = read_all(file);
   std::fclose(file);
   INFO(out);
   // The block was hidden-cursor drawn, then moved over and erased before each new line.
   CHECK(out.rfind("\x1b[?25l", 0) == std::string::npos);   // Nothing before the first line...
   CHECK(count(out, "\x1b[?25l") == 1);
   CHECK(count(out, "\x1b[?25h") == 1);
   CHECK(out.find("\x1b[?25h") > out.find("\x1b[?25l"));
   CHECK(count(out, "A\x1b[J") >= 4);
   CHECK(out.find("[#######--------]  50%  5m00s of 10m00s  5m00s left") != std::string::npos);
   // The plain lines are all there, in order, and the summary is the last thing printed.
   const auto started = out.find("== run r1 of Rollout started\n");
   const auto half = out.find("[canary/1] half way\n");
   const auto done = out.find("== completed\n");
   CHECK(started != std::string::npos);
   CHECK(half > started);
   CHECK(done > half);
   CHECK(out.substr(done) == "== completed\n\x1b[?25h");
   CHECK(out.find("\x1b[3") == std::string::npos);   // No colour asked, none given.
}

TEST_CASE("live terminal: a question erases the block and shows the cursor until it is answered", "[live]")
{
   std::FILE* file = std::tmpfile();
   REQUIRE(file != nullptr);
   std::string before_answer;
   {
      runbook::LiveTerminalOptions options;
      options.color = false;
      options.unicode = false;
      options.width = [] { return 60; };
      options.redraw_every_ms = 60'000;
      auto view = runbook::make_live_observer(file, options);
      view->on_event(event(K::RunStarted, t0, "", "run r1 started", {{"run_id", "r1"}, {"title", "Rollout"}}));
      view->on_event(event(K::Question, t0, "canary/2", "Proceed?"));
      before_answer = read_all(file);
      std::fseek(file, 0, SEEK_END);
      view->on_event(event(K::Answer, t0, "canary/2", "yes (by alice)"));
   }
   const std::string out = read_all(file);
   std::fclose(file);
   INFO(before_answer);
   // Question: the block is gone and the cursor visible for the operator's answer.
   const std::string tail = before_answer.substr(before_answer.find("?  [canary/2] Proceed?"));
   CHECK(tail == "?  [canary/2] Proceed?\n\x1b[?25h");
   INFO(out);
   CHECK(out.find("answered: yes (by alice)\n\x1b[?25lRollout") != std::string::npos);
}

TEST_CASE("live terminal: a chatty command's lines all print, without a redraw per line", "[live]")
{
   std::FILE* file = std::tmpfile();
   REQUIRE(file != nullptr);
   {
      runbook::LiveTerminalOptions options;
      options.color = false;
      options.unicode = false;
      options.width = [] { return 60; };
      options.redraw_every_ms = 60'000;
      auto view = runbook::make_live_observer(file, options);
      view->on_event(event(K::RunStarted, t0, "", "run r1 started", {{"run_id", "r1"}, {"title", "Rollout"}}));
      view->on_event(event(K::StepStarted, t0, "build", "sh make", {{"kind", "sh"}}));
      for (int i = 0; i < 200; ++i) view->on_event(event(K::StepOutput, t0, "build", "line " + std::to_string(i)));
   }   // Destroyed mid-run (an error): what was batched still prints, the terminal is left clean.
   const std::string out = read_all(file);
   std::fclose(file);
   for (int i = 0; i < 200; ++i) CHECK(out.find("| line " + std::to_string(i) + "\n") != std::string::npos);
   CHECK(count(out, "A\x1b[J") < 20);
   CHECK(out.size() >= 7);
   CHECK(out.substr(out.size() - 6) == "\x1b[?25h");
   CHECK(out.find("| line 199\n") > out.rfind("A\x1b[J"));
}

TEST_CASE("live view: a run resumed in rollback mode says which rollback", "[live]")
{
   LiveState s;
   s.apply(event(K::RunResumed, t0, "", "run r1 resumed in rollback mode",
                 {{"run_id", "r1"}, {"mode", "rollback"}, {"rollback", "emergency"}, {"title", "Rollout"}}));
   const auto lines = render_live_status(s, t0, plain());
   INFO(joined(lines));
   CHECK(lines[0].find("Rollout  ROLLING BACK via emergency") != std::string::npos);
}

TEST_CASE("step labels: a deep step id reads short on the terminal, the full id stays in JSON (issue 13)", "[live]")
{
   using runbook::short_step_label;
   const std::string deep = "canary-deployment/1[pct=5]/2/fn:traffic.shift/2/else/1/fn:traffic.check_split/2";
   CHECK(short_step_label(deep) == "canary-deployment[pct=5]/.../traffic.check_split/2");
   CHECK(short_step_label("deploy/3") == "deploy/3");                        // Short ids as they are.
   CHECK(short_step_label("deploy/1[host=a]/2") == "deploy/1[host=a]/2");
   CHECK(short_step_label("deploy/1/then/2/3") == "deploy/.../2/3");          // No call: the last two parts.
   CHECK(short_step_label("deploy/1[path=a/b/c]/2/then/4/5") == "deploy[path=a/b/c]/.../4/5");   // A slash in a label.
   CHECK(short_step_label("deploy/fn:x/1/2") == "deploy/fn:x/1/2");           // Nothing to gain.

   const RunEvent e = event(K::StepStarted, t0, deep, "sh curl", {{"kind", "sh"}});
   const auto line = runbook::plain_line(e, false);
   REQUIRE(line);
   CHECK(line->find("[canary-deployment[pct=5]/.../traffic.check_split/2] sh curl") != std::string::npos);
   CHECK(runbook::event_json(e)["step"] == deep);

   LiveState s;
   s.apply(e);
   const auto lines = render_live_status(s, t0, plain());
   INFO(joined(lines));
   CHECK(has_line_containing(lines, "> [canary-deployment[pct=5]/.../traffic.check_split/2] sh curl"));
}
