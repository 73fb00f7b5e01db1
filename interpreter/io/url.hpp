// URL building blocks.
#pragma once

#include <string>
#include <string_view>

namespace runbook {

/// Percent-encodes `text` for use as one query-string value or path segment:
/// everything but the RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string url_encode(std::string_view text);

}  // namespace runbook
