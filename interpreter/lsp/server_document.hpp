// An open document of the language server, and the sources it is checked
// against: the open editors' texts first, the disk for the rest.
#pragma once

#include <map>
#include <string>

#include "lsp/analysis.hpp"
#include "lsp/server.hpp"
#include "syntax/loader.hpp"

namespace runbook::lsp {

struct Server::Document {
   std::string uri;
   std::string path;       ///< From the URI: what diagnostics and the loader call it.
   std::string text;       ///< As the editor last sent it.
   Analysis analysis;
};

/// The texts of the open documents by path; any other file from the disk.
class OpenTexts : public SourceProvider {
public:
   std::map<std::string, std::string> files;
   bool read(const std::string& path, std::string& text) override
   {
      const auto it = files.find(path);
      if (it == files.end()) return disk_.read(path, text);
      text = it->second;
      return true;
   }
   std::vector<std::string> list(const std::string& dir) override { return disk_.list(dir); }

private:
   FileSystemSources disk_;
};

/// What the front end is asked for the document at `path`, with the server's flags.
inline SourceRequest request_for(const std::string& path, OpenTexts& texts, const ServerOptions& options)
{
   SourceRequest request;
   request.path = path;
   request.provider = &texts;
   request.stdlib_dirs = options.stdlib_dirs;
   request.params = options.params;
   request.params_file = options.params_file;
   return request;
}

}  // namespace runbook::lsp
