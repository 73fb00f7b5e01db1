// The pages' HTML: escaping every journaled text before it reaches a page,
// and the frame every page shares (head, header, sign-in state).
#pragma once

#include <string>
#include <string_view>

namespace runbook::serve {

/// `text` safe inside an element or a quoted attribute: & < > " ' escaped.
std::string escape(std::string_view text);

/// `text` for a query parameter's value (percent-encoded).
std::string url_encode(std::string_view text);

/// Who is looking: the signed-in operator's name and the session's CSRF
/// token, or both empty (read-only pages).
struct Viewer {
   std::string name;
   std::string csrf;
   bool signed_in() const { return !name.empty(); }
};

/// A whole page: `title` (escaped here), `body` (already HTML).
std::string page(const std::string& title, const std::string& body, const Viewer& viewer);

/// The hidden field every POST form carries.
std::string csrf_field(const Viewer& viewer);

}  // namespace runbook::serve
