// The interpreter's insides, shared by the files that implement it:
//
//   run_start.cpp       start and resume: globals (params, secrets), the
//                       run's record, lease and rollout lock, --use-current
//   interpreter.cpp     phases, the rollback switch, the run's outcome,
//                       blocks, dispatching a step, output (events), and
//                       the journal's server going away (JournalNotices)
//   control_steps.cpp   control steps (let, if, for, calls, return, log,
//                       undo, ...) and a function's steps
//   step_journal.cpp    the write-ahead protocol around every step, retries
//   step_resume.cpp     resume decisions about a journaled step (skip done,
//                       refuse a changed one, settle in-doubt)
//   step_effects.cpp    sh steps, metric resolution and samples
//   http_step.cpp       http steps and `http get ... json` probes
//   step_prompts.cpp    checklist, approve, ask, in-doubt questions
//   step_time.cpp       wait, await, assert: conditions over time
//   watch_step.cpp      watch: conditions sampled over a window
//   supervisor.cpp      what runs beside every step: Ctrl-C, remote
//                       requests, the lease heartbeat, worker threads, the
//                       operator's continue/rollback/abort decisions
//   trigger_firing.cpp  sampling the armed triggers and acting on them by
//                       severity (grace periods, P2 decisions, actions)
//   timer_steps.cpp     `after` timers, signals, manual triggers fired by
//                       `runbook fire`, rollback deadlines
//   run_end.cpp         what a run settles before it may end: pending
//                       triggers, P1 grace periods, pending timers
//   ensure.cpp          the runbook's `ensure` invariants, once it has ended
//
// State that answers questions on its own, held here as one member each:
//
//   armed_triggers.hpp  ArmedTriggers: the phase's triggers, their
//                       schedule, and trigger actions queued for a boundary
//   resume_state.hpp    ResumeState: the journal's view of a resumed run
//                       (records, answers, retries, timers, replay walks)
//   step_kind.hpp       StepKind: what a step is, and its journaled word
//
// Not a public header: only exec/*.cpp include it.
#pragma once

#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "exec/armed_triggers.hpp"
#include "exec/evaluate.hpp"
#include "exec/failure_route.hpp"
#include "exec/interpreter.hpp"
#include "exec/redact.hpp"
#include "exec/resume_state.hpp"
#include "exec/retry_history.hpp"
#include "exec/signals.hpp"
#include "exec/step_kind.hpp"
#include "exec/timers.hpp"
#include "metrics/condition_tracker.hpp"

namespace runbook {

using json = nlohmann::json;

inline constexpr double forever = std::numeric_limits<double>::infinity();

/// How a step (or block) ended, for the caller to act on.
enum class Flow {
   Next,          ///< Go on with the next step.
   Return,        ///< `return` inside a function.
   Failed,        ///< A step failed: the run fails (or, in rollback mode, the rollback fails).
   Aborted,       ///< `abort`, `runbook abort`, or an operator's "abort".
   Rollback,      ///< Switch to rollback mode (target in Impl::stop_rollback_).
   Interrupted,   ///< Ctrl-C: stop, resumable.
   JournalBroken, ///< The journal cannot be written: stop, run nothing more.
   ReplayEnd,     ///< Replay-only walk reached the first step not done.
   Stopped,       ///< A failure routed to `on fail stop`: the run ends failed; no outer route takes it.
};

/// A failure, routed or not: the run (or the rollback) ends failed unless a route takes it.
inline bool is_failure(Flow flow) { return flow == Flow::Failed || flow == Flow::Stopped; }

/// Why the supervisor stopped what was running beside it.
struct Stop {
   /// Defaulted: a question's deadline passed (P2 `decide within`); `reason` holds the default choice.
   /// LeaseLost: another process took the run over; this one must not act any more.
   enum class Kind { None, Interrupted, Rollback, Abort, Fail, Approved, Defaulted, LeaseLost } kind = Kind::None;
   std::string rollback;   ///< Kind::Rollback: the target.
   std::string reason;     ///< In words, redacted.
   std::string who;        ///< Kind::Approved: who approved remotely.
   std::string choice = {};   ///< Kind::Approved: the answer given (`runbook approve --answer`); empty: the first choice.
   explicit operator bool() const { return kind != Kind::None; }
};

/// Thrown out of expression evaluation when a function called inside an
/// expression ends in anything but a value (a failure, a rollback...).
struct FlowUnwind {
   Flow flow;
};

/// Where a block runs: its variables and how its steps' runtime ids are formed.
struct Frame {
   Scope* scope = nullptr;
   /// Prepended to every id (a function's frame: the calling step's id + "/").
   std::string prefix;
   /// Prepended to everything, rewrites included (undo blocks: the `undo all` step's id + "/").
   std::string outer;
   /// Static id prefixes rewritten with loop iterations:
   /// "canary/1" -> "canary/1[pct=25]" for the steps inside a for loop.
   std::vector<std::pair<std::string, std::string>> rewrites;
   Value return_value;

   std::string runtime_id(const std::string& static_id) const;
};

/// A completed step's compensation, waiting for `undo all`.
struct UndoEntry {
   std::string origin_id;
   const ast::Block* block = nullptr;
   std::shared_ptr<Scope> scope;   ///< The variables as they were when the step completed.
   Frame frame;                    ///< Ids: the undo steps are journaled under the origin's ids.
   std::string static_id;          ///< The step's id as written (what `undo "ID"` names).
};

/// What an armed `after` timer runs, and where (ids, variables as they were when it was armed).
struct TimerBody {
   const ast::AfterStep* step = nullptr;
   Frame frame;
   std::shared_ptr<Scope> scope;
};

struct Interpreter::Impl : EvalHooks {
   Impl(const Program& program, World& world, Journal& journal, RunObserver& observer, RunSettings settings);

   // ------------------------------------------------------------ run_start.cpp
   RunOutcome start(const std::string& runbook_path);
   RunOutcome resume(const std::string& run_id);
   /// Params and secrets into the globals; throws (a usage error) when one is missing or bad.
   void prepare_globals();
   void bind_params(const std::vector<const ast::File*>& files);
   void bind_secrets(const std::vector<const ast::File*>& files);
   std::string secret_value(const ast::Secret& secret) const;
   /// The declared params' values as the run's record keeps them (never a secret).
   json journaled_params() const;
   /// The run's record under the rollout lock; an outcome when the run may not start.
   std::optional<RunOutcome> record_new_run(const NewRun& run);
   /// The run to resume, its lease and the rollout lock; an outcome when it cannot be resumed.
   std::optional<RunOutcome> claim_run(const std::string& run_id, std::optional<RunInfo>& info);
   /// The globals again, from the journaled params (-p given again overrides).
   std::optional<RunOutcome> restore_globals(const RunInfo& info);
   /// --use-current: the current file becomes the journaled source, unless a recorded step changed.
   std::optional<RunOutcome> adopt_current_source(const RunInfo& info);
   /// --use-current: the done steps that the program no longer has, or defines differently.
   std::vector<std::string> verify_done_steps();

   // ------------------------------------------------------------ interpreter.cpp
   RunOutcome drive(bool resumed);
   RunOutcome finish(Flow flow, bool in_rollback);
   /// The exit code, status and summary (not yet redacted) a run ending in `flow` gets.
   void judge_outcome(Flow flow, bool in_rollback, RunOutcome& outcome) const;
   Flow run_phases();
   Flow run_block(const ast::Block& block, Frame& frame);
   Flow run_step(const ast::Step& step, Frame& frame);
   Flow resolve_and_run(const ast::Step& step, Frame& frame, const std::string& id);
   Flow dispatch_step(const ast::Step& step, Frame& frame, const std::string& id);
   /// A step whose definition could not be resolved: nothing was started; the step fails.
   Flow failed_before_start(const std::string& id, const std::string& message);
   const ast::Function* find_function(const std::string& name) const;
   const ast::RollbackBlock* find_rollback(const std::string& name) const;
   Evaluator evaluator(Frame& frame) { return Evaluator(*frame.scope, *this); }

   // ------------------------------------------------------------ control_steps.cpp
   /// A step that needs no World: sent to its own function below.
   Flow run_control(const ast::Step& step, Frame& frame, const std::string& id);
   Flow call_steps(const ast::Function& fn, std::vector<Value> args, const std::string& call_id, Value* result);
   Flow run_let(const ast::Step& step, const ast::LetStep& let, Frame& frame, const std::string& id);
   /// `log` and `notify`: a text shown as `event`.
   Flow run_message(const ast::Step& step, const ast::Expr& message, StepKind kind, RunEvent::Kind event,
                    Frame& frame, const std::string& id);
   Flow run_abort(const ast::Step& step, const ast::AbortStep& abort, Frame& frame, const std::string& id);
   Flow run_rollback_step(const ast::Step& step, const ast::RollbackStep& rollback, Frame& frame,
                          const std::string& id);
   Flow run_if(const ast::Step& step, const ast::IfStep& if_step, Frame& frame, const std::string& id);
   Flow run_for(const ast::Step& step, const ast::ForStep& for_step, Frame& frame, const std::string& id);
   Flow run_call(const ast::Step& step, const ast::CallStep& call, Frame& frame, const std::string& id);

   // EvalHooks (interpreter.cpp)
   bool is_metric(const std::string& name) const override;
   Value sample_metric(const std::string& name, const Location& loc) override;
   Value http_probe(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& json_path, const Location& loc) override;
   bool has_function(const std::string& name) const override;
   Value call_function(const std::string& name, std::vector<Value> args, const Location& loc) override;
   double now_ms() const override { return world_.clock().now(); }

   // ------------------------------------------------------------ step_journal.cpp
   /// A leaf step, resolved: what it will do, in redacted words.
   struct Resolved {
      StepKind kind;                ///< Journaled as its word (exec/step_kind.hpp).
      json inputs;                  ///< Redacted resolved definition.
      bool safe_to_repeat = false;  ///< Redone automatically when in doubt.
      std::optional<double> deadline_ms;
   };
   /// What performing a step produced.
   struct Performed {
      Flow flow = Flow::Next;
      std::string outcome = "done";  ///< step_outcome::*
      json result = json::object();  ///< Redacted; "capture" is restored on resume.
      std::string message;           ///< For failures, redacted.
      bool retryable = false;        ///< A failure that `retry` may repeat.
   };
   /// Performs the effect; sees the resolved step as settled (e.g. a wait's kept deadline).
   using Performer = std::function<Performed(const Resolved& resolved)>;
   /// The write-ahead protocol around one leaf step: resume decisions, the
   /// start record, the effect, the outcome record, retries, captures, undo.
   /// `result_out` receives the result (performed now or journaled before).
   Flow journaled(const ast::Step& step, Frame& frame, const std::string& id, Resolved resolved,
                  const Performer& perform, json* result_out = nullptr);
   /// The tries of a step, the first and its retries (resumed at the try the journal says).
   Flow run_attempts(const ast::Step& step, Frame& frame, const std::string& id, const Resolved& resolved,
                     const std::string& hash, const Performer& perform, json* result_out);
   /// One try: start record, effect, outcome record, into `p`. A flow only when the journal broke.
   std::optional<Flow> attempt_once(const std::string& id, const Resolved& resolved, const std::string& hash,
                                    const Performer& perform, Performed& p);
   /// The start record (its attempt number); nullopt: not written, the step must not run.
   std::optional<int> journal_start(const std::string& id, const Resolved& resolved, const std::string& hash,
                                    bool defer);
   /// Runs the effect as step `id`: whatever it throws becomes a failed (or stopped) Performed.
   Performed perform_caught(const std::string& id, const Resolved& resolved, const Performer& perform);
   /// The outcome record and its event; false when it could not be written.
   bool journal_outcome(const std::string& id, const Resolved& resolved, const Performed& p, bool defer);
   /// Journals retry `next` of `of` and waits its backoff; a flow when something stopped the wait.
   std::optional<Flow> schedule_retry(const std::string& id, int next, int of, double every);
   std::optional<Flow> wait_to_retry(TimeMs due_at);
   /// The last try's outcome, kept: captures, the undo entry, the result for the caller.
   Flow conclude_step(const ast::Step& step, Frame& frame, const std::string& id, const Performed& p,
                      json* result_out);
   /// A completed step with an `undo` block: its compensation waits for `undo all`.
   void remember_undo(const ast::Step& step, const Frame& frame, const std::string& id);
   /// `undo all` and `undo "ID"`: runs the undo blocks of the completed steps `which` picks, newest first.
   Flow run_undo(const ast::Step& step, Frame& frame, const std::string& id, Resolved resolved,
                 const std::function<bool(const UndoEntry&)>& which);
   /// Drops the journal's records of the steps inside `id` (a call retried as
   /// a whole redoes them); with `only_before`, only those journaled before
   /// the try it resumes.
   void forget_inner_records(const std::string& id, const RetryHistory::Pending* only_before = nullptr);
   void restore_capture(const ast::Step& step, Frame& frame, const json& result);
   std::string def_hash(const ast::Step& step, const Resolved& resolved) const;

   // ------------------------------------------------------------ step_resume.cpp
   /// How the step at a record's id differs from the step the record was
   /// journaled for (kind, definition as written), or "" when it applies.
   std::string record_mismatch(const StepRecord& record, const Resolved& resolved, const std::string& hash) const;
   /// A done or in-doubt record journaled for a different step: the run stops (or --use-current notes it).
   std::optional<Flow> refuse_mismatched_record(const StepRecord& known, const std::string& id,
                                                const Resolved& resolved, const std::string& hash);
   /// A step done before: not run again; its captures and undo entry come back.
   Flow replay_done_step(const ast::Step& step, Frame& frame, const std::string& id, const Resolved& resolved,
                         const StepRecord& done, const std::string& hash, json* result_out);
   /// Replay-only walk at a step not done: walks into containers, ends elsewhere.
   Flow replay_into_container(const Resolved& resolved, const Performer& perform, json* result_out);
   /// A step started and not finished: kept deadlines, and in doubt, settled.
   /// A flow when it is not to be run again; nullopt: redo it.
   std::optional<Flow> resume_unfinished(const ast::Step& step, const std::string& id, Resolved& resolved,
                                         const StepRecord& unfinished, const std::string& hash);
   void keep_wait_deadline(const std::string& id, Resolved& resolved, const StepRecord& unfinished);
   void keep_question_deadline(const std::string& id, Resolved& resolved, const StepRecord& unfinished);
   void restart_watch_window(const std::string& id, const Resolved& resolved);
   /// Settles an in-doubt step not safe to repeat; nullopt when it is to be redone.
   std::optional<Flow> act_on_in_doubt(const std::string& id, const Resolved& resolved);
   Flow mark_done_in_doubt(const std::string& id, const Resolved& resolved);
   /// In-doubt settlement for a step not safe to repeat: "redo", "done", "abort".
   std::string settle_in_doubt(const std::string& id, const Resolved& resolved);

   // ------------------------------------------------------------ step_effects.cpp
   Flow run_sh(const ast::Step& step, const ast::ShStep& sh, Frame& frame, const std::string& id);
   /// Runs an sh step's command beside the supervisor, its output streamed to `on_output`.
   Stop run_shell_step(const ast::Step& step, const std::string& id, const std::string& command,
                       const std::string& display, const std::function<void(std::string_view)>& on_output,
                       ShellResult& res);
   void resolve_metrics();
   Sample take_sample(const std::string& name);

   // ------------------------------------------------------------ http_step.cpp
   Flow run_http(const ast::Step& step, const ast::HttpStep& http, Frame& frame, const std::string& id);
   /// Sends an http step's request beside the supervisor; `res` is the answer (or why none came).
   Stop send_http(const std::string& id, const HttpRequest& request, HttpResponse& res);
   /// A request sent with no answer back: it may have taken effect, so the step is in doubt.
   Performed http_in_doubt(const HttpRequest& request, const HttpResponse& res, Performed p);

   // ------------------------------------------------------------ step_prompts.cpp
   Flow run_checklist(const ast::Step& step, const ast::ChecklistStep& checklist, Frame& frame, const std::string& id);
   Flow run_approve(const ast::Step& step, const ast::ApproveStep& approve, Frame& frame, const std::string& id);
   Flow run_ask(const ast::Step& step, const ast::AskStep& ask_step, Frame& frame, const std::string& id);
   /// Asks the operator beside the supervisor (remote approvals count when `remote_approve`).
   /// Nobody answering by `deadline` (runbook time) gives an Answer with `timed_out` set.
   Answer ask(const Question& question, Stop& stop, bool remote_approve, TimeMs deadline = forever);
   /// The operator's answer, or a remote one that is one of the choices; `stop` says what else came first.
   Answer wait_for_answer(const Question& question, Stop& stop, bool remote_approve, TimeMs deadline);
   /// An answer that is not one of the choices becomes the one that fails closed; the answer is said.
   Answer settle_answer(const Question& question, Answer answer);
   void journal_answer(const std::string& id, const json& data);

   // ------------------------------------------------------------ step_time.cpp
   Flow run_wait(const ast::Step& step, const ast::WaitStep& wait, Frame& frame, const std::string& id);
   Flow run_await(const ast::Step& step, const ast::AwaitStep& await, Frame& frame, const std::string& id);
   /// Samples the awaited condition every `every` until it holds or `timeout` passes.
   Performed await_condition(const ast::AwaitStep& await, Frame& frame, const std::string& id,
                             const std::string& what, double timeout, double every);
   Flow run_assert(const ast::Step& step, const ast::AssertStep& assert_step, Frame& frame, const std::string& id);
   /// Evaluates a condition's expression: Clear/Deciding per `reading_of`, or Error.
   struct ConditionSample {
      bool ok = false;
      bool value = false;
      std::string error;
      std::vector<Observation> observations;
   };
   ConditionSample evaluate_condition(const ast::Condition& condition, Frame& frame);
   void add_run_variables(const ast::Expr& expr, const Frame& frame, std::vector<Observation>& observations) const;
   /// For people: "error_rate = 3.24%", rounded (check/quantity.hpp, format_number_for_people).
   std::string describe_observations(const std::vector<Observation>& observations) const;
   /// For machines (events, the journal): {"error_rate": "3.237184907301121%"}, whole.
   static json observations_json(const std::vector<Observation>& observations);
   /// For the live view: a condition's `for` window, the start of its pending
   /// span, and for `metric OP threshold` the evaluated threshold (null fields
   /// left out). Added to Sample events only; never journaled.
   json condition_progress(const ast::Condition& condition, const Assessment& assessment, Frame& frame);
   int lost_default(const ast::Condition& condition) const;
   Performed stop_to_performed(const Stop& stop, json result);
   /// A value used as a duration (a wait, a watch window, a timer's delay), in ms.
   static double duration_of(const Value& v, const char* what);

   // ------------------------------------------------------------ watch_step.cpp
   Flow run_watch(const ast::Step& step, const ast::WatchStep& watch, Frame& frame, const std::string& id);
   /// The watch's window, sampled round by round, then closed.
   Performed watch_window(const ast::WatchStep& watch, Frame& frame, const std::string& id, const json& conditions,
                          double window, double every);
   /// Resumed inside this watch: its trackers replay the journaled samples, then skip the unobserved gap.
   void restore_watch(const std::string& id, const json& conditions, std::vector<ConditionTracker>& trackers,
                      TimeMs unobserved_ms);
   /// A breach the journal already held when the watch resumed.
   std::optional<Performed> breached_before_interruption(const ast::WatchStep& watch,
                                                         const std::vector<ConditionTracker>& trackers);
   /// One sample of every condition; what ends the watch, if anything did.
   std::optional<Performed> watch_round(const ast::WatchStep& watch, Frame& frame, const std::string& id,
                                        std::vector<ConditionTracker>& trackers, int samples);
   std::optional<Performed> watch_sample(const ast::Condition& c, std::size_t i, Frame& frame, const std::string& id,
                                         ConditionTracker& tracker, int samples);
   /// A condition that cannot be sampled: fail, roll back, or ask (and keep watching).
   std::optional<Performed> watch_monitoring_lost(const ast::Condition& c, const std::string& id,
                                                  ConditionTracker& tracker, int samples, const std::string& message);
   /// The window's end: a criterion still failing fails the watch.
   std::optional<Performed> close_watch_window(const ast::WatchStep& watch, const std::string& id,
                                               std::vector<ConditionTracker>& trackers, int samples, double window);

   // ------------------------------------------------------------ supervisor.cpp
   /// Watches everything beside a step until `deadline` (runbook time) or until
   /// `done()` turns true. Returns why it stopped early, if it did.
   Stop supervise(TimeMs deadline, const std::function<bool()>& done = {}, bool remote_approve = false);
   /// Runs a blocking world call: on a worker thread beside the supervisor with
   /// a real clock, inline with a virtual one. `cancel` is set when it must stop.
   /// With a `deadline` (runbook time) the call is cancelled when it passes.
   Stop blocking(const std::function<void(const std::atomic<bool>* cancel)>& call, bool remote_approve = false,
                 TimeMs deadline = forever);
   /// Virtual clock: lets `elapsed` pass after an instant world call, supervised.
   Stop pass_time(TimeMs started, double elapsed_ms);
   Stop at_boundary();
   Stop decide(Question::Kind kind, const std::string& step_id, const std::string& text, const std::string& rollback);
   Stop poll_requests(bool remote_approve);
   /// Renews the lease now and then. A Stop when another process took the run
   /// over: this one stops at once, without a further side effect.
   Stop heartbeat();
   /// What a `runbook abort` that does not stop the running rollback says instead.
   std::string rollback_request_note(const std::string& target, const std::string& who) const;
   /// Journals a step of the wall clock seen since the last heartbeat.
   void notice_clock_jump();
   /// The next trigger sample, grace period or timer due.
   TimeMs next_trigger_due() const;
   bool virtual_time() const { return world_.clock().scale() == 0; }
   bool interrupted() const { return settings_.interrupt != nullptr && settings_.interrupt->load(); }

   // ------------------------------------------------------------ trigger_firing.cpp
   /// Arms the triggers `phase` arms (exec/armed_triggers.hpp).
   void arm_triggers(const ast::Phase& phase);
   /// Beside every step (supervise): samples the triggers that are due and acts on their verdicts.
   Stop sample_triggers();
   Stop sample_trigger(ArmedTrigger& armed, TimeMs now);
   /// A P1 whose grace period ran out while it stayed breached: its action now.
   Stop expire_grace(ArmedTrigger& armed, TimeMs now);
   /// The sample's event, and its journal record when it decides something; returns its data.
   json report_trigger_sample(const ArmedTrigger& armed, const ConditionSample& cs, const Assessment& a,
                              const std::string& seen, TimeMs now);
   Stop trigger_breached(ArmedTrigger& armed, const Assessment& a, const std::string& seen, TimeMs now);
   void trigger_holding(ArmedTrigger& armed, const std::string& seen, const json& data);
   Stop trigger_monitoring_lost(ArmedTrigger& armed, const std::string& error, const json& data);
   Stop fire(ArmedTrigger& armed, const std::string& what);
   Stop trigger_action(ArmedTrigger& armed, const std::string& what);
   /// P2: asks continue/rollback/abort with the trigger's decision deadline; re-asked while breached.
   Stop decide_p2(ArmedTrigger& armed, const std::string& what);
   void run_pending_actions();

   // ------------------------------------------------------------ timer_steps.cpp
   Flow run_after(const ast::Step& step, const ast::AfterStep& after, Frame& frame, const std::string& id);
   void arm_timer(const ast::AfterStep& after, const Frame& frame, const std::string& id, TimeMs due);
   /// Beside every step (supervise): fires the timers that are due.
   Stop fire_due_timers();
   Stop fire_timer(const TimerEntry& timer);
   Stop fire_rollback_deadline(const TimerEntry& timer);
   void give_signal(const std::string& name, const std::string& who);
   Stop fire_manual(const std::string& name, const std::string& who);
   Flow run_action(const ast::TriggerAction& action, const std::string& id, const std::string& what);
   void arm_rollback_deadline(const ast::RollbackBlock& block);
   /// The rollback block ended: its deadline is dropped and, when it succeeded, how long it took is said.
   void end_rollback_deadline(const ast::RollbackBlock& block, Flow flow);

   // ------------------------------------------------------------ run_end.cpp
   /// After the last phase, while triggers are still armed: waits for
   /// pending triggers and P1 grace periods to clear or act.
   /// After `done`, before `next` (nullptr: the run's end): see exec/run_end.cpp.
   Flow settle_leaving_triggers(const ast::Phase& done, const ast::Phase* next);
   /// Before the run ends (completed or rolled back): waits for pending timers.
   Flow wait_for_timers();
   /// After a rollback block: waits for pending timers whether it succeeded or failed.
   Flow wait_for_timers_after_rollback(Flow flow);
   Flow flow_of(const Stop& stop);

   // ------------------------------------------------------------ ensure.cpp
   /// The runbook's `ensure` invariants, once a run that ends (not interrupted)
   /// has ended; `flow` becomes Interrupted when one was interrupted (the run has not ended).
   std::vector<EnsureResult> check_ensures(Flow& flow);
   /// `stopped`: Interrupted or JournalBroken when the invariant could not be evaluated for that reason.
   EnsureResult check_ensure(const ast::Ensure& ensure, const std::string& id, Flow& stopped);
   EnsureResult evaluate_ensure(const ast::Ensure& ensure, Flow& stopped);

   // ------------------------------------------------------------ output
   void emit(RunEvent::Kind kind, const std::string& step_id, const std::string& text, json data = json::object());
   void record(const std::string& kind, const std::string& step_id, const json& data);
   std::string redact(std::string_view text) const { return redactor_.redact(text); }

   // ------------------------------------------------------------ state
   const Program& program_;
   World& world_;
   Journal& journal_;
   RunObserver& observer_;
   bool output_lost_ = false;                  ///< stdout went away (SIGHUP, closed pipe): events only journaled.
   RunSettings settings_;
   Redactor redactor_;
   std::mutex emit_mutex_;   ///< Output chunks arrive from the worker thread.

   std::string run_id_;
   std::map<std::string, const ast::Function*> functions_;   ///< "route", "traffic.route".
   std::map<std::string, const ast::Metric*> metrics_;
   std::map<std::string, ResolvedMetric> resolved_metrics_;
   Scope globals_;                     ///< Params and secrets.
   Scope main_scope_{&globals_};       ///< Variables of phases and rollback blocks.
   Frame main_frame_;                  ///< Phases and rollback blocks run in it.
   std::map<std::string, Sample> round_samples_;   ///< One sample per metric per evaluation round.
   bool in_round_ = false;

   ResumeState resume_;                ///< Resume: the journal's view of the run (exec/resume_state.hpp).
   bool in_rollback_ = false;
   std::string rollback_name_;

   FailureRoutes failure_routes_;      ///< exec/failure_router.hpp sends failures where `on fail` says.
   std::vector<UndoEntry> undo_stack_;
   std::set<std::string> undone_;      ///< Origin ids whose undo ran (`undo "ID"`, `undo all`): never twice.
   ArmedTriggers triggers_;             ///< The phase's triggers and their queued actions.
   std::string current_step_;           ///< Innermost running step (function frames hang off it).
   TimerQueue timers_;
   std::map<std::string, TimerBody> timer_bodies_;
   bool firing_timer_ = false;          ///< A timer's steps run one at a time, never nested.
   SignalBoard signals_;
   TimeMs rollback_began_at_ = 0;       ///< This process's start of the rollback block (resume: the journal's is used).
   std::optional<TimeMs> rollback_ended_at_;   ///< Its steps ended (RunOutcome::rollback_ended_at).

   // Why the run stopped (for the outcome and the journal).
   std::string stop_message_;
   std::string stop_rollback_;
   double last_heartbeat_wall_ = 0;            ///< Monotonic ms (steady_ms_now).
   std::string lease_lost_;                    ///< Why the heartbeat was refused: the run was taken over.
   bool journal_problem_told_ = false;         ///< The journal file was deleted or replaced: said once.
   double last_wall_drift_ = 0;                ///< The wall clock's step last journaled (notice_clock_jump).
   double last_poll_wall_ = 0;
   bool running_actions_ = false;
   /// An in-doubt step left unsettled: the run ends (exit 1) but stays
   /// "interrupted", so a later resume can settle it differently.
   bool keep_resumable_ = false;

   /// The journal's listener while this run is on: the server going away and
   /// coming back become events for the people watching (JournalUnreachable,
   /// JournalBack), never journal records: the journal is what is down.
   class JournalNotices final : public JournalListener {
   public:
      explicit JournalNotices(Impl& impl);
      ~JournalNotices() override;
      JournalNotices(const JournalNotices&) = delete;
      JournalNotices& operator=(const JournalNotices&) = delete;
      void journal_unreachable(const JournalOutage& outage) override;
      void journal_back(const JournalOutage& outage) override;

   private:
      Impl& impl_;
      JournalListener* previous_;
   };
   JournalNotices journal_notices_{*this};   ///< Last: set once the rest is ready, unset first.
};

/// Monotonic milliseconds (for intervals inside this process).
double steady_ms_now();

/// The last `max` bytes of `text`, marked when cut: what results and
/// messages keep of a command's output or a response's body.
std::string text_tail(const std::string& text, std::size_t max = 2000);

}  // namespace runbook
