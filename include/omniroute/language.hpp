#pragma once
// Which language a customer wrote in, for routing (a Telugu message to an
// agent with skill `te`).

#include <string>
#include <string_view>

namespace omniroute {

/// The ISO 639-1 code of the language of `text` ("en", "hi", "te"), or "" when it cannot be told.
/// A non-Latin script decides at once, however short the text: the language it is used by
/// (Telugu → te, Tamil → ta, Hangul → ko), or the one it mostly means (Devanagari → hi, Arabic →
/// ar, Cyrillic → ru, Han → zh, kana → ja). Latin-script text goes to CLD2 when it has at least 12
/// letters and CLD2 finds the answer reliable.
std::string detect_language(std::string_view text);

}  // namespace omniroute
