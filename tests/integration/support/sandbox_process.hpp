// runbook-sandbox started for a test: on a free loopback port (read from its
// ready line), with a token and a state file in a temporary directory,
// stopped when the test is done. restart() and crash_and_restart() keep the
// port and the state file, as the crash tests need.
//
//   runbook::testing::SandboxProcess sandbox;
//   auto client = sandbox.client();
//   sandbox.set_traffic("green", 25);
//   sandbox.requests();   // the request log, as JSON
#pragma once

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "temp_dir.hpp"

namespace runbook::testing {

struct SandboxConfig {
   std::string token = "sandbox-test-token";   ///< Empty: the sandbox requires no auth.
   bool persist_state = true;                  ///< --state FILE in the temporary directory.
   std::uint64_t seed = 1;
   std::vector<std::string> extra_args;        ///< e.g. {"--requests-per-second", "1000"}.
};

/// Where the sandbox binary is: $RUNBOOK_SANDBOX, else the one CMake built.
inline std::string sandbox_binary()
{
   if (const char* path = std::getenv("RUNBOOK_SANDBOX"); path && *path) return path;
#ifdef RUNBOOK_SANDBOX_BINARY
   return RUNBOOK_SANDBOX_BINARY;
#else
   throw std::runtime_error("set RUNBOOK_SANDBOX to the runbook-sandbox binary");
#endif
}

/// The port in the sandbox's ready line
///   runbook-sandbox listening on http://127.0.0.1:PORT
/// once the whole line is there. (No std::regex: GCC 12 warns inside it under -fsanitize.)
inline std::optional<int> ready_port(const std::string& output)
{
   static const std::string prefix = "runbook-sandbox listening on http://127.0.0.1:";
   const auto start = output.find(prefix);
   if (start == std::string::npos) return std::nullopt;
   const auto digits = start + prefix.size();
   const auto end = output.find('\n', digits);
   if (end == std::string::npos || end == digits) return std::nullopt;
   int port = 0;
   for (auto i = digits; i < end; ++i) {
      if (output[i] < '0' || output[i] > '9') return std::nullopt;
      port = port * 10 + (output[i] - '0');
      if (port > 65535) return std::nullopt;
   }
   return port;
}

class SandboxProcess {
public:
   explicit SandboxProcess(SandboxConfig config = {}) : config_(std::move(config)), dir_("runbook-sandbox") { start(); }

   int port() const { return port_; }
   std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
   const std::string& token() const { return config_.token; }
   std::filesystem::path state_file() const { return dir_ / "sandbox-state.json"; }
   const TempDir& dir() const { return dir_; }
   bool running() { return process_ && process_->running(); }
   /// Everything the sandbox printed (all its runs), for failure messages.
   std::string output() const { return process_ ? process_->output() : std::string(); }

   /// A client for the sandbox with short timeouts (a hung sandbox fails the test, not hangs it).
   std::unique_ptr<httplib::Client> client() const
   {
      auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
      client->set_connection_timeout(2, 0);
      client->set_read_timeout(5, 0);
      return client;
   }

   /// SIGTERM (clean stop), then start again on the same port with the same state file.
   void restart()
   {
      stop();
      start();
   }
   /// SIGKILL (a crash), then start again on the same port with the same state file.
   void crash_and_restart()
   {
      if (process_) process_->kill_now();
      start();
   }
   void stop()
   {
      if (process_) process_->stop();
   }

   // Conveniences over the HTTP API (see docs/sandbox.md); each throws when
   // the sandbox does not answer.

   nlohmann::json get_json(const std::string& path) const
   {
      auto result = client()->Get(path);
      if (!result) throw std::runtime_error("sandbox did not answer GET " + path + ": " + httplib::to_string(result.error()));
      return nlohmann::json::parse(result->body);
   }
   /// POST /api/traffic with the token; returns the status.
   int set_traffic(const std::string& environment, double percentage, const std::string& idempotency_key = "") const
   {
      httplib::Headers headers;
      if (!config_.token.empty()) headers.emplace("Authorization", "Bearer " + config_.token);
      if (!idempotency_key.empty()) headers.emplace("Idempotency-Key", idempotency_key);
      const nlohmann::json body = {{"environment", environment}, {"percentage", percentage}};
      auto result = client()->Post("/api/traffic", headers, body.dump(), "application/json");
      if (!result) throw std::runtime_error("sandbox did not answer POST /api/traffic: " + httplib::to_string(result.error()));
      return result->status;
   }
   nlohmann::json traffic() const { return get_json("/api/traffic"); }
   /// The request log; `path_prefix` filters it ("/api/traffic").
   nlohmann::json requests(const std::string& path_prefix = "") const
   {
      return get_json("/sandbox/requests" + (path_prefix.empty() ? "" : "?path=" + path_prefix)).at("requests");
   }
   void inject_faults(const nlohmann::json& faults) const { expect_ok(client()->Post("/sandbox/faults", faults.dump(), "application/json"), "POST /sandbox/faults"); }
   void clear_faults() const { expect_ok(client()->Delete("/sandbox/faults"), "DELETE /sandbox/faults"); }
   void reset() const { expect_ok(client()->Post("/sandbox/reset"), "POST /sandbox/reset"); }

private:
   static void expect_ok(const httplib::Result& result, const std::string& what)
   {
      if (!result) throw std::runtime_error("sandbox did not answer " + what + ": " + httplib::to_string(result.error()));
      if (result->status != 200) throw std::runtime_error(what + " answered " + std::to_string(result->status) + ": " + result->body);
   }

   void start()
   {
      std::vector<std::string> argv = {sandbox_binary(), "--port", std::to_string(port_), "--seed", std::to_string(config_.seed)};
      if (!config_.token.empty()) argv.insert(argv.end(), {"--token", config_.token});
      if (config_.persist_state) argv.insert(argv.end(), {"--state", state_file().string()});
      argv.insert(argv.end(), config_.extra_args.begin(), config_.extra_args.end());

      process_ = std::make_unique<ChildProcess>(argv, dir_ / "sandbox.log");
      const std::function<std::optional<int>(const std::string&)> ready = [](const std::string& output) { return ready_port(output); };
      const auto port = process_->wait_for_output(ready, std::chrono::seconds(10));
      if (!port) {
         const std::string output = process_->output();
         process_->stop();
         throw std::runtime_error("runbook-sandbox did not become ready; it printed:\n" + output);
      }
      port_ = *port;
   }

   SandboxConfig config_;
   TempDir dir_;
   int port_ = 0;   // 0 until the first start picks one; then kept for restarts.
   std::unique_ptr<ChildProcess> process_;
};

}  // namespace runbook::testing
