// The steps a person answers: `checklist` and `approve`.
//
// Answers are facts: each one is journaled with who gave it and when, and a
// resumed run never asks it again unless the step's definition changed.
#include <algorithm>
#include <cctype>

#include <fmt/core.h>

#include "exec/decisions.hpp"
#include "exec/interpreter_impl.hpp"

namespace runbook {

void Interpreter::Impl::journal_answer(const std::string& id, const json& data)
{
   record("answer", id, data);
   resume_.add_answer(id, redactor_.redact_json(data));
}

namespace {

bool same_choice(const std::string& a, const std::string& b)
{
   return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
      return std::tolower(x) == std::tolower(y);
   });
}

/// The choice a `runbook approve [--answer X]` gives, or "" and why it gives none.
std::string remote_choice(const Question& question, const Stop& stop, std::string& why)
{
   std::string offered;
   for (const auto& choice : question.choices) offered += (offered.empty() ? "" : ", ") + choice;
   if (stop.choice.empty()) {
      // An approval's first choice is its "yes"; an ask has no such choice.
      if (question.kind != Question::Kind::Ask) return question.choices.front();
      why = fmt::format("this question needs --answer with one of: {}", offered);
      return "";
   }
   for (const auto& choice : question.choices)
      if (same_choice(choice, stop.choice)) return choice;
   why = fmt::format("'{}' is not one of the choices: {}", stop.choice, offered);
   return "";
}

}  // namespace

Answer Interpreter::Impl::ask(const Question& asked, Stop& stop, bool remote_approve, TimeMs deadline)
{
   // The deadline goes with the question: the terminal and the live view say
   // when nobody answering decides, and what it decides.
   Question question = asked;
   question.deadline = deadline;
   json shown{{"choices", question.choices}, {"default", question.default_choice}};
   if (deadline < forever) {
      shown["deadline"] = deadline;
      shown["timeout_default"] = question.timeout_default;
   }
   emit(RunEvent::Kind::Question, question.step_id, question.text, shown);
   const TimeMs asked_at = world_.clock().now();
   Answer answer = wait_for_answer(question, stop, remote_approve, deadline);
   // A simulated operator's thinking time passes here, supervised, so that
   // triggers keep being sampled while the question is pending.
   const bool late = answer.elapsed_ms > deadline - asked_at;
   if (!stop && virtual_time()) stop = pass_time(asked_at, late ? deadline - asked_at : answer.elapsed_ms);
   if (!stop && (virtual_time() ? late : world_.clock().now() >= deadline && (answer.choice.empty() || answer.interrupted))) {
      // Nobody answered in time: the step decides what that means (exec/decisions.hpp).
      emit(RunEvent::Kind::Answer, question.step_id, "no answer in time", {{"choice", ""}, {"who", "nobody"}});
      Answer nobody;
      nobody.who = "nobody";
      nobody.timed_out = true;
      return nobody;
   }
   if (stop.kind == Stop::Kind::Defaulted) {
      answer.choice = stop.reason;
      answer.who = stop.who;
      answer.interrupted = false;
      stop = Stop{};
   }
   if (!stop && answer.interrupted && interrupted()) stop = Stop{Stop::Kind::Interrupted, "", "interrupted (Ctrl-C)", ""};
   if (stop) return answer;
   return settle_answer(question, std::move(answer));
}

Answer Interpreter::Impl::wait_for_answer(const Question& question, Stop& stop, bool remote_approve, TimeMs deadline)
{
   Answer answer;
   for (;;) {
      stop = blocking([&](const std::atomic<bool>* cancel) { answer = world_.ask(question, cancel); }, remote_approve,
                      deadline);
      if (stop.kind != Stop::Kind::Approved) break;
      // An answer from another terminal counts only when it is one of the choices.
      std::string why;
      const std::string given = remote_choice(question, stop, why);
      if (!given.empty()) {
         answer.choice = given;
         answer.who = stop.who;
         answer.interrupted = false;
         stop = Stop{};
         break;
      }
      emit(RunEvent::Kind::Log, question.step_id, fmt::format("runbook approve from {}: {}; still waiting", stop.who, why));
   }
   return answer;
}

Answer Interpreter::Impl::settle_answer(const Question& question, Answer answer)
{
   if (answer.choice.empty() ||
       std::find(question.choices.begin(), question.choices.end(), answer.choice) == question.choices.end()) {
      // Nobody could be asked: the choice that fails closed (an ask has none: its step decides).
      answer.choice = question.fail_closed_choice;
      if (answer.who.empty()) answer.who = "nobody to ask (fails closed)";
      if (answer.choice.empty()) {
         emit(RunEvent::Kind::Answer, question.step_id, fmt::format("no answer ({})", answer.who),
              {{"choice", ""}, {"who", answer.who}});
         return answer;
      }
   }
   emit(RunEvent::Kind::Answer, question.step_id, fmt::format("{} (by {})", answer.choice, answer.who),
        {{"choice", answer.choice}, {"who", answer.who}});
   return answer;
}

Flow Interpreter::Impl::run_approve(const ast::Step& step, const ast::ApproveStep& approve, Frame& frame,
                                    const std::string& id)
{
   const std::string prompt = approve.prompt ? evaluator(frame).text(*approve.prompt, Splice::Message) : "Proceed?";
   Resolved r{StepKind::Approve, {{"summary", redact(prompt)}, {"prompt", redact(prompt)}}, true,
              DecisionRules::first_deadline(step, world_.clock().now())};
   return journaled(step, frame, id, r, [&, prompt](const Resolved& settled) {
      Performed p;
      // An answer journaled before an interruption stands.
      for (const auto& answer : resume_.answers_for(id)) {
         if (answer.value("choice", "") != "yes") continue;
         emit(RunEvent::Kind::Log, id,
              fmt::format("already approved by {} before the interruption", answer.value("who", "?")));
         p.result["approved_by"] = answer.value("who", "");
         return p;
      }
      Question q;
      q.kind = Question::Kind::Approve;
      q.step_id = id;
      q.text = redact(prompt);
      q.choices = {"yes", "no"};
      q.default_choice = "yes";
      q.fail_closed_choice = "no";
      q.timeout_default = approve.decision.default_answer.value_or("");
      Stop stop;
      const DecisionRules rules(*this, step, approve.decision);
      const Answer answer = rules.settle(ask(q, stop, true, rules.deadline(settled)));
      if (stop) return stop_to_performed(stop, json::object());
      if (!answer.choice.empty()) journal_answer(id, rules.record(answer));
      if (answer.choice != "yes") return rules.declined(answer, "not approved");
      p.result["approved_by"] = answer.who;
      return p;
   });
}

Flow Interpreter::Impl::run_ask(const ast::Step& step, const ast::AskStep& ask_step, Frame& frame,
                                const std::string& id)
{
   const std::string text = evaluator(frame).text(*ask_step.question, Splice::Message);
   Resolved r{StepKind::Ask, {{"summary", redact(text)}, {"question", redact(text)}, {"choices", ask_step.choices}}, true,
              DecisionRules::first_deadline(step, world_.clock().now())};
   return journaled(step, frame, id, r, [&, text](const Resolved& settled) {
      Performed p;
      auto answered = [&](const std::string& choice, const std::string& who) {
         p.result["answer"] = choice;
         p.result["answered_by"] = who;
         p.result["capture"] = Value(choice).to_typed_json();   // `as NAME` is the chosen text.
         return p;
      };
      // An answer journaled before an interruption stands.
      for (const auto& answer : resume_.answers_for(id)) {
         const std::string choice = answer.value("choice", "");
         if (std::find(ask_step.choices.begin(), ask_step.choices.end(), choice) == ask_step.choices.end()) continue;
         emit(RunEvent::Kind::Log, id,
              fmt::format("already answered {} by {} before the interruption", choice, answer.value("who", "?")));
         return answered(choice, answer.value("who", ""));
      }
      Question q;
      q.kind = Question::Kind::Ask;
      q.step_id = id;
      q.text = redact(text);
      q.choices = ask_step.choices;
      q.default_choice = ask_step.decision.default_answer.value_or("");   // --yes takes the default, if any.
      q.timeout_default = q.default_choice;
      Stop stop;
      const DecisionRules rules(*this, step, ask_step.decision);
      Answer answer = rules.settle(ask(q, stop, true, rules.deadline(settled)));
      if (stop) return stop_to_performed(stop, json::object());
      if (answer.choice.empty() && !answer.timed_out && ask_step.decision.default_answer) {
         // Nobody can be asked (no terminal, no --yes): the runbook said what nobody answering means.
         answer.choice = *ask_step.decision.default_answer;
         answer.who = fmt::format("{}: the default", answer.who);
         emit(RunEvent::Kind::Answer, id, fmt::format("{} (the default: {})", answer.choice, answer.who),
              {{"choice", answer.choice}, {"who", answer.who}});
      }
      if (answer.choice.empty()) {
         if (answer.timed_out) return rules.declined(answer, "the question was not answered");
         Performed failed;
         failed.flow = Flow::Failed;
         failed.outcome = step_outcome::Failed;
         failed.message = fmt::format("the question was not answered ({}) and has no default", answer.who);
         return failed;
      }
      journal_answer(id, rules.record(answer));
      return answered(answer.choice, answer.who);
   });
}

Flow Interpreter::Impl::run_checklist(const ast::Step& step, const ast::ChecklistStep& checklist, Frame& frame,
                                      const std::string& id)
{
   Evaluator ev = evaluator(frame);
   const std::string title = checklist.title ? ev.text(*checklist.title, Splice::Message) : "Checklist";
   std::vector<std::string> items;
   for (const auto& item : checklist.items) items.push_back(ev.text(*item.text, Splice::Message));
   json shown_items = json::array();
   for (const auto& item : items) shown_items.push_back(redact(item));
   Resolved r{StepKind::Checklist, {{"summary", redact(title)}, {"title", redact(title)}, {"items", shown_items}}, true,
              DecisionRules::first_deadline(step, world_.clock().now())};
   return journaled(step, frame, id, r, [&, title, items](const Resolved& settled) {
      Performed p;
      p.result["items"] = json::array();
      for (std::size_t i = 0; i < items.size(); ++i) {
         // Confirmed items stay confirmed across an interruption.
         std::string confirmed_by;
         for (const auto& answer : resume_.answers_for(id))
            if (answer.value("item", -1) == static_cast<int>(i) && answer.value("choice", "") == "yes")
               confirmed_by = answer.value("who", "?");
         if (!confirmed_by.empty()) {
            emit(RunEvent::Kind::Log, id, fmt::format("\"{}\" already confirmed by {}", items[i], confirmed_by));
            p.result["items"].push_back({{"item", redact(items[i])}, {"who", confirmed_by}});
            continue;
         }
         Question q;
         q.kind = Question::Kind::ChecklistItem;
         q.step_id = id;
         q.text = redact(fmt::format("{} [{}/{}]: {}", title, i + 1, items.size(), items[i]));
         q.choices = {"yes", "no"};
         q.default_choice = "yes";
         q.fail_closed_choice = "no";
         q.timeout_default = checklist.decision.default_answer.value_or("");
         Stop stop;
         const DecisionRules rules(*this, step, checklist.decision);
         const Answer answer = rules.settle(ask(q, stop, true, rules.item_deadline(settled, id)));
         if (stop) return stop_to_performed(stop, p.result);
         const double at = world_.clock().now();
         json answered = rules.record(answer);
         answered["item"] = static_cast<int>(i);
         answered["text"] = redact(items[i]);
         if (!answer.choice.empty()) journal_answer(id, answered);
         if (answer.choice != "yes")
            return rules.declined(answer, fmt::format("checklist item \"{}\" was not confirmed", items[i]));
         p.result["items"].push_back({{"item", redact(items[i])}, {"who", answer.who}, {"at", at}});
      }
      return p;
   });
}

}  // namespace runbook
