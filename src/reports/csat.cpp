#include "reports/csat.hpp"

namespace omniroute::reports {

namespace {

bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

/// Drops leading and trailing spaces and a closing '.' or '!'.
std::string_view trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && (space(s.back()) || s.back() == '.' || s.back() == '!')) s.remove_suffix(1);
  return s;
}

/// A digit 1–5 at the start of `s` (ASCII, Devanagari, Telugu): its value and length in bytes.
std::optional<std::pair<int, size_t>> digit(std::string_view s) {
  if (!s.empty() && s[0] >= '1' && s[0] <= '5') return std::pair{s[0] - '0', size_t{1}};
  // U+0967..U+096B (१..५) = E0 A5 A7..AB; U+0C67..U+0C6B (౧..౫) = E0 B1 A7..AB.
  if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xE0 &&
      (static_cast<unsigned char>(s[1]) == 0xA5 || static_cast<unsigned char>(s[1]) == 0xB1)) {
    const unsigned char last = static_cast<unsigned char>(s[2]);
    if (last >= 0xA7 && last <= 0xAB) return std::pair{last - 0xA6, size_t{3}};
  }
  return std::nullopt;
}

/// Removes emoji variation selectors and skin-tone modifiers after a symbol.
std::string_view without_modifiers(std::string_view s) {
  for (;;) {
    if (starts(s, "\xEF\xB8\x8F")) s.remove_prefix(3);  // U+FE0F
    else if (s.size() >= 4 && starts(s, "\xF0\x9F\x8F") && static_cast<unsigned char>(s[3]) >= 0xBB &&
             static_cast<unsigned char>(s[3]) <= 0xBF) s.remove_prefix(4);  // U+1F3FB..U+1F3FF
    else return s;
  }
}

}  // namespace

std::optional<int> survey_score(std::string_view text) {
  std::string_view s = trimmed(text);
  if (s.empty() || s.size() > 64) return std::nullopt;
  if (auto d = digit(s)) {
    std::string_view rest = trimmed(s.substr(d->second));
    if (rest.empty()) return d->first;
    if (rest.front() == '/') {
      rest = trimmed(rest.substr(1));
      if (rest == "5" || rest == "\xE0\xA5\xAB" || rest == "\xE0\xB1\xAB") return d->first;
    }
    return std::nullopt;
  }
  if (starts(s, "\xF0\x9F\x91\x8D") && trimmed(without_modifiers(s.substr(4))).empty()) return 5;  // 👍
  if (starts(s, "\xF0\x9F\x91\x8E") && trimmed(without_modifiers(s.substr(4))).empty()) return 1;  // 👎
  int stars = 0;
  while (starts(s, "\xE2\xAD\x90")) {  // ⭐
    ++stars;
    s = without_modifiers(s.substr(3));
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  }
  if (stars >= 1 && stars <= 5 && s.empty()) return stars;
  return std::nullopt;
}

}  // namespace omniroute::reports
