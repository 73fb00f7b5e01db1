// The sandbox's memory and its one lock: the persisted state (split, faults,
// idempotency keys, request log) and the runtime that a restart forgets (the
// round-robin positions and the synthetic flow's counters).
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include <httplib.h>

#include "options.hpp"
#include "sandbox_state.hpp"
#include "synthetic_flow.hpp"
#include "system_model.hpp"

namespace sandbox {

enum class Outcome { applied, replayed };

class Sandbox {
public:
   /// Loads the --state file if there is one; throws std::runtime_error when it is corrupt.
   explicit Sandbox(SandboxOptions options);

   const SandboxOptions& options() const { return options_; }

   /// A change to apply to a draft of the state; it answers the request
   /// through `response` and says whether it was replayed from an Idempotency-Key.
   using Change = std::function<Outcome(SandboxState& draft, httplib::Response& response)>;

   /// Handles a mutating request: applies `change` to a copy of the state,
   /// appends the request to the log, saves the state file, and only then
   /// makes the copy current, all under the lock and before the response
   /// leaves. If the state cannot be saved nothing changes and the answer is 500.
   void mutate(const httplib::Request& request, httplib::Response& response, const Change& change);

   /// Reads the state and the system under the lock, the synthetic flow caught up to now.
   template <typename Reader>
   auto read(Reader&& reader)
   {
      std::lock_guard lock(mutex_);
      catch_up();
      return reader(static_cast<const SandboxState&>(state_), current_view());
   }

   /// The environment that answers the next load-balanced request (/health).
   Environment next_routed_environment();
   /// The Prometheus text exposition of the synthetic flow and the gauges.
   std::string prometheus_text();
   /// Forgets everything but the synthetic counters (which only grow): for tests.
   void reset();

private:
   SystemView current_view() const;
   void catch_up();
   void save(const SandboxState& state) const;

   SandboxOptions options_;
   std::optional<StateFile> state_file_;
   mutable std::mutex mutex_;
   SandboxState state_;
   WeightedRoundRobin routing_;
   SyntheticFlow flow_;
};

}  // namespace sandbox
