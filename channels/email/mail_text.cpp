#include "email/mail_text.hpp"

#include <map>
#include <optional>
#include <set>
#include <regex>
#include <string>

#include "omniroute/text.hpp"

namespace omniroute::channels {

namespace {

/// True when `html` at `at` starts with `word` (lowercase), in any case.
bool lower_at(std::string_view html, size_t at, std::string_view word) {
  if (at + word.size() > html.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (std::tolower(static_cast<unsigned char>(html[at + k])) != word[k]) return false;
  }
  return true;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
  } else if (cp < 0x10000) {
    out += {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
            static_cast<char>(0x80 | (cp & 0x3F))};
  } else {
    out += {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
            static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
  }
}

/// The tag at `i` (a '<'): a line break for block elements, a bullet for list items; scripts, styles and
/// head dropped with their content. Returns where reading goes on, or npos at an unclosed tag.
size_t read_tag(std::string_view html, size_t i, std::string& out) {
  for (std::string_view skip : {"script", "style", "head"}) {
    if (lower_at(html, i + 1, skip)) {
      std::string close = "</" + std::string(skip);
      while (i < html.size() && !lower_at(html, i, close)) ++i;
      break;
    }
  }
  size_t close = html.find('>', i);
  if (close == std::string_view::npos) return std::string_view::npos;
  std::string tag = ascii_lower(std::string(html.substr(i + 1, close - i - 1)));
  std::string name = tag.substr(tag[0] == '/' ? 1 : 0);
  name = name.substr(0, name.find_first_of(" \t\r\n/"));
  static const std::set<std::string, std::less<>> kBlocks{"br", "p",  "div", "li",         "tr",
                                                          "h1", "h2", "h3",  "blockquote", "table"};
  if (kBlocks.count(name)) {
    if (!out.empty() && out.back() != '\n') out += '\n';
    if (name == "li" && tag[0] != '/') out += "• ";
  }
  return close + 1;
}

/// The character reference at `i` (a '&'), appended; returns where reading goes on, or nullopt when
/// it is no reference we know (the '&' is then text).
std::optional<size_t> read_entity(std::string_view html, size_t i, std::string& out) {
  size_t semi = html.find(';', i);
  if (semi == std::string_view::npos || semi - i > 10) return std::nullopt;
  std::string entity(html.substr(i + 1, semi - i - 1));
  static const std::map<std::string, const char*, std::less<>> kNamed{
      {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}, {"#39", "'"}};
  if (auto named = kNamed.find(entity); named != kNamed.end()) {
    out += named->second;
    return semi + 1;
  }
  if (entity.size() < 2 || entity[0] != '#') return std::nullopt;
  bool hex = entity[1] == 'x' || entity[1] == 'X';
  unsigned long cp = std::strtoul(entity.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10);
  if (cp == 0 || cp >= 0x110000 || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  append_utf8(out, cp);
  return semi + 1;
}

/// Each line trimmed, runs of empty lines down to one, none at the end.
std::string tidy_lines(const std::string& text) {
  std::string tidy, line;
  int blank = 0;
  for (size_t k = 0; k <= text.size(); ++k) {
    if (k < text.size() && text[k] != '\n') {
      line += text[k];
      continue;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    size_t lead = line.find_first_not_of(' ');
    line = lead == std::string::npos ? "" : line.substr(lead);
    if (line.empty()) {
      if (++blank == 1 && !tidy.empty()) tidy += '\n';
    } else {
      blank = 0;
      tidy += line + '\n';
    }
    line.clear();
  }
  while (!tidy.empty() && tidy.back() == '\n') tidy.pop_back();
  return tidy;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string out;
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      i = read_tag(html, i, out);
      if (i == std::string_view::npos) break;
      continue;
    }
    if (c == '&') {
      if (auto next = read_entity(html, i, out)) {
        i = *next;
        continue;
      }
    }
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
    if (!(c == ' ' && (out.empty() || out.back() == ' ' || out.back() == '\n'))) out += c;
    ++i;
  }
  return tidy_lines(out);
}

std::string strip_quoted(std::string_view text) {
  static const std::regex kAttribution(
      R"(^\s*(On .{3,200}wrote:\s*|-{2,}\s*Original Message\s*-{2,}\s*|-{2,}\s*Forwarded message\s*-{2,}\s*|From:\s.+|(Le|Am|El) .{3,200}(a écrit|schrieb|escribió)\s*:\s*)$)",
      std::regex::icase);
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (std::regex_match(line, kAttribution)) break;  // everything from here is earlier correspondence
    if (!line.starts_with(">")) out += line + "\n";
    start = end + 1;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string normalised_subject(std::string_view subject) {
  std::string s = ascii_lower(std::string(subject));
  for (bool again = true; again;) {
    again = false;
    size_t lead = s.find_first_not_of(" \t");
    s = lead == std::string::npos ? "" : s.substr(lead);
    for (std::string_view prefix : {"re:", "fwd:", "fw:", "aw:", "wg:", "sv:", "tr:", "re :", "fwd :"}) {
      if (s.starts_with(prefix)) {
        s.erase(0, prefix.size());
        again = true;
      }
    }
    if (s.starts_with("[") && s.find(']') != std::string::npos && s.find(']') < 40 && again == false) {
      // A list tag "[support]" stays: it is part of what the customer saw.
    }
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace omniroute::channels
