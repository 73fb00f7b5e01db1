// A real Prometheus (Debian's /usr/bin/prometheus) for a test: a generated
// config that scrapes the given targets every second, a free loopback port,
// a temporary storage directory, stopped (SIGTERM, then SIGKILL) when the
// test is done.
//
//   runbook::testing::SandboxProcess sandbox;
//   runbook::testing::PrometheusProcess prometheus({sandbox.port()});
//   prometheus.wait_until_scraped();        // `up` is 1 for every target
//   auto ratio = prometheus.query("sum(rate(http_requests_total{code=~\"5..\"}[5s]))");
//
// Prometheus 2.42 applies a new scrape configuration only on its 5-second
// discovery tick, so the first scrape comes about 5 s after start: start it
// once per test and reuse it.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "free_port.hpp"
#include "temp_dir.hpp"

namespace runbook::testing {

/// $RUNBOOK_PROMETHEUS, else Debian's.
inline std::string prometheus_binary()
{
   if (const char* path = std::getenv("RUNBOOK_PROMETHEUS"); path && *path) return path;
   return "/usr/bin/prometheus";
}

/// The answer to an instant query, reduced to one number the way runbook's
/// metric sources do: a scalar or a one-element vector. Anything else
/// (an error, an empty or multi-element vector, NaN) is no value.
struct PromQueryResult {
   std::optional<double> value;
   std::string problem;   ///< Why there is no value, in words.
   nlohmann::json raw;    ///< The whole answer.
};

class PrometheusProcess {
public:
   explicit PrometheusProcess(const std::vector<int>& target_ports, int scrape_interval_seconds = 1)
      : dir_("runbook-prometheus"), targets_(target_ports)
   {
      if (!std::filesystem::exists(prometheus_binary()))
         throw std::runtime_error(prometheus_binary() + " is missing: install Debian's prometheus (scripts/setup.sh)");
      write_config(scrape_interval_seconds);
      // The free port can be taken between choosing it and binding it: retry.
      std::string failures;
      for (int attempt = 0; attempt < 3; ++attempt) {
         port_ = free_loopback_port();
         if (start()) return;
         failures += process_ ? process_->output() : std::string();
      }
      throw std::runtime_error("prometheus did not become ready; it printed:\n" + failures);
   }

   int port() const { return port_; }
   std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
   std::string output() const { return process_ ? process_->output() : std::string(); }
   void stop()
   {
      if (process_) process_->stop();
   }
   bool running() { return process_ && process_->running(); }

   PromQueryResult query(const std::string& promql) const
   {
      PromQueryResult answer;
      httplib::Client client("127.0.0.1", port_);
      client.set_connection_timeout(2, 0);
      client.set_read_timeout(5, 0);
      auto result = client.Get("/api/v1/query", httplib::Params{{"query", promql}}, httplib::Headers{});
      if (!result) {
         answer.problem = "prometheus did not answer: " + httplib::to_string(result.error());
         return answer;
      }
      answer.raw = nlohmann::json::parse(result->body, nullptr, false);
      if (answer.raw.is_discarded() || answer.raw.value("status", "") != "success") {
         answer.problem = "query failed (HTTP " + std::to_string(result->status) + "): " + result->body;
         return answer;
      }
      const auto& data = answer.raw["data"];
      std::string text;
      if (data["resultType"] == "scalar") text = data["result"][1].get<std::string>();
      else if (data["resultType"] == "vector" && data["result"].size() == 1) text = data["result"][0]["value"][1].get<std::string>();
      else {
         answer.problem = "no single value: " + data["result"].dump();
         return answer;
      }
      const double value = std::strtod(text.c_str(), nullptr);
      if (std::isnan(value)) answer.problem = "NaN";
      else answer.value = value;
      return answer;
   }

   /// Waits until every target has been scraped successfully (`up` == 1).
   bool wait_until_scraped(std::chrono::milliseconds timeout = std::chrono::seconds(20)) const
   {
      return wait_for([&] {
         const auto up = query("min(up) and count(up) == " + std::to_string(targets_.size()));
         return up.value && *up.value == 1;
      }, timeout);
   }

   /// Polls `condition` every 100 ms until it holds or `timeout` passes.
   template <typename Condition>
   static bool wait_for(Condition condition, std::chrono::milliseconds timeout)
   {
      const auto deadline = std::chrono::steady_clock::now() + timeout;
      while (std::chrono::steady_clock::now() < deadline) {
         if (condition()) return true;
         std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      return condition();
   }

private:
   void write_config(int scrape_interval_seconds) const
   {
      std::ofstream config(dir_ / "prometheus.yml");
      config << "global:\n"
             << "  scrape_interval: " << scrape_interval_seconds << "s\n"
             << "  scrape_timeout: " << scrape_interval_seconds << "s\n"
             << "  evaluation_interval: " << scrape_interval_seconds << "s\n"
             << "scrape_configs:\n"
             << "  - job_name: sandbox\n"
             << "    static_configs:\n"
             << "      - targets: [";
      for (std::size_t i = 0; i < targets_.size(); ++i) config << (i ? ", " : "") << "'127.0.0.1:" << targets_[i] << "'";
      config << "]\n";
   }

   bool start()
   {
      process_ = std::make_unique<ChildProcess>(
         std::vector<std::string>{prometheus_binary(), "--config.file=" + (dir_ / "prometheus.yml").string(),
                                  "--storage.tsdb.path=" + (dir_ / "data").string(),
                                  "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--log.level=warn"},
         dir_ / "prometheus.log");
      const bool ready = wait_for([&] {
         if (!process_->running()) return true;   // stop waiting; reported below
         httplib::Client client("127.0.0.1", port_);
         client.set_connection_timeout(0, 200000);
         auto result = client.Get("/-/ready");
         return result && result->status == 200;
      }, std::chrono::seconds(15));
      if (ready && process_->running()) return true;
      process_->stop();
      return false;
   }

   TempDir dir_;
   std::vector<int> targets_;
   int port_ = 0;
   std::unique_ptr<ChildProcess> process_;
};

}  // namespace runbook::testing
