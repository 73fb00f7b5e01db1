// libcurl, opened the first time runbook is about to talk HTTP.
//
// Most commands never make a request (check, plan, fmt, diff, simulate,
// verify, test), yet linking libcurl made every process load it and the
// thirty libraries behind it (OpenSSL, nghttp2, LDAP, Kerberos...) and run
// their initialisers: most of what `runbook check` cost. So libcurl is not
// linked; its functions are looked up here, once, when the first HTTP client
// is made. Only its header is used at build time, for the types and
// constants; the package depends on libcurl4 by name (packaging/).
#pragma once

#include <curl/curl.h>

namespace runbook {

/// The libcurl functions runbook calls, taken from libcurl.so.4.
struct CurlLibrary {
   decltype(&::curl_easy_init) easy_init;
   decltype(&::curl_easy_cleanup) easy_cleanup;
   decltype(&::curl_easy_reset) easy_reset;
   decltype(&::curl_easy_setopt) easy_setopt;
   decltype(&::curl_easy_getinfo) easy_getinfo;
   decltype(&::curl_easy_strerror) easy_strerror;
   decltype(&::curl_multi_init) multi_init;
   decltype(&::curl_multi_cleanup) multi_cleanup;
   decltype(&::curl_multi_add_handle) multi_add_handle;
   decltype(&::curl_multi_remove_handle) multi_remove_handle;
   decltype(&::curl_multi_perform) multi_perform;
   decltype(&::curl_multi_info_read) multi_info_read;
   decltype(&::curl_multi_poll) multi_poll;
   decltype(&::curl_slist_append) slist_append;
   decltype(&::curl_slist_free_all) slist_free_all;
};

/// Opens libcurl and runs curl_global_init on the first call; later calls
/// return the same table. Throws std::runtime_error saying which library
/// or function is missing when it cannot be opened.
const CurlLibrary& curl_library();

}  // namespace runbook
