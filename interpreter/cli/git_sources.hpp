// A runbook as it was at a git revision: `runbook diff --git REV FILE`.
#pragma once

#include <string>

#include "syntax/loader.hpp"

namespace runbook::cli {

/// Reads every file inside the git work tree as it was at `rev` (`git show
/// REV:PATH`), so the runbook and its `./` modules (and a stdlib kept in the
/// same repository) are the old versions; files outside the work tree (an
/// installed stdlib) are read from disk.
class GitRevisionSources : public SourceProvider {
public:
   /// `near` is a file or folder inside the work tree. Throws std::runtime_error
   /// when it is not in one.
   GitRevisionSources(std::string rev, const std::string& near);
   bool read(const std::string& path, std::string& text) override;
   std::vector<std::string> list(const std::string& dir) override { return disk_.list(dir); }

private:
   std::string rev_;
   std::string top_;   ///< The work tree's top folder, absolute and normal.
   FileSystemSources disk_;
};

}  // namespace runbook::cli
