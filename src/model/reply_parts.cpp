#include "omniroute/reply_parts.hpp"

#include <utf8proc.h>

namespace omniroute {

namespace {

struct CodePoint {
  std::size_t offset;  // byte offset in the text
  utf8proc_int32_t value;
};

std::vector<CodePoint> code_points(std::string_view text) {
  std::vector<CodePoint> out;
  std::size_t at = 0;
  while (at < text.size()) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + at),
                              static_cast<utf8proc_ssize_t>(text.size() - at), &cp);
    if (n <= 0) {  // not valid UTF-8: one byte, counted as one unit (callers pass valid text)
      n = 1;
      cp = 0xFFFD;
    }
    out.push_back({at, cp});
    at += static_cast<std::size_t>(n);
  }
  return out;
}

std::size_t units_of(utf8proc_int32_t cp) { return cp > 0xFFFF ? 2 : 1; }

bool is_space(utf8proc_int32_t cp) {
  return cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

/// A character that belongs to the one before it: a break must not fall just before it.
bool joins_previous(utf8proc_int32_t cp) {
  auto c = utf8proc_category(cp);
  return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME || cp == 0x200D ||
         cp == 0x200C || (cp >= 0xFE00 && cp <= 0xFE0F);
}

/// The parts of `cps` (from `begin`) of at most `budget` units each, as [begin, end) code point ranges.
std::vector<std::pair<std::size_t, std::size_t>> cut(const std::vector<CodePoint>& cps, std::size_t budget) {
  std::vector<std::pair<std::size_t, std::size_t>> parts;
  std::size_t begin = 0;
  while (begin < cps.size()) {
    while (begin < cps.size() && is_space(cps[begin].value)) ++begin;  // no part starts with space
    if (begin == cps.size()) break;
    std::size_t units = 0, end = begin;
    while (end < cps.size() && units + units_of(cps[end].value) <= budget) units += units_of(cps[end++].value);
    if (end == cps.size()) {
      parts.push_back({begin, end});
      break;
    }
    // Back to the last white space inside the part, if any (not at its very start).
    std::size_t space = end;
    while (space > begin && !is_space(cps[space].value)) --space;
    if (space > begin) {
      std::size_t last = space;
      while (last > begin && is_space(cps[last - 1].value)) --last;
      parts.push_back({begin, last});
      begin = space + 1;
      continue;
    }
    // One long word: between characters, never before a combining mark.
    std::size_t at = end;
    while (at > begin + 1 && joins_previous(cps[at].value)) --at;
    parts.push_back({begin, at});
    begin = at;
  }
  return parts;
}

}  // namespace

std::size_t utf16_units(std::string_view text) {
  std::size_t units = 0;
  for (const auto& cp : code_points(text)) units += units_of(cp.value);
  return units;
}

std::vector<std::string> split_reply(std::string_view text, std::size_t max_units) {
  if (max_units == 0 || utf16_units(text) <= max_units) return {std::string(text)};
  auto cps = code_points(text);
  // "(n/N) " takes 6 units up to 9 parts, 8 from 10 on.
  for (std::size_t prefix : {6u, 8u}) {
    if (max_units <= prefix) return {};
    auto ranges = cut(cps, max_units - prefix);
    if (ranges.size() > ReplyLimit::kMaxParts) return {};
    if (prefix == 6 && ranges.size() > 9) continue;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      std::size_t from = cps[ranges[i].first].offset;
      std::size_t to = ranges[i].second < cps.size() ? cps[ranges[i].second].offset : text.size();
      out.push_back("(" + std::to_string(i + 1) + "/" + std::to_string(ranges.size()) + ") " +
                    std::string(text.substr(from, to - from)));
    }
    return out;
  }
  return {};
}

}  // namespace omniroute
