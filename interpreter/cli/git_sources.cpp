#include "cli/git_sources.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "io/shell.hpp"
#include "io/trim.hpp"

namespace runbook::cli {

namespace {

namespace fs = std::filesystem;

/// Runs a git command (its words already quoted) and keeps all it prints on
/// stdout; false when git fails. popen, not run_shell: a runbook may be larger
/// than the tail run_shell keeps.
bool git_output(const std::string& command, std::string& out)
{
   std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>/dev/null").c_str(), "r"), pclose);
   if (!pipe) return false;
   char buffer[8192];
   out.clear();
   for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0;) out.append(buffer, n);
   return pclose(pipe.release()) == 0;
}

}  // namespace

GitRevisionSources::GitRevisionSources(std::string rev, const std::string& near) : rev_(std::move(rev))
{
   std::error_code ec;
   fs::path dir = fs::absolute(near, ec);
   if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
   std::string top;
   if (!git_output("git -C " + shell_quote(dir.string()) + " rev-parse --show-toplevel", top))
      throw std::runtime_error(near + " is not inside a git work tree");
   top_ = fs::path(trim(top)).lexically_normal().string();
   std::string commit;
   if (!git_output("git -C " + shell_quote(top_) + " rev-parse --verify --quiet --end-of-options " +
                       shell_quote(rev_ + "^{commit}"),
                   commit))
      throw std::runtime_error("the repository at " + top_ + " has no revision '" + rev_ + "'");
}

bool GitRevisionSources::read(const std::string& path, std::string& text)
{
   std::error_code ec;
   const fs::path absolute = fs::absolute(path, ec).lexically_normal();
   const fs::path relative = absolute.lexically_relative(top_);
   if (relative.empty() || *relative.begin() == "..") return disk_.read(path, text);
   return git_output("git -C " + shell_quote(top_) + " show --end-of-options " + shell_quote(rev_ + ":" + relative.string()), text);
}

}  // namespace runbook::cli
