#include "verify/properties.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "exec/exit_codes.hpp"
#include "io/human_units.hpp"
#include "journal/journal.hpp"

namespace runbook::verify {

namespace {

/// Multi-line summaries (a command's last output) on one line of the report.
std::string one_line(std::string text)
{
   for (char& c : text)
      if (c == '\n' || c == '\r') c = ' ';
   while (!text.empty() && text.back() == ' ') text.pop_back();
   return text;
}

/// A failure the runbook chose: its route said `stop` (docs/language.md, failure routes).
bool stopped_on_purpose(const sim::SimulationResult& result)
{
   return result.summary.find("stopped by its route") != std::string::npos ||
          result.summary.find("on fail stop") != std::string::npos;
}

/// A rollback whose steps all ran but some of whose `soft` checks failed
/// (blue did not verify): it ends saying so (exit 4) after it told people,
/// which is the end the runbook declared for that case. Whether it moved the
/// traffic and notified is judged by the other properties.
bool failed_only_soft_checks(const sim::SimulationResult& result)
{
   return result.status == run_status::RollbackFailed && result.summary.find(" soft failure") != std::string::npos;
}

void check_outcome(const sim::SimulationResult& result, std::vector<Broken>& broken)
{
   if (result.exit_code == exit_code::Interrupted) {
      broken.push_back({property::Ends, "still waiting when the path's limit was reached"});
      return;
   }
   if (result.status == run_status::Completed || result.status == run_status::RolledBack) return;
   if (result.status == run_status::Aborted) return;   // Its own `abort` step: the author's choice.
   // A rollback step routed to `stop` on purpose (a load balancer that refused
   // every try: nothing further to fall back to) is an end the runbook chose,
   // as it is in the forward path; its notifications are judged apart.
   const bool stopped = result.status == run_status::Failed || result.status == run_status::RollbackFailed;
   if (stopped && stopped_on_purpose(result)) return;
   if (failed_only_soft_checks(result)) return;
   broken.push_back({property::Outcome, sim::describe_outcome(result) + ": " + one_line(result.summary)});
}

void check_trigger_acted_on(const RunbookFacts& facts, const Fault& fault, const sim::SimulationResult& result,
                            std::vector<Broken>& broken)
{
   if (fault.depth != 1 || fault.trigger.empty() || result.status != run_status::Completed) return;
   const TriggerFacts* trigger = facts.trigger(fault.trigger);
   if (trigger == nullptr || trigger->warning || trigger->rollback.empty()) return;
   if (trigger->severity != ast::Severity::P0 && trigger->severity != ast::Severity::P1) return;
   bool fired = false;
   for (const auto& t : result.triggers_fired) fired = fired || t.first == trigger->name;
   broken.push_back({property::ActedOn,
                     fmt::format("{} stayed breached to the end, yet the run completed ({})", trigger->name,
                                 fired ? "it fired and was then dropped" : "it was still pending when the run ended")});
}

bool started_under(const sim::SimulationResult& result, const std::string& static_id)
{
   for (const auto& id : result.steps_started)
      if (id == static_id || id.rfind(static_id + "/", 0) == 0) return true;
   return false;
}

void check_notified(const RunbookFacts& facts, const sim::SimulationResult& result, std::vector<Broken>& broken)
{
   if (result.rollback_name.empty()) return;
   const RollbackFacts* rollback = facts.rollback(result.rollback_name);
   if (rollback == nullptr || rollback->notify_steps.empty()) return;
   for (const auto& id : rollback->notify_steps)
      if (started_under(result, id)) return;
   broken.push_back({property::Notified, fmt::format("rollback {} ended ({}) before any of its notifications ran",
                                                     result.rollback_name, sim::describe_outcome(result))});
}

/// A rollback declared `within D` ended its steps within D of its start, on
/// the path's virtual clock (as the interpreter measures it: its `finally`
/// runs after, on time or not). One whose steps were still running when the
/// path ended is judged by how long it had run by then.
void check_deadline(const RunbookFacts& facts, const sim::SimulationResult& result, std::vector<Broken>& broken)
{
   if (result.rollback_name.empty() || !result.rollback_at) return;
   const RollbackFacts* rollback = facts.rollback(result.rollback_name);
   if (rollback == nullptr || !rollback->within_ms) return;
   // A rollback that gave up on purpose (its route said `stop`: a load
   // balancer refusing every try for a quarter of an hour) did not run late:
   // it could not run. Its declared overrun action told people when D
   // passed; without one, nobody was told, and that is judged.
   if (stopped_on_purpose(result) && rollback->overrun_action) return;
   const double within = *rollback->within_ms;
   const bool ended = result.rollback_ended_at.has_value();
   const double took = (ended ? *result.rollback_ended_at : result.end_ms) - *result.rollback_at;
   if (took <= within) return;
   const std::string how = ended ? fmt::format("took {} to run its steps", format_elapsed(took))
                                 : fmt::format("was still running {} after it began", format_elapsed(took));
   broken.push_back({property::Deadline, fmt::format("rollback {} {} (its deadline: {})", result.rollback_name, how,
                                                     format_duration(within))});
}

/// A path through a rollback that runs `undo all` ends with every completed
/// forward step's `undo` run: a failing undo, or a rollback that failed (or
/// waited) before its `undo all` finished, leaves a step done and not
/// compensated. Steps of the rollback itself are not forward steps. A run
/// that stopped where it is on purpose is not judged (its route said so), nor
/// one that has not ended ("the run ends" says so).
void check_undone(const RunbookFacts& facts, const sim::SimulationResult& result, std::vector<Broken>& broken)
{
   if (result.rollback_name.empty() || result.exit_code == exit_code::Interrupted || stopped_on_purpose(result)) return;
   const RollbackFacts* rollback = facts.rollback(result.rollback_name);
   if (rollback == nullptr || !rollback->undo_all) return;
   std::vector<std::string> pending;
   // Newest first, the order `undo all` takes them in.
   for (auto it = result.undoable_steps.rbegin(); it != result.undoable_steps.rend(); ++it) {
      if (it->rfind("rollback:", 0) == 0 || it->rfind("ensure/", 0) == 0) continue;
      if (std::find(result.undone_steps.begin(), result.undone_steps.end(), *it) != result.undone_steps.end()) continue;
      if (std::find(pending.begin(), pending.end(), *it) == pending.end()) pending.push_back(*it);
   }
   if (pending.empty()) return;
   bool reached = false;
   for (const auto& id : rollback->undo_all_steps) reached = reached || started_under(result, id);
   std::string list;
   for (const auto& id : pending) list += (list.empty() ? "" : ", ") + id;
   broken.push_back({property::Undo, fmt::format("rollback {} ended ({}) with the undo of {} completed step{} not run "
                                                 "(its `undo all` {}): {}",
                                                 result.rollback_name, sim::describe_outcome(result), pending.size(),
                                                 pending.size() == 1 ? "" : "s", reached ? "stopped short" : "was never reached",
                                                 list)});
}

/// Traffic the run moved ends whole on one environment (unless the runbook
/// chose to stop where it is): a split left behind is served by a release
/// nobody watches any more.
void check_traffic(const sim::SimulationResult& result, bool moves_traffic, std::vector<Broken>& broken)
{
   if (!moves_traffic || result.exit_code == exit_code::Interrupted || stopped_on_purpose(result)) return;
   for (const auto& entry : result.traffic)
      if (entry.second == 100) return;
   broken.push_back({property::Traffic, "traffic ends split: " + traffic_text(result)});
}

/// Every invariant the runbook declares held when the run ended, unless the
/// runbook chose to stop where it is (as for traffic: its route said `stop`
/// after telling people, the end it declared for that case).
void check_ensures(const sim::SimulationResult& result, std::vector<Broken>& broken)
{
   if (stopped_on_purpose(result)) return;
   for (const auto& e : result.ensures)
      if (!e.held) broken.push_back({property::Ensure, fmt::format("\"{}\": {}", e.title, one_line(e.message))});
}

}  // namespace

std::string traffic_text(const sim::SimulationResult& result)
{
   std::string text;
   for (const auto& [environment, share] : result.traffic)
      text += fmt::format("{}{} {}%", text.empty() ? "" : " / ", environment, share);
   return text.empty() ? "no traffic model" : text;
}

std::vector<Broken> check_properties(const RunbookFacts& facts, const Fault& fault, const sim::SimulationResult& result,
                                     bool moves_traffic)
{
   std::vector<Broken> broken;
   check_outcome(result, broken);
   // The runbook's own invariants replace the built-in traffic guess: a run
   // that ended evaluated them (an interrupted one neither).
   if (result.ensures.empty()) check_traffic(result, moves_traffic, broken);
   else check_ensures(result, broken);
   check_trigger_acted_on(facts, fault, result, broken);
   check_notified(facts, result, broken);
   check_deadline(facts, result, broken);
   check_undone(facts, result, broken);
   return broken;
}

bool moves_traffic(const sim::SimulationResult& healthy)
{
   for (const auto& effect : healthy.side_effects)
      if (effect.kind == "http" && effect.method == "POST" && effect.target.find("/api/traffic") != std::string::npos) return true;
   return false;
}

}  // namespace runbook::verify
