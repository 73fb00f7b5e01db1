// Loading a runbook and the modules it `use`s.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "syntax/ast.hpp"
#include "syntax/diagnostic.hpp"

namespace runbook {

/// Where source text comes from. The real one reads the file system; tests and
/// `resume` (which replays the journaled source) use an in-memory map.
class SourceProvider {
public:
   virtual ~SourceProvider() = default;
   /// Reads `path`; returns false (and leaves `text` alone) when it does not exist.
   virtual bool read(const std::string& path, std::string& text) = 0;
   /// The names of the files in directory `dir` (for "did you mean"
   /// suggestions); empty when unknown.
   virtual std::vector<std::string> list(const std::string& dir) { (void)dir; return {}; }
};

class FileSystemSources : public SourceProvider {
public:
   bool read(const std::string& path, std::string& text) override;
   std::vector<std::string> list(const std::string& dir) override;
};

class InMemorySources : public SourceProvider {
public:
   std::map<std::string, std::string> files;   ///< Keyed by normalised path ("runbooks/x.rb").
   bool read(const std::string& path, std::string& text) override;
   std::vector<std::string> list(const std::string& dir) override;
};

/// A runbook with every module it uses, parsed. Owns the source texts so that
/// Locations stay valid for as long as the Program lives.
struct Program {
   std::deque<SourceFile> sources;                 ///< deque: stable addresses.
   std::unique_ptr<ast::File> root;
   /// Modules by the name the root (or another module) calls them with, e.g. "traffic".
   std::map<std::string, std::unique_ptr<ast::File>> modules;
   /// Resolved path of every module, keyed like `modules`.
   std::map<std::string, std::string> module_paths;
};

struct LoadOptions {
   /// Directories holding the standard library's modules: `use "std/traffic"`
   /// loads `<dir>/traffic.rb` from the first directory that has it.
   std::vector<std::string> search_path;
};

/// Parses `path` and, recursively, its `use`s. Parse errors, missing modules
/// and import cycles go to `diags`; the returned Program holds what parsed.
Program load_program(const std::string& path, SourceProvider& sources, const LoadOptions& options,
                     Diagnostics& diags);

/// The default search path: $RUNBOOK_PATH entries (colon-separated), then
/// `<exe dir>/../share/runbook/stdlib` (installed), `<exe dir>/../../stdlib`
/// (a build tree inside the source tree), then the source tree's stdlib/
/// (RUNBOOK_SOURCE_STDLIB).  Directories that do not exist are left out.
std::vector<std::string> default_search_path();

}  // namespace runbook
