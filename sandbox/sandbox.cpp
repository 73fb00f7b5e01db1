#include "sandbox.hpp"

#include <iostream>

#include <fmt/format.h>

#include "http_util.hpp"
#include "json_util.hpp"
#include "metrics_exposition.hpp"

namespace sandbox {

Sandbox::Sandbox(SandboxOptions options)
   : options_(std::move(options)), flow_(options_.requests_per_second, options_.seed, SyntheticFlow::Clock::now())
{
   if (options_.state_file) {
      state_file_.emplace(*options_.state_file);
      if (auto loaded = state_file_->load()) state_ = std::move(*loaded);
      // Better to learn now than at the first mutation that the file cannot be written.
      state_file_->save(state_);
   }
}

SystemView Sandbox::current_view() const
{
   return system_view(state_.faults, state_.split, unix_now_ms());
}

void Sandbox::catch_up()
{
   flow_.advance(SyntheticFlow::Clock::now(), current_view());
}

void Sandbox::save(const SandboxState& state) const
{
   if (state_file_) state_file_->save(state);
}

void Sandbox::mutate(const httplib::Request& request, httplib::Response& response, const Change& change)
{
   std::lock_guard lock(mutex_);
   // Requests served so far were served under the old configuration.
   catch_up();

   SandboxState draft = state_;
   const Outcome outcome = change(draft, response);

   LoggedRequest entry;
   entry.seq = draft.next_seq++;
   entry.method = request.method;
   entry.path = loggable_path(request.path);   // A Slack webhook path is its secret: masked in the log and the state file.
   entry.body = body_json(request.body);
   if (request.has_header("Idempotency-Key")) entry.idempotency_key = request.get_header_value("Idempotency-Key");
   entry.auth_scheme = auth_scheme(request);
   entry.time_ms = unix_now_ms();
   entry.status = response.status;
   entry.replayed = outcome == Outcome::replayed;
   draft.requests.push_back(entry);

   try {
      save(draft);
   }
   catch (const std::exception& e) {
      std::cerr << "runbook-sandbox: " << e.what() << "; the request was not applied\n";
      send_error(response, 500, std::string("the sandbox could not save its state: ") + e.what());
      return;
   }
   if (!(draft.split == state_.split)) {
      routing_.restart();
      flow_.restart_round_robin();
   }
   state_ = std::move(draft);
   if (options_.verbose)
      std::cerr << fmt::format("runbook-sandbox: #{} {} {} -> {}{}\n", entry.seq, entry.method, loggable_path(entry.path), entry.status,
                               entry.replayed ? " (replayed)" : "");
}

Environment Sandbox::next_routed_environment()
{
   std::lock_guard lock(mutex_);
   return routing_.next(state_.split);
}

std::string Sandbox::prometheus_text()
{
   std::lock_guard lock(mutex_);
   catch_up();
   return render_prometheus(flow_, current_view());
}

void Sandbox::reset()
{
   std::lock_guard lock(mutex_);
   catch_up();
   SandboxState fresh;
   save(fresh);
   state_ = std::move(fresh);
   routing_.restart();
   flow_.restart_round_robin();
}

}  // namespace sandbox
