#include "serve/html.hpp"

#include <cctype>

#include <fmt/core.h>

namespace runbook::serve {

std::string escape(std::string_view text)
{
   std::string out;
   out.reserve(text.size());
   for (const char c : text) {
      switch (c) {
         case '&': out += "&amp;"; break;
         case '<': out += "&lt;"; break;
         case '>': out += "&gt;"; break;
         case '"': out += "&quot;"; break;
         case '\'': out += "&#39;"; break;
         default: out += c;
      }
   }
   return out;
}

std::string url_encode(std::string_view text)
{
   std::string out;
   for (const unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
      else out += fmt::format("%{:02X}", c);
   }
   return out;
}

std::string csrf_field(const Viewer& viewer)
{
   return fmt::format(R"(<input type="hidden" name="csrf" value="{}">)", escape(viewer.csrf));
}

std::string page(const std::string& title, const std::string& body, const Viewer& viewer)
{
   const std::string who =
      viewer.signed_in()
         ? fmt::format(R"(<form method="post" action="/logout" class="who">signed in as <b>{}</b> {}<button>Sign out</button></form>)",
                       escape(viewer.name), csrf_field(viewer))
         : R"(<a class="who" href="/login">Sign in to act</a>)";
   return fmt::format(R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{} - runbook</title>
<link rel="stylesheet" href="/assets/style.css">
<script src="/assets/live.js" defer></script>
</head><body>
<header><a href="/" class="home">runbook</a> {}</header>
<main>
{}
</main></body></html>
)",
                      escape(title), who, body);
}

}  // namespace runbook::serve
