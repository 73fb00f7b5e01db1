// The run from start (or resume) to an outcome: globals, phases, the switch
// into rollback mode, blocks and how a step is dispatched. The control steps
// themselves are in exec/control_steps.cpp.
#include "exec/interpreter_impl.hpp"

#include <chrono>
#include <cstdlib>

#include <fmt/core.h>

#include "check/quantity.hpp"
#include "exec/exit_codes.hpp"
#include "exec/failure_router.hpp"
#include "exec/rollout_lock.hpp"
#include "syntax/parser.hpp"

namespace runbook {

double steady_ms_now()
{
   using namespace std::chrono;
   return static_cast<double>(duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count()) / 1000.0;
}

std::string Frame::runtime_id(const std::string& static_id) const
{
   // The longest rewritten prefix wins: the innermost loop's iteration.
   const std::pair<std::string, std::string>* best = nullptr;
   for (const auto& rewrite : rewrites) {
      const std::string& key = rewrite.first;
      const bool matches = static_id == key ||
                           (static_id.size() > key.size() && static_id.compare(0, key.size(), key) == 0 &&
                            static_id[key.size()] == '/');
      if (matches && (best == nullptr || key.size() > best->first.size())) best = &rewrite;
   }
   if (best != nullptr) return outer + best->second + static_id.substr(best->first.size());
   return outer + prefix + static_id;
}

Interpreter::Impl::Impl(const Program& program, World& world, Journal& journal, RunObserver& observer,
                        RunSettings settings)
   : program_(program), world_(world), journal_(journal), observer_(observer), settings_(std::move(settings))
{
   main_frame_.scope = &main_scope_;
   auto add_file = [this](const ast::File& file, const std::string& module_name) {
      for (const auto& fn : file.functions) {
         if (!module_name.empty()) functions_.emplace(module_name + "." + fn.name, &fn);
         // Unqualified too, so a module's functions can call each other; the root's own win.
         functions_.emplace(fn.name, &fn);
      }
      for (const auto& metric : file.metrics) metrics_.emplace(metric.name, &metric);
   };
   if (program_.root) add_file(*program_.root, "");
   for (const auto& [name, file] : program_.modules)
      if (file) add_file(*file, name);
}

Interpreter::Interpreter(const Program& program, World& world, Journal& journal, RunObserver& observer,
                         RunSettings settings)
   : impl_(std::make_unique<Impl>(program, world, journal, observer, std::move(settings)))
{
}

Interpreter::~Interpreter() = default;

RunOutcome Interpreter::start(const std::string& runbook_path) { return impl_->start(runbook_path); }
RunOutcome Interpreter::resume(const std::string& run_id) { return impl_->resume(run_id); }

// ---------------------------------------------------------------- output

void Interpreter::Impl::emit(RunEvent::Kind kind, const std::string& step_id, const std::string& text, json data)
{
   RunEvent event{kind, world_.clock().now(), redact(step_id), redact(text), redactor_.redact_json(data)};
   std::lock_guard<std::mutex> lock(emit_mutex_);
   if (output_lost_) return;
   try {
      observer_.on_event(event);
   } catch (const std::system_error&) {
      // The terminal hung up (EIO) or the reader of a pipe went away (EPIPE):
      // the run goes on, or stops cleanly, journaled; it is only not shown.
      output_lost_ = true;
   }
}

void Interpreter::Impl::record(const std::string& kind, const std::string& step_id, const json& data)
{
   if (run_id_.empty()) return;
   try {
      journal_.record(run_id_, kind, redact(step_id), journal_json(redactor_.redact_json(data)), world_.clock().now());
   } catch (const JournalError& e) {
      // The story of the run is incomplete, but no side effect depends on it;
      // step records (which do) stop the run when they fail.
      emit(RunEvent::Kind::Log, step_id, fmt::format("warning: could not journal a {} event: {}", kind, e.what()));
   }
}

// ---------------------------------------------------------------- globals

namespace {

/// The program's texts as the journal keeps them, so that the run can be
/// resumed with exactly this text: the runbook first, then every module under
/// the path it was read from.
std::vector<JournalSource> program_sources(const Program& program, const std::string& runbook_path)
{
   std::vector<JournalSource> sources;
   const SourceFile* root_source = program.root ? program.root->source : nullptr;
   if (root_source != nullptr) sources.push_back({runbook_path, root_source->text});
   for (const auto& [name, file] : program.modules) {
      if (!file || file->source == nullptr) continue;
      auto path = program.module_paths.find(name);
      sources.push_back({path != program.module_paths.end() ? path->second : file->source->path, file->source->text});
   }
   return sources;
}

/// The shortest secret value a run accepts (see prepare_globals).
constexpr std::size_t min_secret_length = 4;

/// A usage error found before any step runs (bad -p, missing secret).
struct StartupError : std::runtime_error {
   using std::runtime_error::runtime_error;
};

}  // namespace

void Interpreter::Impl::prepare_globals()
{
   std::vector<const ast::File*> files{program_.root.get()};
   for (const auto& [name, file] : program_.modules) files.push_back(file.get());

   std::set<std::string> declared;
   for (const ast::File* file : files) {
      if (file == nullptr) continue;
      for (const auto& param : file->params) {
         if (!declared.insert(param.name).second) continue;   // The root's declaration wins.
         auto given = settings_.params.find(param.name);
         Evaluator ev(globals_, *this);
         if (given != settings_.params.end()) {
            std::string error;
            ast::ExprPtr literal = parse_literal(given->second, param.type, error);
            if (!literal)
               throw StartupError(fmt::format("-p {}={}: {} (the parameter is declared as {})", param.name,
                                              given->second, error, type_name(param.type)));
            globals_.set(param.name, ev.eval(*literal));
         } else if (param.default_value) {
            globals_.set(param.name, ev.eval(*param.default_value));
         } else {
            throw StartupError(fmt::format("parameter '{}' has no default: give it with -p {}=VALUE", param.name,
                                           param.name));
         }
      }
   }
   for (const auto& [name, _] : settings_.params)
      if (!declared.count(name))
         throw StartupError(fmt::format("-p {}: the runbook declares no parameter '{}'", name, name));

   // Secrets come from the environment at every start and resume; they are
   // never journaled, so a resumed run needs them again.
   for (const ast::File* file : files) {
      if (file == nullptr) continue;
      for (const auto& secret : file->secrets) {
         std::string value;
         auto it = settings_.env_override.find(secret.env_var);
         if (it != settings_.env_override.end()) {
            value = it->second;
         } else if (const char* env = std::getenv(secret.env_var.c_str())) {
            value = env;
         } else {
            throw StartupError(fmt::format("secret '{}': the environment variable {} is not set (export it before "
                                           "running; secrets are never stored in the journal)",
                                           secret.name, secret.env_var));
         }
         if (value.empty())
            throw StartupError(fmt::format("secret '{}': the environment variable {} is empty", secret.name,
                                           secret.env_var));
         // Secrets are hidden by value: a one-letter "secret" would turn every
         // such letter in the output into ***, mangling what the operator reads
         // while protecting nothing a real credential needs.
         if (value.size() < min_secret_length)
            throw StartupError(fmt::format("secret '{}': the environment variable {} holds only {} character{}; a "
                                           "secret must be at least {} characters so it can be hidden by value",
                                           secret.name, secret.env_var, value.size(), value.size() == 1 ? "" : "s",
                                           min_secret_length));
         redactor_.add(value);
         globals_.set(secret.name, Value(value));
      }
   }
}

// ---------------------------------------------------------------- start, resume, finish

RunOutcome Interpreter::Impl::start(const std::string& runbook_path)
{
   try {
      prepare_globals();
      resolve_metrics();
   } catch (const std::exception& e) {
      return RunOutcome{exit_code::Invalid, "", "", redact(e.what())};
   }

   NewRun run;
   run.runbook_path = runbook_path;
   run.title = program_.root ? program_.root->title : "";
   run.lock_name = program_.root ? program_.root->lock : "";
   run.sources = program_sources(program_, runbook_path);
   json params = json::object();
   for (const auto& [name, value] : globals_.own())
      if (!redactor_.contains_secret(value.display())) params[name] = value.display();
   // Secrets are in globals too; keep only declared params.
   for (auto it = params.begin(); it != params.end();) {
      bool is_param = false;
      for (const auto& p : program_.root->params) is_param = is_param || p.name == it.key();
      for (const auto& [_, file] : program_.modules)
         for (const auto& p : file->params) is_param = is_param || p.name == it.key();
      it = is_param ? std::next(it) : params.erase(it);
   }
   run.params_json = params.dump();
   run.time_scale = world_.clock().scale();
   run.clock_origin_ms = world_.clock().now();
   try {
      const RolloutLock lock{run.runbook_path, run.title, run.lock_name};
      if (auto holder = rollout_lock_holder(journal_, lock))
         return RunOutcome{exit_code::Invalid, "", "", rollout_lock_refusal(*holder, lock)};
      run_id_ = journal_.create_run(run);
      // Two starts at the same moment: the later one gives way (exec/rollout_lock.hpp).
      if (auto holder = rollout_lock_holder(journal_, lock, run_id_, true)) {
         const std::string refusal = rollout_lock_refusal(*holder, lock);
         journal_.set_status(run_id_, run_status::Failed, refusal);
         journal_.release_lease(run_id_);
         return RunOutcome{exit_code::Invalid, run_id_, run_status::Failed, refusal};
      }
   } catch (const JournalError& e) {
      return RunOutcome{exit_code::Invalid, "", "", redact(e.what())};
   }
   emit(RunEvent::Kind::RunStarted, "", fmt::format("run {} of {} started", run_id_, run.title),
        {{"run_id", run_id_}, {"title", run.title}, {"runbook", runbook_path}, {"params", params},
         {"time_scale", world_.clock().scale()}});
   return drive(false);
}

RunOutcome Interpreter::Impl::resume(const std::string& run_id)
{
   run_id_ = run_id;
   std::optional<RunInfo> info;
   try {
      info = journal_.run(run_id);
      if (!info) return RunOutcome{exit_code::Invalid, run_id, "", fmt::format("no run {} in {}", run_id, journal_.path())};
      if (info->status == run_status::Completed || info->status == run_status::RolledBack)
         return RunOutcome{exit_code::Invalid, run_id, info->status,
                           fmt::format("run {} already ended ({}); there is nothing to resume", run_id, info->status)};
      journal_.acquire_lease(run_id);
      const RolloutLock lock = RolloutLock::of(*info);
      if (auto holder = rollout_lock_holder(journal_, lock, run_id)) {
         journal_.release_lease(run_id);
         return RunOutcome{exit_code::Invalid, run_id, "", rollout_lock_refusal(*holder, lock)};
      }
   } catch (const LeaseHeld& e) {
      return RunOutcome{exit_code::Invalid, run_id, "", e.what()};
   } catch (const JournalError& e) {
      return RunOutcome{exit_code::Invalid, run_id, "", e.what()};
   }

   // The parameters the run started with; -p given again overrides (and is said).
   try {
      const json journaled = json::parse(info->params_json.empty() ? "{}" : info->params_json);
      for (const auto& [name, value] : journaled.items()) {
         if (settings_.params.count(name)) continue;
         settings_.params[name] = value.is_string() ? value.get<std::string>() : value.dump();
      }
      prepare_globals();
      resolve_metrics();
   } catch (const std::exception& e) {
      journal_.release_lease(run_id);
      return RunOutcome{exit_code::Invalid, run_id, "", redact(e.what())};
   }

   try {
      resume_.load(journal_, run_id, [this](const JournalEvent& event) {
         if (event.kind == "failure_routed_to_steps") failure_routes_.remember_routed_to_steps(event.step_id);
         signals_.note(event);
      });
   } catch (const JournalError& e) {
      return RunOutcome{exit_code::Invalid, run_id, "", e.what()};
   }
   in_rollback_ = info->mode == "rollback";
   rollback_name_ = info->rollback_name;
   if (settings_.require_unchanged_done) {
      const std::vector<std::string> problems = verify_done_steps();
      if (!problems.empty()) {
         journal_.release_lease(run_id);
         std::string text;
         for (const auto& p : problems) text += "\n  " + p;
         return RunOutcome{exit_code::Invalid, run_id, "",
                           redact("refusing --use-current: steps the journal has records of (done or in doubt) changed in the file:" + text +
                                  "\nresume without --use-current to continue with the journaled source")};
      }
      // Adopted: from now on the journal's records are written against this
      // text, so it becomes the source a later resume continues with.
      try {
         journal_.adopt_sources(run_id, program_sources(program_, info->runbook_path));
      } catch (const JournalError& e) {
         journal_.release_lease(run_id);
         return RunOutcome{exit_code::Invalid, run_id, "", e.what()};
      }
   }
   try {
      journal_.set_status(run_id, run_status::Running);
   } catch (const JournalError& e) {
      return RunOutcome{exit_code::Invalid, run_id, "", e.what()};
   }
   const std::size_t done = resume_.done_count();
   emit(RunEvent::Kind::RunResumed, "",
        fmt::format("run {} resumed{} ({} steps already done)", run_id, in_rollback_ ? " in rollback mode" : "", done),
        {{"run_id", run_id}, {"mode", info->mode}, {"done_steps", done}, {"previous_status", info->status},
         {"title", info->title}, {"rollback", info->rollback_name}, {"time_scale", world_.clock().scale()}});
   return drive(true);
}

std::vector<std::string> Interpreter::Impl::verify_done_steps()
{
   // Walk the done steps the way a resumed run would, without doing anything,
   // then forget what the walk restored.
   resume_.begin_verifying();
   run_phases();
   if (in_rollback_) {
      if (const ast::RollbackBlock* block = find_rollback(rollback_name_)) run_block(block->body, main_frame_);
   }
   main_scope_ = Scope(&globals_);
   undo_stack_.clear();
   undone_.clear();
   return resume_.end_verifying();
}

RunOutcome Interpreter::Impl::drive(bool resumed)
{
   (void)resumed;
   Flow flow = Flow::Next;
   if (!in_rollback_) {
      flow = run_phases();
      if (flow == Flow::Next) flow = wait_for_timers();
      if (flow != Flow::Rollback) return finish(flow, false);
      try {
         journal_.enter_rollback(run_id_, stop_rollback_);
      } catch (const JournalError& e) {
         stop_message_ = e.what();
         return finish(Flow::JournalBroken, false);
      }
      in_rollback_ = true;
      rollback_name_ = stop_rollback_;
      emit(RunEvent::Kind::ModeChanged, "",
           fmt::format("rolling back: {}{}", rollback_name_, stop_message_.empty() ? "" : " (" + stop_message_ + ")"),
           {{"mode", "rollback"}, {"rollback", rollback_name_}, {"reason", stop_message_}});
      record("mode", "", {{"mode", "rollback"}, {"rollback", rollback_name_}, {"reason", stop_message_}});
   } else {
      // Rebuild the forward path's captures and undo stack from the journal.
      resume_.set_replay_only(true);
      run_phases();
      resume_.set_replay_only(false);
   }
   stop_message_.clear();
   const ast::RollbackBlock* block = find_rollback(rollback_name_);
   if (block == nullptr) {
      stop_message_ = fmt::format("there is no rollback block named '{}'", rollback_name_);
      return finish(Flow::Failed, true);
   }
   // The deadline is the rollback's own steps; its `finally` (say what
   // happened) runs after, on time or not.
   arm_rollback_deadline(*block);
   const std::size_t mark = failure_routes_.mark();
   const Flow body_flow = run_block(block->body, main_frame_);
   end_rollback_deadline(*block, body_flow);
   flow = FailureRouter(*this).finally(block->finally, body_flow, mark);
   return finish(wait_for_timers_after_rollback(flow), true);
}

RunOutcome Interpreter::Impl::finish(Flow flow, bool in_rollback)
{
   triggers_.disarm();
   RunOutcome outcome;
   outcome.run_id = run_id_;
   // After the rollback and the pending timers (both done by now), before
   // the run's status is written: the journal says what held when it ended.
   // An interruption while they are read leaves the run interrupted.
   outcome.ensures = check_ensures(flow);
   switch (flow) {
   case Flow::Next:
   case Flow::Return:
   case Flow::ReplayEnd:
      outcome.exit_code = in_rollback ? exit_code::RolledBack : exit_code::Completed;
      outcome.status = in_rollback ? run_status::RolledBack : run_status::Completed;
      outcome.summary = in_rollback ? fmt::format("rolled back via '{}'", rollback_name_) : "completed";
      break;
   case Flow::Interrupted:
      outcome.exit_code = exit_code::Interrupted;
      outcome.status = run_status::Interrupted;
      outcome.summary = fmt::format("interrupted; continue with: runbook resume {}", run_id_);
      break;
   case Flow::JournalBroken:
      outcome.exit_code = exit_code::Invalid;
      outcome.status = run_status::Failed;
      outcome.summary = "stopped: the journal cannot be written: " + stop_message_;
      break;
   case Flow::Failed:
   case Flow::Stopped:
   case Flow::Aborted:
   case Flow::Rollback:   // A rollback step inside a rollback block.
      if (in_rollback) {
         outcome.exit_code = exit_code::RollbackFailed;
         outcome.status = run_status::RollbackFailed;
         outcome.summary = fmt::format("the rollback '{}' failed: {}", rollback_name_, stop_message_);
      } else {
         outcome.exit_code = exit_code::Failed;
         outcome.status = flow == Flow::Aborted ? run_status::Aborted : run_status::Failed;
         outcome.summary = (flow == Flow::Aborted ? "aborted: " : "failed: ") + stop_message_;
      }
      break;
   }
   if (keep_resumable_ && (flow == Flow::Aborted || is_failure(flow))) {
      // Not a failed rollback: a step waits to be settled (docs/cli.md: exit
      // 1, resumable), in rollback mode as on the forward path.
      outcome.exit_code = exit_code::Failed;
      outcome.status = run_status::Interrupted;
      if (in_rollback) outcome.summary = fmt::format("the rollback '{}' stopped: {}", rollback_name_, stop_message_);
      outcome.summary += fmt::format(" (run {} stays resumable)", run_id_);
   }
   outcome.summary = redact(outcome.summary);
   for (const auto& [name, value] : main_scope_.own()) outcome.variables[name] = redactor_.redact_json(value.to_json());
   if (!run_id_.empty()) {
      try {
         journal_.set_status(run_id_, outcome.status, outcome.summary);
         journal_.release_lease(run_id_);
      } catch (const JournalError& e) {
         outcome.summary += fmt::format(" (and the journal could not record it: {})", e.what());
         if (outcome.exit_code == exit_code::Completed) outcome.exit_code = exit_code::Invalid;
      }
   }
   emit(RunEvent::Kind::RunFinished, "", outcome.summary,
        {{"status", outcome.status}, {"exit_code", outcome.exit_code}, {"run_id", run_id_}});
   return outcome;
}

// ---------------------------------------------------------------- phases and blocks

Flow Interpreter::Impl::run_phases()
{
   if (!program_.root) return Flow::Next;
   const auto& phases = program_.root->phases;
   std::size_t number = 0;
   for (const auto& phase : phases) {
      ++number;
      if (!resume_.replay_only()) {
         // Armed first so the event can say which triggers watch this phase.
         arm_triggers(phase);
         emit(RunEvent::Kind::PhaseStarted, "", phase.title,
              {{"phase", phase.title}, {"slug", phase.slug}, {"number", number}, {"of", phases.size()},
               {"triggers", triggers_.to_json()}});
         record("phase", "", {{"phase", phase.title}, {"slug", phase.slug}});
      }
      FailureRouter router(*this);
      const std::size_t mark = failure_routes_.mark();
      Flow flow = router.finally(phase.finally, router.after_phase(run_block(phase.body, main_frame_), phase), mark);
      // Triggers the next phase does not arm are settled before they are
      // disarmed; the ones it arms stay armed into it, so a breach does not
      // restart its count there (arm_triggers()).
      const ast::Phase* next = number < phases.size() ? &phases[number] : nullptr;
      if (flow == Flow::Next && !resume_.replay_only()) flow = settle_leaving_triggers(phase, next);
      if (flow != Flow::Next) {
         triggers_.disarm();
         return flow;
      }
   }
   triggers_.disarm();
   return Flow::Next;
}

Flow Interpreter::Impl::run_block(const ast::Block& block, Frame& frame)
{
   FailureRouter router(*this);
   std::vector<std::string> soft_failures;
   for (const auto& step : block) {
      const Flow flow = router.soft(run_step(*step, frame), *step, soft_failures);
      if (flow != Flow::Next) return flow;
   }
   return router.block_end(soft_failures);
}

Flow Interpreter::Impl::run_step(const ast::Step& step, Frame& frame)
{
   if (!resume_.replay_only()) {
      if (const Stop stop = at_boundary()) return flow_of(stop);
   }
   if (step.id.empty()) {
      stop_message_ = "internal error: a step has no id (the runbook was not checked before running)";
      return Flow::Failed;
   }
   const std::string id = frame.runtime_id(step.id);
   FailureRouter router(*this);
   if (resume_.resuming() && failure_routes_.was_routed_to_steps(id)) return router.resume_routed(step, frame, id);
   return router.after_step(resolve_and_run(step, frame, id), step, frame, id);
}

Flow Interpreter::Impl::resolve_and_run(const ast::Step& step, Frame& frame, const std::string& id)
{
   // A step's definition is resolved (its `${...}` spliced in) before its
   // start record; a metric that cannot be sampled there, or a bad value,
   // fails the step in words instead of escaping the interpreter.
   try {
      return dispatch_step(step, frame, id);
   } catch (const SampleFailed& e) {
      return failed_before_start(id, fmt::format("could not sample {}", redact(e.what())));
   } catch (const EvalError& e) {
      return failed_before_start(id, redact(e.what()));
   } catch (const ValueError& e) {
      return failed_before_start(id, redact(e.what()));
   } catch (const FlowUnwind& unwind) {
      return unwind.flow;   // A function called while resolving ended the run's forward path; it said why.
   }
}

Flow Interpreter::Impl::failed_before_start(const std::string& id, const std::string& message)
{
   stop_message_ = fmt::format("step {} could not be resolved: {}", id, message);
   emit(RunEvent::Kind::Log, id, stop_message_, {{"error", message}});
   record("step_unresolved", id, {{"error", message}});
   return Flow::Failed;
}

Flow Interpreter::Impl::dispatch_step(const ast::Step& step, Frame& frame, const std::string& id)
{
   if (const auto* sh = std::get_if<ast::ShStep>(&step.node)) return run_sh(step, *sh, frame, id);
   if (const auto* http = std::get_if<ast::HttpStep>(&step.node)) return run_http(step, *http, frame, id);
   if (const auto* checklist = std::get_if<ast::ChecklistStep>(&step.node))
      return run_checklist(step, *checklist, frame, id);
   if (const auto* approve = std::get_if<ast::ApproveStep>(&step.node)) return run_approve(step, *approve, frame, id);
   if (const auto* question = std::get_if<ast::AskStep>(&step.node)) return run_ask(step, *question, frame, id);
   if (const auto* wait = std::get_if<ast::WaitStep>(&step.node)) return run_wait(step, *wait, frame, id);
   if (const auto* watch = std::get_if<ast::WatchStep>(&step.node)) return run_watch(step, *watch, frame, id);
   if (const auto* await = std::get_if<ast::AwaitStep>(&step.node)) return run_await(step, *await, frame, id);
   if (const auto* check = std::get_if<ast::AssertStep>(&step.node)) return run_assert(step, *check, frame, id);
   if (const auto* after = std::get_if<ast::AfterStep>(&step.node)) return run_after(step, *after, frame, id);
   return run_control(step, frame, id);
}

const ast::Function* Interpreter::Impl::find_function(const std::string& name) const
{
   auto it = functions_.find(name);
   return it == functions_.end() ? nullptr : it->second;
}

const ast::RollbackBlock* Interpreter::Impl::find_rollback(const std::string& name) const
{
   if (!program_.root) return nullptr;
   for (const auto& block : program_.root->rollbacks)
      if (block.name == name) return &block;
   return nullptr;
}

// ---------------------------------------------------------------- EvalHooks

bool Interpreter::Impl::is_metric(const std::string& name) const { return metrics_.count(name) > 0; }

bool Interpreter::Impl::has_function(const std::string& name) const { return functions_.count(name) > 0; }

Value Interpreter::Impl::call_function(const std::string& name, std::vector<Value> args, const Location& loc)
{
   const ast::Function* fn = find_function(name);
   if (fn == nullptr) throw EvalError(loc, fmt::format("no function named '{}'", name));
   Value result;
   const Flow flow = call_steps(*fn, std::move(args), current_step_, &result);
   if (flow != Flow::Next) throw FlowUnwind{flow};
   return result;
}

}  // namespace runbook
