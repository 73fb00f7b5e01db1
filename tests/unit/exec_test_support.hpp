// Test support for the interpreter: a fake World on a virtual clock that
// records every call and answers from tables, an observer that keeps events,
// and a harness that loads a runbook from a string and runs it against a
// journal in a temporary directory.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "check/checker.hpp"
#include "exec/interpreter.hpp"
#include "journal/journal.hpp"
#include "syntax/loader.hpp"

namespace runbook::testing {

/// Thrown by a FakeWorld to play a crash (kill -9) in the middle of a step.
struct Crash {};

inline constexpr double t0 = 1'800'000'000'000.0;   ///< Where the virtual clock starts.

struct ShellCall { std::string command; double at; };

/// A command that ran and exited with `code`.
inline ShellResult exited(int code)
{
   ShellResult r;
   r.started = true;
   r.exit_code = code;
   return r;
}
struct HttpCall { HttpRequest request; double at; };

class FakeWorld : public World {
public:
   VirtualClock clock_{t0};
   std::vector<ShellCall> shell_calls;
   std::vector<HttpCall> http_calls;
   std::vector<Question> questions;
   std::vector<std::pair<std::string, double>> samples;   ///< metric name, time

   /// Answers a command; default: exit 0, stdout "ok".
   std::function<ShellResult(const std::string& command)> on_shell = [](const std::string&) {
      ShellResult r;
      r.started = true;
      r.exit_code = 0;
      r.stdout_tail = "ok\n";
      r.output_tail = "ok\n";
      return r;
   };
   /// Answers a request; default: 200 {"ok": true}.
   std::function<HttpResponse(const HttpRequest&)> on_http = [](const HttpRequest&) {
      HttpResponse r;
      r.ok = true;
      r.status = 200;
      r.body = R"({"ok": true})";
      return r;
   };
   /// Metric values by name, as functions of minutes since t0.
   std::map<std::string, std::function<Sample(double minutes)>> metrics;
   /// Answers questions; default: the first choice ("yes").
   std::function<Answer(const Question&)> on_ask = [](const Question& q) {
      return Answer{q.choices.empty() ? "" : q.choices.front(), "test", false};
   };

   Clock& clock() override { return clock_; }
   ShellResult shell(const std::string&, const std::string& command, std::string_view, const ShellOptions&) override
   {
      shell_calls.push_back({command, clock_.now()});
      return on_shell(command);
   }
   HttpResponse http(const std::string&, const HttpRequest& request, std::string_view) override
   {
      http_calls.push_back({request, clock_.now()});
      return on_http(request);
   }
   Sample sample(const ResolvedMetric& metric) override
   {
      samples.emplace_back(metric.name, clock_.now());
      auto it = metrics.find(metric.name);
      if (it == metrics.end()) return Sample::failed("no such metric in the test", clock_.now());
      Sample s = it->second((clock_.now() - t0) / 60000.0);
      s.at = clock_.now();
      return s;
   }
   Answer ask(const Question& question, const std::atomic<bool>*) override
   {
      questions.push_back(question);
      return on_ask(question);
   }

   std::vector<std::string> commands() const
   {
      std::vector<std::string> out;
      for (const auto& c : shell_calls) out.push_back(c.command);
      return out;
   }
};

class RecordingObserver : public RunObserver {
public:
   std::vector<RunEvent> events;
   bool quiet_samples = true;   ///< What wants_quiet_samples() says.
   void on_event(const RunEvent& event) override { events.push_back(event); }
   bool wants_quiet_samples() const override { return quiet_samples; }
   bool has(RunEvent::Kind kind, const std::string& text_part = "") const
   {
      for (const auto& e : events)
         if (e.kind == kind && e.text.find(text_part) != std::string::npos) return true;
      return false;
   }
   std::string all_text() const
   {
      std::string out;
      for (const auto& e : events) out += std::string(to_string(e.kind)) + " " + e.step_id + " " + e.text + " " + e.data.dump() + "\n";
      return out;
   }
};

/// A fresh temporary directory, removed at the end of the test.
class TempDir {
public:
   TempDir()
   {
      std::string pattern = (std::filesystem::temp_directory_path() / "runbook-exec-XXXXXX").string();
      path_ = ::mkdtemp(pattern.data());
   }
   ~TempDir()
   {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
   }
   const std::string& path() const { return path_; }
   std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
   std::string path_;
};

/// Parses and checks `source`; fails the test on any error.
inline Program load_source(const std::string& source, const std::string& path = "test.rb")
{
   InMemorySources sources;
   sources.files[path] = source;
   Diagnostics diags;
   Program program = load_program(path, sources, LoadOptions{}, diags);
   if (program.root) check_program(program, diags, CheckOptions{true});
   INFO(render_text(diags, false));
   REQUIRE(program.root);
   REQUIRE_FALSE(diags.has_errors());
   return program;
}

/// One runbook, one journal: start runs and resume them as a new process would.
class Harness {
public:
   explicit Harness(const std::string& source) : program(load_source(source))
   {
      journal = Journal::open(dir.file("journal.db"));
      settings.interrupt = &interrupt;
   }

   RunOutcome run()
   {
      Interpreter interpreter(program, world, *journal, observer, settings);
      try {
         outcome = interpreter.start("test.rb");
      } catch (const Crash&) {
         crashed = true;
         outcome = RunOutcome{-1, latest_run_id(), "crashed", "crashed"};
      }
      return outcome;
   }

   /// Resumes like a new process would: a fresh world (clock at `now`), the same journal.
   RunOutcome resume(const std::string& run_id, double now = 0)
   {
      world.clock_.advance_to(now);
      interrupt = false;
      Interpreter interpreter(program, world, *journal, observer, settings);
      try {
         outcome = interpreter.resume(run_id);
      } catch (const Crash&) {
         crashed = true;
         outcome = RunOutcome{-1, run_id, "crashed", "crashed"};
      }
      return outcome;
   }

   std::string latest_run_id()
   {
      auto runs = journal->runs();
      return runs.empty() ? "" : runs.front().id;
   }

   std::map<std::string, StepRecord> steps(const std::string& run_id)
   {
      std::map<std::string, StepRecord> out;
      for (auto& s : journal->steps(run_id)) out[s.step_id] = s;
      return out;
   }

   /// Every byte the journal wrote (database and write-ahead log).
   std::string journal_bytes() const
   {
      std::string out;
      for (const char* suffix : {"", "-wal", "-shm"}) {
         std::ifstream in(dir.file("journal.db") + suffix, std::ios::binary);
         std::ostringstream buffer;
         buffer << in.rdbuf();
         out += buffer.str();
      }
      return out;
   }

   TempDir dir;
   Program program;
   std::unique_ptr<Journal> journal;
   FakeWorld world;
   RecordingObserver observer;
   RunSettings settings;
   std::atomic<bool> interrupt{false};
   RunOutcome outcome;
   bool crashed = false;
};

/// An operator who takes `minutes` to answer `choice`.
inline std::function<Answer(const Question&)> answers_after(double minutes, std::string choice)
{
   return [minutes, choice](const Question&) {
      Answer a{choice, "slow operator", false};
      a.elapsed_ms = minutes * 60'000;
      return a;
   };
}

inline Sample value(double v) { return Sample::of(v, 0); }
inline Sample failed(const std::string& why) { return Sample::failed(why, 0); }

}  // namespace runbook::testing
