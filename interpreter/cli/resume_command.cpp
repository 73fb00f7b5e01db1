// runbook resume [RUN]: continue an interrupted run where it stopped.
//
// The run continues with the source journaled when it started. If the file on
// disk changed since, resume says so and what differs; --use-current adopts
// the file on disk, but only when every step already done is unchanged in it.
#include <algorithm>
#include <sstream>

#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/run_support.hpp"
#include "exec/exit_codes.hpp"
#include "journal/lease.hpp"
#include "syntax/loader.hpp"

namespace runbook::cli {

namespace {

struct ResumeFlags {
   std::string run_id;
   bool use_current = false;
   RunFlags run;
};

std::vector<std::string> split_lines(const std::string& text)
{
   std::vector<std::string> lines;
   std::istringstream in(text);
   for (std::string line; std::getline(in, line);) lines.push_back(line);
   return lines;
}

/// A short account of what differs: the first differing lines of each side.
std::string describe_difference(const std::string& journaled, const std::string& current)
{
   const auto a = split_lines(journaled);
   const auto b = split_lines(current);
   std::size_t head = 0;
   while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
   std::size_t tail = 0;
   while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
   std::string out;
   const std::size_t shown = 6;
   for (std::size_t i = head; i < a.size() - tail && i < head + shown; ++i) out += fmt::format("  -{:>4}| {}\n", i + 1, a[i]);
   if (a.size() - tail - head > shown) out += "  ...\n";
   for (std::size_t i = head; i < b.size() - tail && i < head + shown; ++i) out += fmt::format("  +{:>4}| {}\n", i + 1, b[i]);
   if (b.size() - tail - head > shown) out += "  ...\n";
   return out;
}

/// What a resumed run is checked with, whichever source it continues with:
/// the values it started with, then a profile given now, then -p (which wins).
/// One order for both, so `--use-current` cannot apply params differently.
SourceRequest resume_request(const std::string& path, const RunInfo& run, const LoadFlags& load,
                             const CheckOptions& options)
{
   SourceRequest request = source_request(path, load, options);
   request.base_params = journaled_param_flags(run);
   return request;
}

/// The interpreter takes a resumed run's param values from its settings (and
/// the journal for any not there): it is given every value the front end
/// applied, the last one for each name, so the run uses exactly what was checked.
RunSettings settings_with_params(const CheckedProgram& checked)
{
   RunSettings settings;
   for (const auto& flag : checked.param_flags) {
      const auto [name, value] = split_param_flag(flag);
      settings.params[name] = value;
   }
   return settings;
}

/// --use-current adopts the file's steps, not its param defaults: the run
/// keeps the values it started with (steps already done used them). Says
/// which, so an edited default is not silently ignored. `loaded` applied the
/// journaled values first (resume_request); one is kept when no later flag
/// (the profile's or -p) set the same name.
std::string kept_params_note(const CheckedProgram& loaded, std::size_t journaled_count)
{
   const auto& flags = loaded.param_flags;
   const std::size_t count = std::min(journaled_count, flags.size());
   std::string kept;
   for (std::size_t i = 0; i < count; ++i) {
      const auto [name, value] = split_param_flag(flags[i]);
      const bool replaced = std::any_of(flags.begin() + static_cast<std::ptrdiff_t>(count), flags.end(),
                                        [&name = name](const std::string& later) {
                                           return split_param_flag(later).first == name;
                                        });
      if (!replaced) kept += fmt::format("\n  {} = {}", name, value);
   }
   if (kept.empty()) return "";
   return fmt::format("runbook resume: the run keeps the parameter values it started with (steps already done used "
                      "them), whatever the defaults in the current file say; pass -p NAME=VALUE to change one:{}\n",
                      kept);
}

/// When no run is resumable because live processes still hold the unfinished
/// ones, says which and by whom, as `runbook resume RUN` would: "no
/// interrupted run" alone sends the operator looking for a run that is there.
std::string held_runs_note(Journal& journal)
{
   std::string note;
   try {
      // runs() first marks the runs whose holder is gone as interrupted, so
      // every run still "running" here has a live holder.
      const double now = wall_now_ms();
      for (const RunInfo& info : journal.runs()) {
         if (info.status != run_status::Running) continue;
         LeaseHolder holder;
         holder.host = info.lease_host;
         holder.pid = info.lease_pid;
         holder.since = info.lease_since;
         holder.heartbeat_at = info.heartbeat_at;
         note += fmt::format("\n  run {} ({}) is still running, held by {}: wait for it to finish, or stop that "
                             "process (`runbook abort {}` or kill it) and resume again",
                             info.id, info.title, describe_holder(holder, now), info.id);
      }
   } catch (const JournalError& e) {
      note += fmt::format("\n  (the runs held by other processes could not be listed: {})", e.what());
   }
   return note.empty() ? "" : ":" + note;
}

/// The run's source as journaled when it started, with the journaled param
/// values, then a profile given now, then -p (which wins), checked again.
/// Prints what is wrong and returns false when it no longer checks.
bool load_journaled(Journal& journal, const RunInfo& run, const ResumeFlags& flags, CheckedProgram& checked)
{
   std::vector<JournalSource> sources = journal.sources(run.id);
   if (sources.empty()) {
      fmt::print(stderr, "runbook resume: run {} has no journaled source\n", run.id);
      return false;
   }
   SourceRequest request = resume_request(sources.front().path, run, flags.run.load, CheckOptions{true});
   for (const auto& source : sources) request.journaled[source.path] = source.text;
   checked = load_and_check(request);
   if (!checked.usage_error.empty()) {
      fmt::print(stderr, "runbook resume: {}\n", checked.usage_error);
      return false;
   }
   if (!checked.program.root || checked.diags.has_errors()) {
      fmt::print(stderr, "{}", render_text(checked.diags, false));
      fmt::print(stderr, "runbook resume: the journaled source of run {} no longer checks\n", run.id);
      return false;
   }
   return true;
}

/// The run to resume: the one named, or the latest resumable; nullopt (said on stderr) when there is none.
std::optional<RunInfo> run_to_resume(Journal& journal, const std::string& run_id)
{
   std::optional<RunInfo> run;
   try {
      run = run_id.empty() ? journal.latest_resumable() : journal.run(run_id);
   } catch (const JournalError& e) {
      fmt::print(stderr, "runbook resume: {}\n", e.what());
      return std::nullopt;
   }
   if (!run) {
      if (run_id.empty()) {
         fmt::print(stderr, "runbook resume: no interrupted run in {}{}\n", journal.path(), held_runs_note(journal));
      } else {
         fmt::print(stderr, "runbook resume: no run {} in {}\n", run_id, journal.path());
      }
   }
   return run;
}

/// Whether the file on disk differs from the source journaled when the run
/// started (the difference said on stderr); nullopt when the journal could not say.
std::optional<bool> source_changed_since(Journal& journal, const RunInfo& run)
{
   std::string journaled_text;
   try {
      const auto sources = journal.sources(run.id);
      if (!sources.empty()) journaled_text = sources.front().text;
   } catch (const JournalError& e) {
      fmt::print(stderr, "runbook resume: {}\n", e.what());
      return std::nullopt;
   }
   std::string current_text;
   const bool on_disk = FileSystemSources().read(run.runbook_path, current_text);
   const bool changed = on_disk && current_text != journaled_text;
   if (changed) {
      fmt::print(stderr, "runbook resume: {} changed since run {} started:\n{}", run.runbook_path, run.id,
                 describe_difference(journaled_text, current_text));
   }
   return changed;
}

/// --use-current: the file on disk, checked, is run if the steps already done are unchanged in it.
int resume_with_current_file(Journal& journal, const RunInfo& run, const ResumeFlags& flags, const RunFlags& run_flags)
{
   CheckOptions options;
   options.require_param_values = true;
   const CheckedProgram loaded = load_and_check(resume_request(run.runbook_path, run, flags.run.load, options));
   if (!loaded.ok()) {
      fmt::print(stderr, "{}{}", render_text(loaded.diags, false), loaded.usage_error);
      fmt::print(stderr, "\nrunbook resume: the current file does not check; nothing was run\n");
      return exit_code::Invalid;
   }
   RunSettings settings = settings_with_params(loaded);
   settings.require_unchanged_done = true;
   fmt::print(stderr, "runbook resume: adopting the current file (--use-current) if the steps already done are "
                      "unchanged in it\n{}",
              kept_params_note(loaded, journaled_param_flags(run).size()));
   return drive_run(loaded.program, journal, run_flags, run.runbook_path, run.id, run.clock_origin_ms,
                    std::move(settings));
}

int run_resume(const ResumeFlags& flags)
{
   auto journal = open_journal_or_report(flags.run.journal, "resume");
   if (!journal) return exit_code::Invalid;
   const std::optional<RunInfo> run = run_to_resume(*journal, flags.run_id);
   if (!run) return exit_code::Invalid;
   // Has the file changed since the run started?
   const std::optional<bool> changed = source_changed_since(*journal, *run);
   if (!changed) return exit_code::Invalid;

   // A rehearsal resumed keeps its pace unless told otherwise: its journaled
   // deadlines are in its own (scaled) runbook time.
   RunFlags run_flags = flags.run;
   if (run_flags.time_scale <= 0 && run->time_scale > 0) run_flags.time_scale = run->time_scale;

   if (*changed && flags.use_current) return resume_with_current_file(*journal, *run, flags, run_flags);
   if (*changed)
      fmt::print(stderr, "runbook resume: continuing with the source journaled when the run started "
                         "(--use-current adopts the file on disk)\n");
   CheckedProgram journaled;
   if (!load_journaled(*journal, *run, flags, journaled)) return exit_code::Invalid;
   return drive_run(journaled.program, *journal, run_flags, run->runbook_path, run->id, run->clock_origin_ms,
                    settings_with_params(journaled));
}

}  // namespace

void add_resume_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<ResumeFlags>();
   auto* cmd = app.add_subcommand("resume", "Continue an interrupted run (the latest, or RUN) where it stopped");
   cmd->add_option("run", flags->run_id, "The run id (default: the latest interrupted run)");
   cmd->add_flag("--use-current", flags->use_current,
                 "Adopt the runbook file as it is now, if the steps already done are unchanged in it");
   add_run_flags(cmd, flags->run);
   cmd->callback([flags, &exit_code] {
      install_interrupt_handler();   // as `runbook run` does: before the journal is read
      exit_code = run_resume(*flags);
   });
}

}  // namespace runbook::cli
