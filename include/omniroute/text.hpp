#pragma once
// Text hygiene shared by every channel: customers write in every script.

#include <optional>
#include <string>
#include <string_view>

namespace omniroute {

/// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// `s` in Unicode normalisation form C, or nullopt when `s` is not valid UTF-8.
std::optional<std::string> to_nfc(std::string_view s);

/// `s` with ASCII letters lowercased; other bytes untouched.
std::string ascii_lower(std::string_view s);

}  // namespace omniroute
