// Implementation notes.
//
// Module paths come in two forms:
//   "std/NAME"      the standard library: `<dir>/NAME.rb` in the first
//                   directory of the search path that has it;
//   "./x.rb", "../x.rb", "/abs/x.rb"
//                   a file, relative to the directory of the file that uses it.
// A module is known by its alias (`use "std/notify" as alert`) or by the last
// component of its path without ".rb".  Modules form one namespace per
// program: two `use`s of the same file share it, two different files under
// one name are an error.  Loading is a depth-first walk that keeps the chain
// of files being loaded, which is how a cycle is found and shown.
#include "syntax/loader.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "syntax/parser.hpp"
#include "syntax/suggest.hpp"

namespace runbook {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- sources

bool FileSystemSources::read(const std::string& path, std::string& text)
{
   std::error_code ec;
   if (!fs::is_regular_file(path, ec)) return false;
   std::ifstream in(path, std::ios::binary);
   if (!in) return false;
   std::ostringstream contents;
   contents << in.rdbuf();
   text = std::move(contents).str();
   return true;
}

std::vector<std::string> FileSystemSources::list(const std::string& dir)
{
   std::vector<std::string> names;
   std::error_code ec;
   for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      names.push_back(it->path().filename().string());
   }
   return names;
}

bool InMemorySources::read(const std::string& path, std::string& text)
{
   const auto found = files.find(path);
   if (found == files.end()) return false;
   text = found->second;
   return true;
}

std::vector<std::string> InMemorySources::list(const std::string& dir)
{
   std::vector<std::string> names;
   const std::string prefix = dir.empty() || dir == "." ? "" : dir + "/";
   for (const auto& [path, text] : files) {
      if (path.compare(0, prefix.size(), prefix) != 0) continue;
      const std::string rest = path.substr(prefix.size());
      if (rest.find('/') == std::string::npos) names.push_back(rest);
   }
   return names;
}

// ---------------------------------------------------------------- loading

namespace {

bool is_relative_module(const std::string& path)
{
   return path.rfind("./", 0) == 0 || path.rfind("../", 0) == 0 || path.rfind('/', 0) == 0;
}

std::string with_extension(std::string path)
{
   if (path.size() < 3 || path.compare(path.size() - 3, 3, ".rb") != 0) path += ".rb";
   return path;
}

/// "std/notify" -> "notify", "./shared/checks.rb" -> "checks".
std::string module_name(const std::string& path)
{
   std::string name = fs::path(path).filename().string();
   if (name.size() > 3 && name.compare(name.size() - 3, 3, ".rb") == 0) name.resize(name.size() - 3);
   return name;
}

std::string join(const std::string& dir, const std::string& file)
{
   return (fs::path(dir) / file).lexically_normal().string();
}

class Loader {
public:
   Loader(Program& program, SourceProvider& sources, const LoadOptions& options, Diagnostics& diags)
      : program_(program), sources_(sources), options_(options), diags_(diags)
   {
   }

   /// Loads the modules `file` uses; `real_path` is where `file` was read from.
   void load_uses(const ast::File& file, const std::string& real_path, const std::string& shown_path)
   {
      chain_.push_back({real_path, shown_path});
      for (const auto& use : file.uses) load(use, real_path);
      chain_.pop_back();
   }

private:
   struct Found {
      std::string real_path;   ///< Where it was read from.
      std::string shown_path;  ///< How diagnostics name it.
      std::string text;
   };

   void load(const ast::Use& use, const std::string& user_path)
   {
      const std::string name = use.alias.empty() ? module_name(use.path) : use.alias;
      Found found;
      if (!find(use, user_path, found)) return;

      for (const auto& [real, shown] : chain_) {
         if (real != found.real_path) continue;
         std::string cycle;
         bool inside = false;
         for (const auto& link : chain_) {
            inside = inside || link.first == found.real_path;
            if (inside) cycle += link.second + " -> ";
         }
         cycle += found.shown_path;
         diags_.error(use.loc, "import-cycle", "import cycle: '" + use.path + "' is already being loaded",
                      {"the cycle: " + cycle});
         return;
      }

      const auto known = program_.module_paths.find(name);
      if (known != program_.module_paths.end()) {
         if (known->second != found.real_path) {
            diags_.error(use.loc, "duplicate-module",
                         "two different modules are called '" + name + "'",
                         {"'" + name + "' is already " + known->second,
                          "give one of them another name with 'as', e.g. use \"" + use.path + "\" as other_" + name});
         }
         return;  // The same file used twice: loaded once, shared.
      }

      program_.sources.push_back(SourceFile{found.shown_path, std::move(found.text)});
      auto module = parse_file(program_.sources.back(), diags_);
      program_.module_paths[name] = found.real_path;
      load_uses(*module, found.real_path, found.shown_path);
      program_.modules[name] = std::move(module);
   }

   bool find(const ast::Use& use, const std::string& user_path, Found& found)
   {
      std::vector<std::string> looked_in;
      std::string wanted;
      std::string looked_for;   ///< A relative module: the one file it could be.
      if (use.path.rfind("std/", 0) == 0) {
         wanted = with_extension(use.path.substr(4));
         for (const auto& dir : options_.search_path) {
            const std::string candidate = join(dir, wanted);
            if (sources_.read(candidate, found.text)) {
               found.real_path = candidate;
               found.shown_path = with_extension(use.path);
               return true;
            }
            looked_in.push_back(dir);
         }
      }
      else if (is_relative_module(use.path)) {
         const std::string dir = fs::path(user_path).parent_path().string();
         const std::string candidate = use.path.front() == '/' ? use.path : join(dir, use.path);
         if (sources_.read(candidate, found.text)) {
            found.real_path = candidate;
            found.shown_path = candidate;
            return true;
         }
         looked_in.push_back(dir.empty() ? "." : dir);
         looked_for = candidate;
         wanted = fs::path(use.path).filename().string();
      }
      else {
         diags_.error(use.loc, "bad-module-path", "module paths start with 'std/' or './': '" + use.path + "'",
                      {"use \"std/NAME\" for the standard library, or \"./file.rb\" for a file next to this one"});
         return false;
      }

      std::vector<std::string> notes;
      if (!looked_for.empty()) {
         // "looked in: ." says nothing; the path tried and the rule do.
         notes.push_back("looked for " + looked_for + ": a './' module is found next to the file that uses it (" +
                         user_path + ")");
      }
      else if (looked_in.empty()) {
         notes.push_back("the module search path is empty: set RUNBOOK_PATH to the directory holding the standard library");
      }
      else {
         std::string dirs;
         for (const auto& dir : looked_in) dirs += (dirs.empty() ? "" : ", ") + dir;
         notes.push_back("looked in: " + dirs);
      }
      std::vector<std::string> candidates;
      for (const auto& dir : looked_in) {
         for (auto& file : sources_.list(dir)) candidates.push_back(std::move(file));
      }
      const std::string suggestion = closest_name(wanted, candidates);
      if (!suggestion.empty()) {
         const std::string prefix = use.path.substr(0, use.path.size() - fs::path(use.path).filename().string().size());
         std::string spelled = prefix + suggestion;
         if (use.path.rfind("std/", 0) == 0 && spelled.size() > 3) spelled.resize(spelled.size() - 3);
         notes.push_back("did you mean '" + spelled + "'?");
      }
      diags_.error(use.loc, "missing-module", "cannot find module '" + use.path + "'", std::move(notes));
      return false;
   }

   Program& program_;
   SourceProvider& sources_;
   const LoadOptions& options_;
   Diagnostics& diags_;
   std::vector<std::pair<std::string, std::string>> chain_;  ///< (real path, shown path) being loaded.
};

}  // namespace

Program load_program(const std::string& path, SourceProvider& sources, const LoadOptions& options, Diagnostics& diags)
{
   Program program;
   std::string text;
   if (!sources.read(path, text)) {
      diags.error(Location{}, "file-not-found", "cannot read '" + path + "': no such file");
      program.root = std::make_unique<ast::File>();
      return program;
   }
   program.sources.push_back(SourceFile{path, std::move(text)});
   program.root = parse_file(program.sources.back(), diags);
   Loader(program, sources, options, diags).load_uses(*program.root, fs::path(path).lexically_normal().string(), path);
   return program;
}

std::vector<std::string> default_search_path()
{
   std::vector<std::string> candidates;
   if (const char* env = std::getenv("RUNBOOK_PATH")) {
      std::string_view rest = env;
      while (!rest.empty()) {
         const std::size_t colon = rest.find(':');
         const std::string_view entry = rest.substr(0, colon);
         if (!entry.empty()) candidates.emplace_back(entry);
         rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
      }
   }
   std::error_code ec;
   const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
   // An installed runbook (bin/runbook beside share/runbook/stdlib) reads its
   // own stdlib and nothing of the tree it was built from: a path under
   // /tmp or a home folder on the build machine is nobody's business on
   // this one. A binary in its build tree falls back to the source tree.
   bool installed = false;
   if (!ec) {
      const fs::path dir = exe.parent_path();
      const std::string own = (dir / "../share/runbook/stdlib").lexically_normal().string();
      installed = fs::is_directory(own, ec);
      candidates.push_back(own);
      if (!installed) candidates.push_back((dir / "../../stdlib").lexically_normal().string());
   }
#ifdef RUNBOOK_SOURCE_STDLIB
   if (!installed) candidates.emplace_back(RUNBOOK_SOURCE_STDLIB);
#endif
   std::vector<std::string> path;
   for (auto& dir : candidates) {
      std::string normal = fs::path(dir).lexically_normal().string();
      while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
      if (!fs::is_directory(normal, ec)) continue;
      if (std::find(path.begin(), path.end(), normal) == path.end()) path.push_back(std::move(normal));
   }
   return path;
}

}  // namespace runbook
