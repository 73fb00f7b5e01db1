// The `sh` step, and the metric samples that feed expressions. The other
// step that changes the world, `http` (and the `http get ... json` probes
// expressions read), is exec/http_step.cpp.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include "exec/interpreter_impl.hpp"

namespace runbook {

namespace {

/// The last few lines of output, for a failure message.
std::string last_lines(const std::string& text, int lines = 5)
{
   std::size_t pos = text.size();
   while (pos > 0 && (text[pos - 1] == '\n')) --pos;
   const std::size_t end = pos;
   for (int n = 0; n < lines && pos > 0; ++n) {
      pos = text.rfind('\n', pos - 1);
      if (pos == std::string::npos) {
         pos = 0;
         break;
      }
   }
   std::string out = text.substr(pos, end - pos);
   if (!out.empty() && out.front() == '\n') out.erase(0, 1);
   return out;
}

/// Splits streamed output into whole lines, so a secret is never cut in two
/// halves that each escape redaction.
class LineSplitter {
public:
   explicit LineSplitter(std::function<void(const std::string&)> on_line) : on_line_(std::move(on_line)) {}
   void feed(std::string_view chunk)
   {
      std::lock_guard<std::mutex> lock(mutex_);
      buffer_.append(chunk);
      std::size_t pos;
      while ((pos = buffer_.find('\n')) != std::string::npos) {
         on_line_(buffer_.substr(0, pos));
         buffer_.erase(0, pos + 1);
      }
      if (buffer_.size() > 64 * 1024) {   // A very long line: emit what there is.
         on_line_(buffer_);
         buffer_.clear();
      }
   }
   void flush()
   {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!buffer_.empty()) on_line_(buffer_);
      buffer_.clear();
   }

private:
   std::function<void(const std::string&)> on_line_;
   std::string buffer_;
   std::mutex mutex_;
};

}  // namespace

std::string text_tail(const std::string& text, std::size_t max)
{
   if (text.size() <= max) return text;
   return "..." + text.substr(text.size() - max);
}

Interpreter::Impl::Performed Interpreter::Impl::stop_to_performed(const Stop& stop, json result)
{
   Performed p;
   p.result = std::move(result);
   p.outcome = step_outcome::Interrupted;
   p.message = stop.reason;
   stop_message_ = stop.reason;
   switch (stop.kind) {
   case Stop::Kind::Interrupted: p.flow = Flow::Interrupted; break;
   case Stop::Kind::Rollback:
      p.flow = Flow::Rollback;
      stop_rollback_ = stop.rollback;
      break;
   case Stop::Kind::Abort: p.flow = Flow::Aborted; break;
   case Stop::Kind::LeaseLost: p.flow = Flow::JournalBroken; break;
   case Stop::Kind::Fail:
   case Stop::Kind::Approved:
   case Stop::Kind::Defaulted:
   case Stop::Kind::None:
      p.flow = Flow::Failed;
      p.outcome = step_outcome::Failed;
      break;
   }
   return p;
}

// ---------------------------------------------------------------- sh

namespace {

/// The exit codes `expect exit` accepts; none given means 0.
std::vector<int> expected_exits(const ast::ShStep& sh, Evaluator& ev)
{
   std::vector<int> expected_exit;
   for (const auto& expect : sh.expects) {
      if (expect.kind != ast::Expectation::Kind::Exit || !expect.value) continue;
      const Value v = ev.eval(*expect.value);
      if (v.is_list())
         for (const auto& item : v.as_list()) expected_exit.push_back(static_cast<int>(item.as_double()));
      else
         expected_exit.push_back(static_cast<int>(v.as_double()));
   }
   if (expected_exit.empty()) expected_exit.push_back(0);
   return expected_exit;
}

/// Why a finished command failed the step, if it did.
std::optional<std::string> judge_shell_result(const ShellResult& res, const std::vector<int>& expected_exit)
{
   if (!res.started) return "the command could not start: " + res.error;
   if (res.timed_out) return res.error.empty() ? "timed out" : res.error;
   if (res.exit_code < 0)
      return res.error.empty() ? fmt::format("the command was killed by signal {}", res.signal) : res.error;
   if (std::find(expected_exit.begin(), expected_exit.end(), res.exit_code) == expected_exit.end())
      return fmt::format("exit code {} (expected {})", res.exit_code, fmt::join(expected_exit, " or "));
   return std::nullopt;
}

}  // namespace

Flow Interpreter::Impl::run_sh(const ast::Step& step, const ast::ShStep& sh, Frame& frame, const std::string& id)
{
   Evaluator ev = evaluator(frame);
   // Every spliced value is quoted for where it lands (io/shell_splice.hpp):
   // data never becomes syntax.
   const std::string command = ev.text(*sh.command, Splice::Shell);
   const std::string display = redact(command);
   const std::vector<int> expected_exit = expected_exits(sh, ev);

   Resolved r{StepKind::Sh, {{"summary", display}, {"command", display}}, false, {}};
   if (step.options.timeout_ms) r.inputs["timeout_ms"] = *step.options.timeout_ms;
   if (expected_exit != std::vector<int>{0}) r.inputs["expect_exit"] = expected_exit;

   return journaled(step, frame, id, r, [&, command, display, expected_exit](const Resolved&) {
      LineSplitter lines([&](const std::string& line) { emit(RunEvent::Kind::StepOutput, id, line); });
      ShellResult res;
      const Stop stop = run_shell_step(step, id, command, display,
                                       [&lines](std::string_view chunk) { lines.feed(chunk); }, res);
      lines.flush();

      json result{{"exit_code", res.exit_code}, {"elapsed_ms", res.elapsed_ms}, {"output_tail", text_tail(res.output_tail)}};
      if (res.signal != 0) result["signal"] = res.signal;
      if (res.timed_out) result["timed_out"] = true;
      if (stop) return stop_to_performed(stop, result);
      if (res.interrupted && interrupted())
         return stop_to_performed(Stop{Stop::Kind::Interrupted, "", "interrupted (Ctrl-C)", ""}, result);

      Performed p;
      p.result = result;
      if (const auto failure = judge_shell_result(res, expected_exit)) {
         // A command may fail for a passing reason: `retry` may run it again.
         p.flow = Flow::Failed;
         p.outcome = step_outcome::Failed;
         p.retryable = true;
         const std::string output = last_lines(res.output_tail);
         p.message = output.empty() ? *failure : *failure + "; last output:\n" + output;
         return p;
      }
      if (!step.options.capture.empty()) {
         ValueMap capture{{"exit_code", Value(res.exit_code)},
                          {"stdout", Value(res.stdout_tail)},
                          {"output", Value(res.output_tail)}};
         p.result["capture"] = Value(capture).to_typed_json();
      }
      return p;
   });
}

Stop Interpreter::Impl::run_shell_step(const ast::Step& step, const std::string& id, const std::string& command,
                                       const std::string& display,
                                       const std::function<void(std::string_view)>& on_output, ShellResult& res)
{
   ShellOptions options;
   if (step.options.timeout_ms) {
      // The timeout is runbook time: on the wall clock it is scaled, on a
      // virtual clock (where the command's time is its scenario's) it is as written.
      options.timeout_ms = world_.clock().wall_ms(*step.options.timeout_ms);
      options.timeout_display_ms = *step.options.timeout_ms;
      if (virtual_time()) options.timeout_ms = *step.options.timeout_ms;
   }
   options.kill_grace_ms = 1000;
   options.on_output = on_output;
   const TimeMs started = world_.clock().now();
   Stop stop = blocking([&](const std::atomic<bool>* cancel) {
      ShellOptions o = options;
      o.cancel = cancel;
      res = world_.shell(id, command, display, o);
   });
   if (!stop && virtual_time()) stop = pass_time(started, res.elapsed_ms);
   return stop;
}

// ---------------------------------------------------------------- metrics

void Interpreter::Impl::resolve_metrics()
{
   for (const auto& [name, metric] : metrics_) {
      Evaluator ev(globals_, *this);
      ResolvedMetric m;
      m.name = name;
      const ast::MetricSource& source = metric->source();   // the alternative the checker chose
      m.kind = source.kind;
      if (source.target)
         m.target = ev.text(*source.target, m.kind == ast::MetricSource::Kind::Shell ? Splice::Shell : Splice::Text);
      if (source.query) m.query = ev.text(*source.query);
      m.json_path = source.json_path;
      for (const auto& [header, value] : source.headers) m.headers.emplace_back(header, ev.text(*value));
      m.scale = metric->scale;
      if (metric->timeout_ms) m.timeout_ms = *metric->timeout_ms;
      m.display_target = redact(m.target);
      m.cancel = settings_.interrupt;   // Ctrl-C does not wait out a hanging source.
      switch (m.kind) {
      case ast::MetricSource::Kind::Http: m.display = "http get " + m.display_target + " json " + m.json_path; break;
      case ast::MetricSource::Kind::Prometheus:
         m.display = "prometheus " + m.display_target + " query " + redact(m.query);
         break;
      case ast::MetricSource::Kind::Shell: m.display = "sh " + m.display_target; break;
      }
      resolved_metrics_[name] = std::move(m);
   }
}

Sample Interpreter::Impl::take_sample(const std::string& name)
{
   if (in_round_) {
      auto cached = round_samples_.find(name);
      if (cached != round_samples_.end()) return cached->second;
   }
   const auto it = resolved_metrics_.find(name);
   Sample sample = it == resolved_metrics_.end()
                      ? Sample::failed("the metric was not resolved", world_.clock().now())
                      : world_.sample(it->second);
   sample.error = redact(sample.error);
   if (in_round_) round_samples_[name] = sample;
   return sample;
}

Value Interpreter::Impl::sample_metric(const std::string& name, const Location&)
{
   const Sample sample = take_sample(name);
   if (!sample.ok) throw SampleFailed(name, sample.error);
   const auto metric = metrics_.find(name);
   return Value(sample.value, metric == metrics_.end() ? ast::Unit::None : metric->second->unit);
}

}  // namespace runbook
