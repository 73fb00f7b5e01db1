#include "lsp/json_rpc.hpp"

#include <cctype>
#include <charconv>
#include <string_view>

namespace runbook::lsp {

namespace {

/// "Content-Length: 52" -> 52; any other header is allowed and ignored.
bool parse_content_length(std::string_view line, std::size_t& length)
{
   constexpr std::string_view name = "content-length:";
   if (line.size() < name.size()) return false;
   for (std::size_t i = 0; i < name.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
   }
   std::string_view value = line.substr(name.size());
   while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
   const auto [end, status] = std::from_chars(value.data(), value.data() + value.size(), length);
   return status == std::errc() && end == value.data() + value.size();
}

}  // namespace

std::optional<Frame> read_frame(std::istream& in)
{
   Frame frame;
   std::optional<std::size_t> length;
   std::string line;
   bool any_header = false;
   while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) {
         if (!any_header) continue;   // Stray blank lines between frames.
         break;
      }
      any_header = true;
      std::size_t value = 0;
      if (parse_content_length(line, value)) length = value;
   }
   if (!any_header) return std::nullopt;
   if (!length) {
      frame.error = "a message without a Content-Length header";
      return frame;
   }
   if (*length > max_message_bytes) {
      frame.error = "a message of " + std::to_string(*length) + " bytes, more than the 64 MB allowed";
      in.setstate(std::ios::failbit);   // Its body cannot be skipped safely.
      return frame;
   }
   frame.body.resize(*length);
   in.read(frame.body.data(), static_cast<std::streamsize>(*length));
   if (static_cast<std::size_t>(in.gcount()) != *length) {
      frame.error = "the input ended inside a message";
      frame.body.clear();
   }
   return frame;
}

void write_frame(std::ostream& out, const nlohmann::json& message)
{
   // Invalid UTF-8 from a file becomes U+FFFD rather than an exception.
   const std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
   out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
   out.flush();
}

}  // namespace runbook::lsp
