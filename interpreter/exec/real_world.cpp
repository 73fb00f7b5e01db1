#include "exec/real_world.hpp"

#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <cstdio>
#include <limits>
#include <mutex>

#include <fmt/core.h>

#include "exec/question_terms.hpp"
#include "io/trim.hpp"
#include "metrics/metric_source.hpp"

namespace runbook {

std::string operator_identity()
{
   // Who answers or signals is journaled; a shared jump host's login says
   // little, so an operator may name themselves.
   if (const char* named = std::getenv("RUNBOOK_OPERATOR"); named != nullptr && *named != '\0') return named;
   const char* user = std::getenv("USER");
   if (user == nullptr || *user == '\0') user = std::getenv("LOGNAME");
   char host[256] = {0};
   if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
   return fmt::format("{}@{}", user != nullptr && *user != '\0' ? user : "unknown", host[0] != '\0' ? host : "localhost");
}

namespace {

/// Reads one line from stdin, giving up when `cancel` turns true.
/// Returns false on end of input or cancel.
bool read_line(std::string& line, const std::atomic<bool>* cancel)
{
   line.clear();
   for (;;) {
      if (cancel != nullptr && cancel->load()) return false;
      pollfd fd{STDIN_FILENO, POLLIN, 0};
      const int ready = ::poll(&fd, 1, 100);
      if (ready < 0) continue;   // EINTR from our own signal handler: the loop sees cancel.
      if (ready == 0) continue;
      char c = 0;
      const ssize_t n = ::read(STDIN_FILENO, &c, 1);
      if (n <= 0) return !line.empty();
      if (c == '\n') return true;
      line += c;
   }
}

class RealWorld : public World {
public:
   explicit RealWorld(const RealWorldOptions& options)
      : options_(options),
        clock_(options.time_scale == 1 ? make_real_clock()
                                                                    : make_scaled_clock(options.time_scale, options.clock_origin))
   {
   }

   Clock& clock() override { return *clock_; }

   ShellResult shell(const std::string&, const std::string& command, std::string_view, const ShellOptions& options) override
   {
      return run_shell(command, options);
   }

   HttpResponse http(const std::string&, const HttpRequest& request, std::string_view) override
   {
      // One client per thread: steps run on a worker, probes on the interpreter's thread.
      thread_local std::unique_ptr<HttpClient> client = make_curl_client();
      return client->send(request);
   }

   Sample sample(const ResolvedMetric& metric) override
   {
      thread_local MetricSampler sampler;
      return sampler.sample(metric, clock_->now());
   }

   Answer ask(const Question& question, const std::atomic<bool>* cancel) override
   {
      std::lock_guard<std::mutex> lock(ask_mutex_);   // One question on the terminal at a time.
      if (options_.assume_yes) return Answer{question.default_choice, "--yes", false};
      if (!options_.interactive) return Answer{"", "nobody to ask (no terminal and no --yes)", false};
      const std::string choices = choice_list(question.choices);   // "wait | roll back", as the live view lists them.
      // A timed question says what nobody answering decides, and when.
      const std::string terms = question.deadline < std::numeric_limits<double>::infinity()
                                   ? " (" + unanswered_terms(question.deadline, clock_->now(), question.timeout_default) + ")"
                                   : "";
      for (;;) {
         std::fprintf(stderr, "\n? %s [%s]%s ", question.text.c_str(), choices.c_str(), terms.c_str());
         std::fflush(stderr);
         std::string line;
         if (!read_line(line, cancel)) {
            std::fprintf(stderr, "\n");
            const bool was_cancelled = cancel != nullptr && cancel->load();
            return Answer{"", was_cancelled ? "" : "nobody (end of input)", was_cancelled};
         }
         const std::string answer = trim(line);
         // A unique prefix is enough: "y" for yes, "r" for redo.
         std::string match;
         int matches = 0;
         for (const auto& c : question.choices) {
            if (c == answer) {
               match = c;
               matches = 1;
               break;
            }
            if (!answer.empty() && c.compare(0, answer.size(), answer) == 0) {
               match = c;
               ++matches;
            }
         }
         if (matches == 1) return Answer{match, operator_identity() + " (terminal)", false};
         std::fprintf(stderr, "  please answer one of: %s\n", choices.c_str());
      }
   }

private:
   RealWorldOptions options_;
   std::unique_ptr<Clock> clock_;
   std::mutex ask_mutex_;
};

}  // namespace

std::unique_ptr<World> make_real_world(const RealWorldOptions& options) { return std::make_unique<RealWorld>(options); }

}  // namespace runbook
