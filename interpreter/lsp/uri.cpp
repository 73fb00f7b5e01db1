// file:// URIs and paths (RFC 8089, as editors send them).
#include <cctype>
#include <filesystem>
#include <string>

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

/// Characters a path keeps as they are in a URI; everything else is %XX.
bool unreserved_in_path(unsigned char c)
{
   return std::isalnum(c) != 0 || c == '/' || c == '-' || c == '.' || c == '_' || c == '~';
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
   static constexpr char digits[] = "0123456789ABCDEF";
   std::string uri(file_scheme);
   for (const char c : path) {
      const auto u = static_cast<unsigned char>(c);
      if (unreserved_in_path(u)) {
         uri += c;
      } else {
         uri += '%';
         uri += digits[u >> 4];
         uri += digits[u & 0xF];
      }
   }
   return uri;
}

}  // namespace runbook::lsp
