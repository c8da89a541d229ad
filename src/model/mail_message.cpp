#include "omniroute/mail_message.hpp"

#include <ctime>

namespace omniroute::mail {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    for (int s : {18, 12, 6, 0}) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    for (int s : {18, 12, 6}) out += kAlphabet[(v >> s) & 63];
    out += '=';
  }
  return out;
}

bool has_line_break(std::string_view v) { return v.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

std::string quoted_printable(std::string_view text) {
  std::string out;
  size_t line = 0;  // characters on the current output line
  auto put = [&](std::string_view piece) {
    if (line + piece.size() > 75) {  // room for the soft break's '='
      out += "=\r\n";
      line = 0;
    }
    out += piece;
    line += piece.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
      line = 0;
      continue;
    }
    bool at_line_end = i + 1 == text.size() || text[i + 1] == '\r' || text[i + 1] == '\n';
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (literal) {
      char ch = static_cast<char>(c);
      put(std::string_view(&ch, 1));
    } else {
      char enc[3] = {'=', kHex[c >> 4], kHex[c & 15]};
      put(std::string_view(enc, 3));
    }
  }
  return out;
}

std::string header_words(std::string_view utf8) {
  bool plain = true;
  for (unsigned char c : utf8) plain = plain && c >= 32 && c < 127;
  if (plain) return std::string(utf8);
  // "=?UTF-8?B?" + base64 + "?=" ≤ 75: at most 45 bytes of text per word (60 base64 characters).
  std::string out;
  size_t i = 0;
  while (i < utf8.size()) {
    size_t end = std::min(utf8.size(), i + 45);
    while (end < utf8.size() && end > i && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(utf8.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string rfc5322_date(std::int64_t epoch_ms) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Expected<std::string, std::string> compose(const MailMessage& mail) {
  std::vector<std::string_view> values{mail.from, mail.subject, mail.message_id, mail.in_reply_to};
  for (const auto& v : mail.to) values.push_back(v);
  for (const auto& v : mail.references) values.push_back(v);
  for (auto v : values) {
    if (has_line_break(v)) return unexpected(std::string("a header value contains a line break"));
  }
  std::string to;
  for (const auto& a : mail.to) to += (to.empty() ? "" : ", ") + a;
  std::string out;
  out += "From: " + mail.from + "\r\n";
  out += "To: " + to + "\r\n";
  out += "Subject: " + header_words(mail.subject) + "\r\n";
  out += "Date: " + rfc5322_date(mail.date_ms) + "\r\n";
  if (!mail.message_id.empty()) out += "Message-ID: <" + mail.message_id + ">\r\n";
  if (!mail.in_reply_to.empty()) out += "In-Reply-To: <" + mail.in_reply_to + ">\r\n";
  if (!mail.references.empty()) {
    std::string refs;
    for (const auto& r : mail.references) refs += (refs.empty() ? "<" : "\r\n <") + r + ">";
    out += "References: " + refs + "\r\n";
  }
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n";
  out += "\r\n";
  out += quoted_printable(mail.text);
  out += "\r\n";
  return out;
}

}  // namespace omniroute::mail
