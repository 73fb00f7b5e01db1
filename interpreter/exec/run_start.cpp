// How a run begins: afresh (start) or from the journal (resume). Both bind
// the globals (params from -p or their defaults, secrets from the
// environment) and resolve the metrics; a start writes the run's record and
// takes the rollout lock, a resume takes the lease and the lock back and
// reads what the journal says (exec/resume_state.hpp). Then drive() runs it
// (exec/interpreter.cpp).
#include "exec/interpreter_impl.hpp"

#include <cstdlib>

#include <fmt/core.h>

#include "check/quantity.hpp"
#include "exec/exit_codes.hpp"
#include "exec/real_world.hpp"
#include "exec/rollout_lock.hpp"
#include "syntax/parser.hpp"

namespace runbook {

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

/// The shortest secret value a run accepts (see bind_secrets).
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
   bind_params(files);
   bind_secrets(files);
}

void Interpreter::Impl::bind_params(const std::vector<const ast::File*>& files)
{
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
}

void Interpreter::Impl::bind_secrets(const std::vector<const ast::File*>& files)
{
   // Secrets come from the environment at every start and resume; they are
   // never journaled, so a resumed run needs them again.
   for (const ast::File* file : files) {
      if (file == nullptr) continue;
      for (const auto& secret : file->secrets) {
         const std::string value = secret_value(secret);
         redactor_.add(value);
         globals_.set(secret.name, Value(value));
      }
   }
}

std::string Interpreter::Impl::secret_value(const ast::Secret& secret) const
{
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
   return value;
}

// ---------------------------------------------------------------- start

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
   const json params = journaled_params();
   run.params_json = params.dump();
   run.time_scale = world_.clock().scale();
   run.clock_origin_ms = world_.clock().now();
   run.operator_name = operator_identity();
   if (auto refused = record_new_run(run)) return std::move(*refused);
   emit(RunEvent::Kind::RunStarted, "", fmt::format("run {} of {} started", run_id_, run.title),
        {{"run_id", run_id_}, {"title", run.title}, {"runbook", runbook_path}, {"params", params},
         {"time_scale", world_.clock().scale()}});
   return drive(false);
}

json Interpreter::Impl::journaled_params() const
{
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
   return params;
}

std::optional<RunOutcome> Interpreter::Impl::record_new_run(const NewRun& run)
{
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
   return std::nullopt;
}

// ---------------------------------------------------------------- resume

RunOutcome Interpreter::Impl::resume(const std::string& run_id)
{
   run_id_ = run_id;
   std::optional<RunInfo> info;
   if (auto refused = claim_run(run_id, info)) return std::move(*refused);
   if (auto refused = restore_globals(*info)) return std::move(*refused);
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
   if (settings_.require_unchanged_done)
      if (auto refused = adopt_current_source(*info)) return std::move(*refused);
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

std::optional<RunOutcome> Interpreter::Impl::claim_run(const std::string& run_id, std::optional<RunInfo>& info)
{
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
   return std::nullopt;
}

std::optional<RunOutcome> Interpreter::Impl::restore_globals(const RunInfo& info)
{
   // The parameters the run started with; -p given again overrides (and is said).
   try {
      const json journaled = json::parse(info.params_json.empty() ? "{}" : info.params_json);
      for (const auto& [name, value] : journaled.items()) {
         if (settings_.params.count(name)) continue;
         settings_.params[name] = value.is_string() ? value.get<std::string>() : value.dump();
      }
      prepare_globals();
      resolve_metrics();
   } catch (const std::exception& e) {
      journal_.release_lease(run_id_);
      return RunOutcome{exit_code::Invalid, run_id_, "", redact(e.what())};
   }
   return std::nullopt;
}

std::optional<RunOutcome> Interpreter::Impl::adopt_current_source(const RunInfo& info)
{
   const std::vector<std::string> problems = verify_done_steps();
   if (!problems.empty()) {
      journal_.release_lease(run_id_);
      std::string text;
      for (const auto& p : problems) text += "\n  " + p;
      return RunOutcome{exit_code::Invalid, run_id_, "",
                        redact("refusing --use-current: steps the journal has records of (done or in doubt) changed in the file:" + text +
                               "\nresume without --use-current to continue with the journaled source")};
   }
   // Adopted: from now on the journal's records are written against this
   // text, so it becomes the source a later resume continues with.
   try {
      journal_.adopt_sources(run_id_, program_sources(program_, info.runbook_path));
   } catch (const JournalError& e) {
      journal_.release_lease(run_id_);
      return RunOutcome{exit_code::Invalid, run_id_, "", e.what()};
   }
   return std::nullopt;
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

}  // namespace runbook
