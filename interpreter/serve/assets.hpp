// The few files the pages load (a style sheet, a small script), compiled into
// the binary: `runbook serve` fetches nothing from anywhere, and serves
// nothing but these and its pages.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace runbook::serve {

struct Asset {
   const char* content_type;
   std::string_view body;
};

/// The asset at `path` ("/assets/style.css"), or nullopt: a 404.
std::optional<Asset> find_asset(std::string_view path);

}  // namespace runbook::serve
