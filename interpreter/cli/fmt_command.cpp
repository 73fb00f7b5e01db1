// runbook fmt [--check] [--diff] FILE... : one layout for runbook files.
//
// Without flags, every file whose layout differs is rewritten in place
// (atomically: a temporary file in the same directory, then rename) and
// named on stdout. `--check` writes nothing and exits 1 when a file would
// change, naming it; `--diff` writes nothing and prints a unified diff.
// A file that does not parse gets its diagnostics and is left alone (exit 2).
// The layout itself is syntax/format.hpp; docs/fmt.md describes it.
#include <fmt/core.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

#include "cli/commands.hpp"
#include "exec/exit_codes.hpp"
#include "syntax/format.hpp"
#include "syntax/loader.hpp"

namespace runbook::cli {

namespace {

struct FmtFlags {
   std::vector<std::string> files;
   bool check = false;
   bool diff = false;
};

/// A line of a text, and whether a newline ends it (the last may lack one).
struct DiffLine {
   std::string_view text;
   bool newline = true;
   bool operator==(const DiffLine& other) const { return text == other.text && newline == other.newline; }
};

std::vector<DiffLine> split_diff_lines(std::string_view text)
{
   std::vector<DiffLine> lines;
   std::size_t start = 0;
   while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) {
         lines.push_back({text.substr(start), false});
         break;
      }
      lines.push_back({text.substr(start, end - start), true});
      start = end + 1;
   }
   return lines;
}

/// A unified diff (3 lines of context) from `before` to `after`, both named
/// `path`; "" when they are the same. The common head and tail are cut off
/// first and the rest compared by longest common subsequence (a formatter's
/// changes are many small ones; a middle too large for that is shown as
/// replaced whole).
std::string unified_diff(const std::string& path, std::string_view before, std::string_view after)
{
   const std::vector<DiffLine> a = split_diff_lines(before);
   const std::vector<DiffLine> b = split_diff_lines(after);
   std::size_t head = 0;
   while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
   std::size_t tail = 0;
   while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
   if (head == a.size() && head == b.size()) return "";
   const std::size_t n = a.size() - head - tail;
   const std::size_t m = b.size() - head - tail;

   // The edit script: ' ' keeps a line, '-' removes a line of `a`, '+' adds one of `b`.
   struct Op { char kind; const DiffLine* line; };
   std::vector<Op> ops;
   for (std::size_t i = 0; i < head; ++i) ops.push_back({' ', &a[i]});
   if (n * m <= 4'000'000) {
      // lcs[i][j]: the longest common subsequence of a[head+i..] and b[head+j..].
      std::vector<std::uint32_t> lcs((n + 1) * (m + 1), 0);
      const auto at = [m](std::size_t i, std::size_t j) { return i * (m + 1) + j; };
      for (std::size_t i = n; i-- > 0;)
         for (std::size_t j = m; j-- > 0;)
            lcs[at(i, j)] = a[head + i] == b[head + j] ? lcs[at(i + 1, j + 1)] + 1
                                                       : std::max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
      std::size_t i = 0, j = 0;
      while (i < n || j < m) {
         if (i < n && j < m && a[head + i] == b[head + j]) {
            ops.push_back({' ', &a[head + i++]});
            ++j;
         } else if (j < m && (i == n || lcs[at(i, j + 1)] >= lcs[at(i + 1, j)])) {
            ops.push_back({'+', &b[head + j++]});
         } else {
            ops.push_back({'-', &a[head + i++]});
         }
      }
   } else {
      for (std::size_t i = 0; i < n; ++i) ops.push_back({'-', &a[head + i]});
      for (std::size_t j = 0; j < m; ++j) ops.push_back({'+', &b[head + j]});
   }
   for (std::size_t i = a.size() - tail; i < a.size(); ++i) ops.push_back({' ', &a[i]});

   constexpr std::size_t context = 3;
   std::string out = fmt::format("--- {}\n+++ {}\n", path, path);
   std::size_t k = 0;
   std::size_t old_line = 1, new_line = 1;   // of ops[k]
   while (k < ops.size()) {
      // The next change, and the hunk around it: changes closer than twice
      // the context share one.
      std::size_t first = k;
      while (first < ops.size() && ops[first].kind == ' ') ++first;
      if (first == ops.size()) break;
      std::size_t last = first;
      for (std::size_t scan = first; scan < ops.size(); ++scan) {
         if (ops[scan].kind == ' ') {
            if (scan - last > 2 * context) break;
         } else {
            last = scan;
         }
      }
      const std::size_t begin = first - std::min(context, first - k);
      const std::size_t end = std::min(ops.size(), last + 1 + context);
      old_line += begin - k;
      new_line += begin - k;
      std::size_t old_count = 0, new_count = 0;
      std::string body;
      for (std::size_t op = begin; op < end; ++op) {
         const char kind = ops[op].kind;
         if (kind != '+') ++old_count;
         if (kind != '-') ++new_count;
         body += kind;
         body += ops[op].line->text;
         body += '\n';
         if (!ops[op].line->newline) body += "\\ No newline at end of file\n";
      }
      // An empty side names the line before it (diff -u does the same).
      out += fmt::format("@@ -{},{} +{},{} @@\n", old_count ? old_line : old_line - 1, old_count,
                         new_count ? new_line : new_line - 1, new_count);
      out += body;
      old_line += old_count;
      new_line += new_count;
      k = end;
   }
   return out;
}

/// Replaces `path`'s content by `text` atomically, keeping its permissions:
/// a reader sees the old file or the new one, never half of it. Returns ""
/// or what went wrong.
std::string replace_file(const std::string& path, const std::string& text)
{
   std::error_code ec;
   // Through a symlink: replace its target, not the link.
   const std::filesystem::path target = std::filesystem::canonical(path, ec);
   if (ec) return ec.message();
   struct stat info {};
   if (::stat(target.c_str(), &info) != 0) return std::strerror(errno);
   std::string temp = (target.parent_path() / ("." + target.filename().string() + ".fmt-XXXXXX")).string();
   const int fd = ::mkstemp(temp.data());
   if (fd < 0) return std::string("cannot create a temporary file next to it: ") + std::strerror(errno);
   std::string error;
   std::size_t written = 0;
   while (error.empty() && written < text.size()) {
      const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
      if (n < 0 && errno != EINTR) error = std::strerror(errno);
      if (n > 0) written += static_cast<std::size_t>(n);
   }
   if (error.empty() && ::fchmod(fd, info.st_mode & 07777) != 0) error = std::strerror(errno);
   if (error.empty() && ::fsync(fd) != 0) error = std::strerror(errno);
   if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
   if (error.empty() && ::rename(temp.c_str(), target.c_str()) != 0) error = std::strerror(errno);
   if (!error.empty()) ::unlink(temp.c_str());
   return error;
}

int run_fmt(const FmtFlags& flags)
{
   bool invalid = false;
   bool would_change = false;
   for (const auto& path : flags.files) {
      SourceFile source{path, {}};
      if (!FileSystemSources().read(path, source.text)) {
         fmt::print(stderr, "runbook fmt: cannot read {}\n", path);
         invalid = true;
         continue;
      }
      Diagnostics diags;
      const CheckedFormat result = format_checked(source, diags);
      if (result.status == CheckedFormat::Status::DoesNotParse) {
         fmt::print(stderr, "{}", render_text(diags, false));
         fmt::print(stderr, "runbook fmt: {} does not parse: left as it is\n", path);
         invalid = true;
         continue;
      }
      // The formatter only moves whitespace; should it ever do more, the
      // file is left alone rather than changed in meaning.
      if (result.status == CheckedFormat::Status::WouldChangeMeaning) {
         fmt::print(stderr, "runbook fmt: {}: formatting would change what the file means (a bug in runbook fmt): left as it is\n", path);
         invalid = true;
         continue;
      }
      const std::string& formatted = result.text;
      if (formatted == source.text) continue;
      would_change = true;
      if (flags.diff) fmt::print("{}", unified_diff(path, source.text, formatted));
      if (flags.check) {
         if (!flags.diff) fmt::print("{}\n", path);
         continue;
      }
      if (flags.diff) continue;
      if (const std::string error = replace_file(path, formatted); !error.empty()) {
         fmt::print(stderr, "runbook fmt: cannot rewrite {}: {}\n", path, error);
         invalid = true;
         continue;
      }
      fmt::print("{}: formatted\n", path);
   }
   if (invalid) return exit_code::Invalid;
   return flags.check && would_change ? exit_code::Failed : exit_code::Completed;
}

}  // namespace

void add_fmt_command(CLI::App& app, int& exit_code)
{
   auto flags = std::make_shared<FmtFlags>();
   auto* cmd = app.add_subcommand("fmt", "Lay runbook files out the one canonical way (in place, or --check / --diff)");
   cmd->add_option("files", flags->files, "Runbook files")->required()->check(CLI::ExistingFile);
   cmd->add_flag("--check", flags->check, "Write nothing; exit 1 and name the files whose layout would change");
   cmd->add_flag("--diff", flags->diff, "Write nothing; print what would change as a unified diff");
   cmd->callback([flags, &exit_code] { exit_code = run_fmt(*flags); });
}

}  // namespace runbook::cli
