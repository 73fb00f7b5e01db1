// Everything the sandbox remembers across a restart: the traffic split, the
// injected faults, the Idempotency-Keys it has answered, and the log of every
// mutating request. Saved with --state FILE after every mutation.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "environments.hpp"
#include "faults.hpp"

namespace sandbox {

/// One mutating request as received (the Authorization header's secret is never kept).
struct LoggedRequest {
   std::uint64_t seq = 0;                          ///< 1, 2, 3 ... in arrival order.
   std::string method;
   std::string path;
   nlohmann::json body;                            ///< Parsed JSON, or the raw text, or null.
   std::optional<std::string> idempotency_key;
   std::optional<std::string> auth_scheme;         ///< "Bearer", "OAuth", "Token": only the scheme.
   long long time_ms = 0;                          ///< Unix milliseconds.
   int status = 0;                                 ///< What the sandbox answered.
   bool replayed = false;                          ///< Answered from the Idempotency-Key store; nothing changed.
};

/// The first answer to a request with an Idempotency-Key, replayed for repeats.
struct IdempotentAnswer {
   std::string method;
   std::string path;
   std::string request_body;
   int status = 0;
   std::string response_body;
};

struct SandboxState {
   TrafficSplit split;
   Faults faults;
   std::map<std::string, IdempotentAnswer> idempotency;
   std::vector<LoggedRequest> requests;
   std::uint64_t next_seq = 1;
};

nlohmann::json logged_request_to_json(const LoggedRequest& request);
nlohmann::json state_to_json(const SandboxState& state);
/// Throws std::runtime_error naming what is wrong.
SandboxState state_from_json(const nlohmann::json& json);

/// The --state file: written to a temporary file and renamed over the old
/// one, so a sandbox killed at any moment leaves either the old or the new
/// state, never half of one.
class StateFile {
public:
   explicit StateFile(std::filesystem::path path) : path_(std::move(path)) {}

   /// nullopt when the file does not exist yet; throws std::runtime_error when it is unreadable or corrupt.
   std::optional<SandboxState> load() const;
   /// Throws std::runtime_error when the state cannot be written.
   void save(const SandboxState& state) const;
   const std::filesystem::path& path() const { return path_; }

private:
   std::filesystem::path path_;
};

}  // namespace sandbox
