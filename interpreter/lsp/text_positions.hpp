// Positions as the editor counts them, and as runbook counts them.
//
// runbook's Location is 1-based with columns in bytes; the protocol is
// 0-based with columns in UTF-16 code units unless client and server agree
// on UTF-8 (LSP 3.17 `positionEncoding`, which the server prefers when
// offered). A runbook with `é` or an emoji in a string must still put the
// squiggle under the right character.
#pragma once

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "syntax/source.hpp"

namespace runbook::lsp {

enum class Encoding { Utf16, Utf8 };

/// Characters (in `encoding`'s units) in line[0, byte).
std::size_t character_of(std::string_view line, std::size_t byte, Encoding encoding);
/// The byte offset in `line` of character `character`; past the end: line.size().
std::size_t byte_of(std::string_view line, std::size_t character, Encoding encoding);

/// The identifier around byte `byte` of `line` (letters, digits, '_' and the
/// '.' of `module.function`), as [begin, end) bytes; begin == end: none.
struct Word { std::size_t begin = 0; std::size_t end = 0; };
Word word_at(std::string_view line, std::size_t byte);

/// {"line": L, "character": C} of a Location's byte position.
nlohmann::json position_json(const Location& loc, Encoding encoding);
/// {"start": ..., "end": ...}: from `loc` to the end of the word there (or one character).
nlohmann::json range_json(const Location& loc, Encoding encoding);

}  // namespace runbook::lsp
