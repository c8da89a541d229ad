#pragma once
// Text hygiene shared by every channel: customers write in every script.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace omniroute {

/// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// `s` in Unicode normalisation form C, or nullopt when `s` is not valid UTF-8.
std::optional<std::string> to_nfc(std::string_view s);

/// The longest prefix of `s` of at most `max_bytes` bytes that ends on a code point boundary: text is
/// cut only between characters, never inside one (a UTF-8 continuation byte never starts the rest).
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

/// `s` as valid UTF-8 (each ill-formed sequence replaced by U+FFFD, as utf8proc reads it), cut to at most
/// `max_bytes` on a code point boundary with "…" marking the cut: how a stranger's text (a provider's
/// error body) may be stored and shown.
std::string text_excerpt(std::string_view s, std::size_t max_bytes);

/// `s` with ASCII letters lowercased; other bytes untouched.
std::string ascii_lower(std::string_view s);
/// User-perceived characters (extended grapheme clusters) in valid UTF-8: "कि" is 1, "ab" is 2.
std::size_t grapheme_count(std::string_view s);

}  // namespace omniroute
