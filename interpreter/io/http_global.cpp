#include <csignal>
#include <cstdlib>
#include <string>

#include <curl/curl.h>

#include "io/http_client.hpp"

namespace runbook {

void http_global_init()
{
   // Once, before any thread starts (curl_global_init is not thread safe).
   static const bool initialised = [] {
      // With CURLOPT_NOSIGNAL libcurl no longer ignores SIGPIPE itself: a
      // server resetting a connection mid-write must not kill runbook.
      // (Shell commands get the default disposition back: see io/shell.cpp.)
      std::signal(SIGPIPE, SIG_IGN);
      return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
   }();
   (void)initialised;
}

namespace {
std::string g_ca_file;   // Set before a run's threads start; read only afterwards.
}

void set_ca_file(const std::string& path) { g_ca_file = path; }

std::string ca_file()
{
   if (!g_ca_file.empty()) return g_ca_file;
   for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
      const char* value = std::getenv(name);
      if (value != nullptr && *value != '\0') return value;
   }
   return "";
}

}  // namespace runbook
