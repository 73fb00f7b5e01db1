#include "view/observers.hpp"

#include <unistd.h>

#include <cstdlib>
#include <set>
#include <vector>

#include <fmt/core.h>

#include "exec/question_terms.hpp"
#include "exec/step_kind.hpp"
#include "journal/utc_time.hpp"
#include "view/step_label.hpp"

namespace runbook {

bool use_color(std::FILE* out)
{
   const char* no_color = std::getenv("NO_COLOR");
   if (no_color != nullptr && *no_color != '\0') return false;
   return ::isatty(::fileno(out)) == 1;
}

std::string clock_text(double at_ms) { return utc_text(at_ms, "%H:%M:%S"); }

nlohmann::json event_json(const RunEvent& event)
{
   nlohmann::json line{{"kind", to_string(event.kind)}, {"at", event.at}, {"time", clock_text(event.at)}};
   if (!event.step_id.empty()) line["step"] = event.step_id;
   line["text"] = event.text;
   if (!event.data.is_null() && !(event.data.is_object() && event.data.empty())) line["data"] = event.data;
   return line;
}

namespace {

std::string paint(bool color, const char* sgr, const std::string& text)
{
   return color ? fmt::format("\x1b[{}m{}\x1b[0m", sgr, text) : text;
}

/// After a question: its choices unless they are yes and no, and what nobody
/// answering decides when it has a deadline, e.g.
/// "  (choices: wait | roll back; unanswered by 10:42:00, in 30m0s: "roll back" by default)".
std::string question_terms(const RunEvent& e)
{
   if (!e.data.is_object()) return "";
   const std::vector<std::string> choices = question_choices(e.data);
   std::vector<std::string> terms;
   if (!choices.empty() && choices != std::vector<std::string>{"yes", "no"}) terms.push_back("choices: " + choice_list(choices));
   if (e.data.contains("deadline") && e.data["deadline"].is_number())
      terms.push_back(unanswered_terms(e.data["deadline"].get<double>(), e.at, e.data.value("timeout_default", "")));
   std::string out;
   for (const auto& term : terms) out += (out.empty() ? "" : "; ") + term;
   return out.empty() ? "" : "  (" + out + ")";
}

/// The text of an event's line, without its time; empty: not shown.
std::string plain_text(const RunEvent& e, bool color)
{
   using K = RunEvent::Kind;
   // Steps that only say or decide something show as what they say; their
   // start/done lines would be noise. Their failures still show.
   static const std::set<StepKind> quiet{StepKind::Log, StepKind::Notify, StepKind::Let,    StepKind::If,
                                         StepKind::For, StepKind::Call,   StepKind::UndoAll};
   const auto kind = step_kind_from_string(e.data.is_object() ? e.data.value("kind", "") : "");
   if (kind && quiet.count(*kind) && (e.kind == K::StepStarted || e.kind == K::StepSkipped ||
                             (e.kind == K::StepFinished && e.data.value("outcome", "") == "done")))
      return "";
   const std::string step = e.step_id.empty() ? "" : "[" + short_step_label(e.step_id) + "] ";
   switch (e.kind) {
   case K::RunStarted:
   case K::RunResumed: return paint(color, "1", "== " + e.text);
   case K::PhaseStarted: return paint(color, "1", "-- phase: " + e.text);
   case K::StepStarted: return step + e.text;
   case K::StepOutput: return paint(color, "2", "   | " + e.text);
   case K::StepFinished: {
      const std::string outcome = e.data.value("outcome", "done");
      return step + (outcome == "done" ? paint(color, "32", e.text) : paint(color, "31", e.text));
   }
   case K::StepSkipped: return paint(color, "2", step + "skipped: " + e.text);
   case K::Sample: return paint(color, "2", "   ~ " + step + e.text);
   case K::TriggerFired: return paint(color, "33;1", "!! " + e.text);
   case K::TriggerCleared: return paint(color, "32", "ok " + e.text);
   case K::Question: return paint(color, "36", "?  " + step + e.text + question_terms(e));
   case K::Answer: return paint(color, "36", "   answered: " + e.text);
   case K::Log: return step + e.text;
   case K::Notify: return paint(color, "35", "notify: " + e.text);
   case K::ModeChanged: return paint(color, "33;1", "!! " + e.text);
   case K::Ensure: return paint(color, e.data.value("held", false) ? "32" : "31;1", "== " + e.text);
   case K::RunFinished: {
      const int code = e.data.value("exit_code", 0);
      return paint(color, code == 0 ? "32;1" : "31;1", "== " + e.text);
   }
   case K::JournalUnreachable: return paint(color, "31;1", "!! " + e.text);
   case K::JournalBack: return paint(color, "32", "ok " + e.text);
   }
   return "";
}

class TextObserver : public RunObserver {
public:
   TextObserver(std::FILE* out, bool color) : out_(out), color_(color) {}

   void on_event(const RunEvent& e) override
   {
      if (const auto line = plain_line(e, color_)) {
         std::fprintf(out_, "%s\n", line->c_str());
         std::fflush(out_);
      }
   }

private:
   std::FILE* out_;
   bool color_;
};

class JsonObserver : public RunObserver {
public:
   explicit JsonObserver(std::FILE* out) : out_(out) {}
   void on_event(const RunEvent& e) override
   {
      const std::string text = event_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      std::fprintf(out_, "%s\n", text.c_str());
      std::fflush(out_);
   }

private:
   std::FILE* out_;
};

}  // namespace

std::optional<std::string> plain_line(const RunEvent& event, bool color)
{
   const std::string text = plain_text(event, color);
   if (text.empty()) return std::nullopt;
   return clock_text(event.at) + " " + text;
}

std::unique_ptr<RunObserver> make_text_observer(std::FILE* out, bool color)
{
   return std::make_unique<TextObserver>(out, color);
}

std::unique_ptr<RunObserver> make_json_observer(std::FILE* out) { return std::make_unique<JsonObserver>(out); }

}  // namespace runbook
