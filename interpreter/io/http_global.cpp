#include <csignal>

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

}  // namespace runbook
