// JSON-RPC messages as the Language Server Protocol frames them on stdio:
//
//   Content-Length: 52\r\n
//   \r\n
//   {"jsonrpc":"2.0","id":1,"method":"initialize",...}
//
// Reading is strict about the frame and forgiving about nothing else: a
// missing or absurd length is an error the server reports, never a crash.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace runbook::lsp {

/// Larger messages are refused: no editor sends a 64 MB runbook.
constexpr std::size_t max_message_bytes = 64 * 1024 * 1024;

struct Frame {
   std::string body;     ///< The JSON text, not yet parsed.
   std::string error;    ///< Not empty: the frame was malformed (the stream may be unusable).
};

/// The next frame, or nullopt at the end of the input (the client went away).
std::optional<Frame> read_frame(std::istream& in);

/// Writes `message` as one frame and flushes it.
void write_frame(std::ostream& out, const nlohmann::json& message);

}  // namespace runbook::lsp
