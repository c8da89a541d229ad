#include "email/encoded_words.hpp"

#include <glib.h>

#include <optional>
#include <vector>

#include "omniroute/text.hpp"

namespace omniroute::channels {

namespace {

struct Piece {
  bool word = false;
  std::string charset;  // lowercased, RFC 2231 language suffix removed (words only)
  std::string bytes;    // decoded bytes of a word, or the text as written
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/// One word's base64, padding optional; nullopt when it is not base64.
std::optional<std::string> decode_b(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;  // padding: this word ends here (the next word starts afresh)
    int v = base64_value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

/// RFC 2047 §4.2: '_' is a space, =XX a byte.
std::string decode_q(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') {
      out += ' ';
    } else if (c == '=' && i + 2 < text.size() + 0 && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

/// Reads one encoded-word at the start of `s`; its length in `used`.
std::optional<Piece> read_word(std::string_view s, size_t& used) {
  if (!s.starts_with("=?")) return std::nullopt;
  size_t q1 = s.find('?', 2);
  if (q1 == std::string_view::npos || q1 + 2 >= s.size() || s[q1 + 2] != '?') return std::nullopt;
  char encoding = static_cast<char>(s[q1 + 1] | 0x20);
  if (encoding != 'b' && encoding != 'q') return std::nullopt;
  size_t end = s.find("?=", q1 + 3);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view text = s.substr(q1 + 3, end - q1 - 3);
  if (text.find_first_of(" \t\r\n?") != std::string_view::npos) return std::nullopt;
  Piece p;
  p.word = true;
  std::string_view charset = s.substr(2, q1 - 2);
  charset = charset.substr(0, charset.find('*'));
  for (char c : charset) p.charset += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (encoding == 'b') {
    auto bytes = decode_b(text);
    if (!bytes) return std::nullopt;
    p.bytes = std::move(*bytes);
  } else {
    p.bytes = decode_q(text);
  }
  used = end + 2;
  return p;
}

/// `bytes` in `charset` as UTF-8; bytes that cannot be converted become U+FFFD.
std::string to_utf8(const std::string& bytes, const std::string& charset) {
  if (charset == "utf-8" || charset == "utf8" || charset == "us-ascii") return bytes;
  gsize written = 0;
  GError* error = nullptr;
  gchar* converted = g_convert_with_fallback(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                                             charset.c_str(), "\xEF\xBF\xBD", nullptr, &written, &error);
  if (!converted) {
    if (error) g_error_free(error);
    return bytes;  // an unknown charset: what is ASCII survives, the rest is replaced below
  }
  std::string out(converted, written);
  g_free(converted);
  return out;
}

bool blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string valid_nfc(std::string s) {
  if (!is_valid_utf8(s)) {
    std::string out;
    for (unsigned char c : s) out += c < 0x80 ? std::string(1, static_cast<char>(c)) : "\xEF\xBF\xBD";
    s = std::move(out);
  }
  return to_nfc(s).value_or(s);
}

}  // namespace

std::string decode_encoded_words(std::string_view value) {
  // Unfold (RFC 5322 §2.2.3): a line break followed by white space is that white space.
  std::string unfolded;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r' || value[i] == '\n') continue;
    unfolded += value[i];
  }
  std::vector<Piece> pieces;
  std::string_view rest = unfolded;
  std::string text;
  while (!rest.empty()) {
    size_t used = 0;
    if (rest.starts_with("=?")) {
      if (auto word = read_word(rest, used)) {
        if (!text.empty()) pieces.push_back(Piece{false, "", std::move(text)});
        text.clear();
        pieces.push_back(std::move(*word));
        rest.remove_prefix(used);
        continue;
      }
    }
    text += rest.front();
    rest.remove_prefix(1);
  }
  if (!text.empty()) pieces.push_back(Piece{false, "", std::move(text)});

  std::string out;
  for (size_t i = 0; i < pieces.size(); ++i) {
    Piece& p = pieces[i];
    if (!p.word) {
      // White space between two encoded-words is not part of the text (§6.2).
      bool between_words = i > 0 && i + 1 < pieces.size() && pieces[i - 1].word && pieces[i + 1].word;
      if (!(between_words && blank(p.bytes))) out += p.bytes;
      continue;
    }
    // Adjacent words of one charset: their bytes together, so a character split across them survives.
    std::string bytes = p.bytes;
    size_t j = i + 1;
    while (j < pieces.size()) {
      if (pieces[j].word && pieces[j].charset == p.charset) {
        bytes += pieces[j].bytes;
        ++j;
      } else if (!pieces[j].word && blank(pieces[j].bytes) && j + 1 < pieces.size() && pieces[j + 1].word &&
                 pieces[j + 1].charset == p.charset) {
        ++j;  // the white space between them goes
      } else {
        break;
      }
    }
    out += to_utf8(bytes, p.charset);
    i = j - 1;
  }
  return valid_nfc(std::move(out));
}

std::string raw_parameter(std::string_view header, std::string_view name) {
  size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    ++at;
    while (at < header.size() && (header[at] == ' ' || header[at] == '\t' || header[at] == '\r' || header[at] == '\n')) {
      ++at;
    }
    if (header.size() - at <= name.size() || header[at + name.size()] != '=') continue;
    bool same = true;
    for (size_t k = 0; k < name.size() && same; ++k) same = (header[at + k] | 0x20) == (name[k] | 0x20);
    if (!same) continue;
    size_t v = at + name.size() + 1;
    if (v < header.size() && header[v] == '"') {
      size_t close = header.find('"', v + 1);
      return std::string(header.substr(v + 1, close == std::string_view::npos ? std::string_view::npos : close - v - 1));
    }
    size_t end = header.find(';', v);
    std::string_view raw = header.substr(v, end == std::string_view::npos ? std::string_view::npos : end - v);
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\r' || raw.back() == '\n')) raw.remove_suffix(1);
    return std::string(raw);
  }
  return {};
}

}  // namespace omniroute::channels
