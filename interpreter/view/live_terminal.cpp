#include "view/live_terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>

#include "view/live_view.hpp"
#include "view/observers.hpp"

namespace runbook {

bool is_terminal(std::FILE* out) { return ::isatty(::fileno(out)) == 1; }

namespace {

struct TerminalSize {
   int columns = 0;
   int rows = 0;
};

TerminalSize terminal_size(std::FILE* out)
{
   struct winsize size {};
   if (::ioctl(::fileno(out), TIOCGWINSZ, &size) == 0) return {size.ws_col, size.ws_row};
   return {};
}

// The escape sequences the view uses, and nothing else.
constexpr const char* hide_cursor = "\x1b[?25l";
constexpr const char* show_cursor = "\x1b[?25h";
constexpr const char* erase_below = "\x1b[J";

class LiveObserver : public RunObserver {
public:
   LiveObserver(std::FILE* out, LiveTerminalOptions options) : out_(out), options_(std::move(options))
   {
      ticker_ = std::thread([this] { tick(); });
   }

   ~LiveObserver() override
   {
      {
         std::lock_guard<std::mutex> lock(mutex_);
         stopping_ = true;
      }
      wake_.notify_all();
      ticker_.join();
      // An error or Ctrl-C may end the run without RunFinished: leave a clean terminal.
      std::lock_guard<std::mutex> lock(mutex_);
      write(erase_block() + pending_ + (cursor_hidden_ ? show_cursor : ""));
      pending_.clear();
      cursor_hidden_ = false;
   }

   LiveObserver(const LiveObserver&) = delete;
   LiveObserver& operator=(const LiveObserver&) = delete;

   void on_event(const RunEvent& e) override
   {
      std::lock_guard<std::mutex> lock(mutex_);
      state_.apply(e);
      // Samples that only say "still fine" are what the status block is for.
      const bool routine = e.kind == RunEvent::Kind::Sample && e.data.is_object() && e.data.value("verdict", "") == "holding";
      if (!routine)
         if (const auto line = plain_line(e, options_.color)) pending_ += *line + "\n";
      // A chatty command's output is batched: redrawing the block for each of
      // its lines would flood the terminal. The timer prints the rest.
      const auto now = std::chrono::steady_clock::now();
      if (e.kind == RunEvent::Kind::StepOutput && now - last_redraw_ < std::chrono::milliseconds(100)) return;
      redraw();
   }

private:
   double now() const { return options_.now ? options_.now() : state_.last_at; }

   std::string erase_block()
   {
      if (drawn_ == 0) return "";
      const std::string out = fmt::format("\r\x1b[{}A{}", drawn_, erase_below);
      drawn_ = 0;
      drawn_lines_.clear();
      return out;
   }

   /// Erases the block, prints the pending log lines above it, draws it
   /// again (unless a question is on the terminal or the run is over).
   void redraw()
   {
      last_redraw_ = std::chrono::steady_clock::now();
      const std::string log_lines = std::move(pending_);
      pending_.clear();
      const bool show_block = !state_.asking && !state_.finished;
      std::vector<std::string> block;
      if (show_block) {
         const TerminalSize size = terminal_size(out_);
         LiveRenderOptions render;
         render.width = options_.width ? options_.width() : (size.columns > 0 ? size.columns : terminal_width(out_));
         render.color = options_.color;
         render.unicode = options_.unicode;
         block = render_live_status(state_, now(), render);
         // Never taller than the screen: the cursor could not move back over it.
         if (size.rows > 1 && static_cast<int>(block.size()) >= size.rows) block.resize(size.rows - 1);
         if (log_lines.empty() && block == drawn_lines_) return;   // Nothing moved.
      }
      std::string out = erase_block() + log_lines;
      if (show_block) {
         if (!cursor_hidden_) out += hide_cursor;
         cursor_hidden_ = true;
         for (const auto& line : block) out += line + "\n";
         drawn_ = static_cast<int>(block.size());
         drawn_lines_ = std::move(block);
      } else if (cursor_hidden_) {
         out += show_cursor;   // The operator may be typing an answer.
         cursor_hidden_ = false;
      }
      write(out);
   }

   void tick()
   {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stopping_) {
         wake_.wait_for(lock, std::chrono::milliseconds(std::max(options_.redraw_every_ms, 20)));
         if (stopping_) break;
         if (!pending_.empty() || (state_.started_at && !state_.finished && !state_.asking)) redraw();
      }
   }

   void write(const std::string& text)
   {
      if (text.empty()) return;
      std::fwrite(text.data(), 1, text.size(), out_);
      std::fflush(out_);
   }

   std::FILE* out_;
   LiveTerminalOptions options_;
   std::mutex mutex_;
   std::condition_variable wake_;
   bool stopping_ = false;
   LiveState state_;
   int drawn_ = 0;                        ///< Lines of the block on the screen now.
   std::vector<std::string> drawn_lines_;
   std::string pending_;                  ///< Log lines not printed yet (batched command output).
   std::chrono::steady_clock::time_point last_redraw_{};
   bool cursor_hidden_ = false;
   std::thread ticker_;                   ///< Last: started once everything else is ready.
};

}  // namespace

int terminal_width(std::FILE* out)
{
   if (const TerminalSize size = terminal_size(out); size.columns > 0) return size.columns;
   if (const char* columns = std::getenv("COLUMNS")) {
      const int n = std::atoi(columns);
      if (n > 0) return n;
   }
   return 80;
}

bool locale_is_utf8()
{
   for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
      const char* value = std::getenv(name);
      if (value == nullptr || *value == '\0') continue;
      std::string text = value;
      std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
      return text.find("utf-8") != std::string::npos || text.find("utf8") != std::string::npos;
   }
   return false;
}

std::unique_ptr<RunObserver> make_live_observer(std::FILE* out, LiveTerminalOptions options)
{
   return std::make_unique<LiveObserver>(out, std::move(options));
}

}  // namespace runbook
