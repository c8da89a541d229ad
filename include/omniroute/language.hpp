#pragma once
// Which language a customer wrote in, for routing (a Telugu message to an
// agent with skill `te`).

#include <string>
#include <string_view>

namespace omniroute {

/// The ISO 639-1 code of the language of `text` ("en", "hi", "te"), or "" when it cannot be told.
/// A script used by one language alone (Telugu, Tamil, Thai, Hangul…) decides at once, however
/// short the text; otherwise CLD2 decides when it is reliable, and for short text a script that
/// mostly means one language (Devanagari → hi, Arabic → ar, Cyrillic → ru, Han → zh) does.
std::string detect_language(std::string_view text);

}  // namespace omniroute
