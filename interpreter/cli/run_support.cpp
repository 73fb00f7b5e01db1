#include "cli/run_support.hpp"

#include <unistd.h>

#include <cmath>
#include <csignal>

#include <fmt/core.h>

#include "exec/exit_codes.hpp"
#include "view/live_terminal.hpp"
#include "view/observers.hpp"
#include "exec/real_world.hpp"
#include "io/child_reaper.hpp"
#include "io/http_client.hpp"

namespace runbook::cli {

namespace {

std::atomic<bool> g_interrupt{false};

extern "C" void on_interrupt(int) { g_interrupt.store(true); }

InDoubtPolicy policy_of(const std::string& text)
{
   if (text == "redo") return InDoubtPolicy::Redo;
   if (text == "skip") return InDoubtPolicy::Skip;
   if (text == "fail") return InDoubtPolicy::Fail;
   return InDoubtPolicy::Ask;
}

/// The live view when asked for, or by default on a terminal; plain lines
/// when not on a terminal (pipes, CI, the golden tests); json on request.
std::unique_ptr<RunObserver> make_observer(const std::string& output, World& world)
{
   if (output == "json") return make_json_observer(stdout);
   const bool live = output == "live" || (output == "auto" && is_terminal(stdout));
   if (!live) return make_text_observer(stdout, use_color(stdout));
   LiveTerminalOptions options;
   options.color = use_color(stdout);   // NO_COLOR: no colour, but still redrawn in place.
   options.unicode = locale_is_utf8();
   Clock& clock = world.clock();
   options.now = [&clock] { return clock.now(); };
   return make_live_observer(stdout, std::move(options));
}

constexpr double min_time_scale = 0.001;
constexpr double max_time_scale = 1000000;

/// --time-scale: a finite factor in a range where runbook time stays exact.
/// NaN compares false with everything and slipped through a "> 0" check (the
/// run went at real time); 1e300 overflowed runbook time into infinity.
CLI::Validator time_scale_range()
{
   return CLI::Validator(
      [](const std::string& text) -> std::string {
         double value = 0;
         if (!CLI::detail::lexical_cast(text, value))
            return "--time-scale must be a number, not '" + text + "'";
         if (!std::isfinite(value) || value < min_time_scale || value > max_time_scale)
            return fmt::format("--time-scale must be a finite number from {} to {} (runbook time per wall "
                               "time), not '{}'",
                               min_time_scale, max_time_scale, text);
         return "";
      },
      "SCALE");
}

}  // namespace

const std::atomic<bool>& interrupt_flag() { return g_interrupt; }

void install_interrupt_handler()
{
   // No SA_RESTART: a blocking read returns so the prompt sees the flag at once.
   struct sigaction action {};
   action.sa_handler = on_interrupt;
   sigemptyset(&action.sa_mask);
   action.sa_flags = 0;
   sigaction(SIGINT, &action, nullptr);
   sigaction(SIGTERM, &action, nullptr);
   // A dropped SSH session (the most common interruption of a rollout) is
   // Ctrl-C too: stop cleanly, journaled, resumable, exit 130.
   sigaction(SIGHUP, &action, nullptr);
}

void add_run_flags(CLI::App* cmd, RunFlags& flags)
{
   add_load_flags(cmd, flags.load);
   add_journal_flag(cmd, flags.journal);
   cmd->add_flag("--yes,-y", flags.yes, "Answer checklists and approvals yes (scripted use)");
   cmd->add_option("--in-doubt", flags.in_doubt,
                   "A step that started but never finished and is not safe to repeat: ask, redo, skip (mark done) or fail")
       ->check(CLI::IsMember({"ask", "redo", "skip", "fail"}));
   cmd->add_option("--time-scale", flags.time_scale,
                   "Run N times faster than real time (rehearsals, demos), from 0.001 to 1000000")
       ->check(time_scale_range());
   cmd->add_option("--cacert", flags.cacert,
                   "CA certificates (PEM) that verify HTTPS servers instead of the system's (default: "
                   "$CURL_CA_BUNDLE, then $SSL_CERT_FILE); verification stays on")
       ->check(CLI::ExistingFile)
       ->type_name("FILE");
   cmd->add_option("--output", flags.output,
                   "Output: auto (the live view on a terminal, plain lines otherwise), live, plain (line by line; "
                   "also: text) or json (one event per line)")
       ->check(CLI::IsMember({"auto", "live", "plain", "text", "json"}));
}

std::unique_ptr<Journal> open_journal_or_report(const std::string& path, const char* command)
{
   try {
      return open_journal(journal_spec(path));
   } catch (const JournalError& e) {
      fmt::print(stderr, "runbook {}: {}\n", command, e.what());
      return nullptr;
   }
}

int drive_run(const Program& program, Journal& journal, const RunFlags& flags, const std::string& runbook_path,
              const std::string& resume_id, double clock_origin, RunSettings settings)
{
   install_interrupt_handler();
   // Should this process die unexpectedly, its commands die with it.
   start_child_reaper("/proc/self/exe");
   if (!flags.cacert.empty()) set_ca_file(flags.cacert);
   http_global_init();   // libcurl, before the run's threads start.
   RealWorldOptions world_options;
   world_options.time_scale = flags.time_scale > 0 ? flags.time_scale : 1;
   world_options.clock_origin = clock_origin;
   world_options.assume_yes = flags.yes;
   world_options.interactive = ::isatty(STDIN_FILENO) == 1;
   auto world = make_real_world(world_options);
   auto observer = make_observer(flags.output, *world);

   settings.assume_yes = flags.yes;
   settings.interactive = world_options.interactive;
   settings.in_doubt = policy_of(flags.in_doubt);
   settings.interrupt = &g_interrupt;

   Interpreter interpreter(program, *world, journal, *observer, std::move(settings));
   const RunOutcome outcome = resume_id.empty() ? interpreter.start(runbook_path) : interpreter.resume(resume_id);
   try {
      if (outcome.run_id.empty() || outcome.status.empty()) {
         // Refused before the run started (bad parameter, missing secret, journal, lease).
         fmt::print(stderr, "runbook {}: {}\n", resume_id.empty() ? "run" : "resume", outcome.summary);
      } else if (flags.output != "json" && outcome.exit_code != exit_code::Completed) {
         fmt::print(stderr, "run {}: {}\n", outcome.run_id, outcome.summary);
      }
   } catch (const std::system_error&) {
      // The terminal hung up: the outcome is journaled; the exit code still says it.
   }
   return outcome.exit_code;
}

}  // namespace runbook::cli
