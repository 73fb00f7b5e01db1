// file:// URIs and paths (RFC 8089, as editors send them).
#include <cctype>
#include <filesystem>
#include <string>

#include "io/url.hpp"
#include "lsp/server.hpp"

namespace runbook::lsp {

namespace {

constexpr std::string_view file_scheme = "file://";

int hex_value(char c)
{
   if (c >= '0' && c <= '9') return c - '0';
   if (c >= 'a' && c <= 'f') return c - 'a' + 10;
   if (c >= 'A' && c <= 'F') return c - 'A' + 10;
   return -1;
}

}  // namespace

std::string path_of_uri(const std::string& uri)
{
   if (uri.compare(0, file_scheme.size(), file_scheme) != 0) return uri;
   std::string path;
   // file:///x: the authority is empty; file://localhost/x is the same file.
   std::size_t at = uri.find('/', file_scheme.size());
   if (at == std::string::npos) return uri;
   for (; at < uri.size(); ++at) {
      const int high = at + 2 < uri.size() && uri[at] == '%' ? hex_value(uri[at + 1]) : -1;
      const int low = high >= 0 ? hex_value(uri[at + 2]) : -1;
      if (low >= 0) {
         path += static_cast<char>(high * 16 + low);
         at += 2;
      } else {
         path += uri[at];
      }
   }
   return path;
}

std::string uri_of_path(const std::string& path)
{
   if (path.empty()) return path;
   if (path.front() != '/') {
      // A module found through a relative search path: name it from here.
      std::error_code error;
      const auto absolute = std::filesystem::absolute(path, error);
      if (error) return path;
      return uri_of_path(absolute.lexically_normal().string());
   }
   // Each segment percent-encoded as a URL's path segment is; the slashes kept.
   std::string uri(file_scheme);
   std::size_t start = 1;
   for (std::size_t slash = 0; slash != std::string::npos; start = slash + 1) {
      slash = path.find('/', start);
      uri += '/';
      uri += url_encode(std::string_view(path).substr(start, slash == std::string::npos ? std::string::npos : slash - start));
   }
   return uri;
}

}  // namespace runbook::lsp
