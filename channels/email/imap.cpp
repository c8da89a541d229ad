#include "email/imap.hpp"

#include "omniroute/url_query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace omniroute::channels::imap {

namespace {

bool parse_number(std::string_view s, std::uint64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

}  // namespace

Expected<MailboxUrl, std::string> parse_mailbox_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("imaps://")) rest = url.substr(8);
  else if (url.starts_with("imap://")) rest = url.substr(7);
  else return unexpected("expected an imap:// or imaps:// URL, got '" + std::string(url) + "'");
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return unexpected(std::string("an IMAP URL needs a host (and no user: set imap.username)"));
  }
  if (size_t colon = authority.rfind(':'); colon != std::string_view::npos && authority.back() != ']') {
    std::uint64_t port = 0;
    if (!parse_number(authority.substr(colon + 1), port) || port == 0 || port > 65535) {
      return unexpected("'" + std::string(authority.substr(colon + 1)) + "' is not a port");
    }
  }
  MailboxUrl out;
  out.server = std::string(url.substr(0, url.size() - rest.size())) + std::string(authority) + "/";
  out.encoded = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  if (out.encoded.find_first_of(";?#") != std::string::npos) {
    return unexpected(std::string("name only the mailbox in the IMAP URL (no ;UID=, ? or #)"));
  }
  while (!out.encoded.empty() && out.encoded.back() == '/') out.encoded.pop_back();
  if (out.encoded.empty()) out.encoded = "INBOX";
  auto mailbox = percent_decoded(out.encoded);
  if (!mailbox) return unexpected(std::string("the mailbox name holds a malformed %-escape"));
  out.mailbox = std::move(*mailbox);
  if (!quoted(out.mailbox)) return unexpected(std::string("the mailbox name holds a line break"));
  return out;
}

std::string check_after(const std::string& after) {
  if (after == "seen") return "";
  if (after.starts_with("move:") && after.size() > 5 && quoted(after.substr(5))) return "";
  return "expected 'seen' or 'move:<folder>', got '" + after + "'";
}

std::optional<std::string> quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\r' || c == '\n' || c == '\0') return std::nullopt;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::vector<std::uint64_t> search_result(std::string_view answer, std::uint64_t from) {
  std::vector<std::uint64_t> out;
  size_t at = 0;
  while (at < answer.size()) {
    size_t end = answer.find('\n', at);
    std::string_view line = answer.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? answer.size() : end + 1;
    if (!line.starts_with("* SEARCH")) continue;
    line.remove_prefix(8);
    while (!line.empty()) {
      while (!line.empty() && (line.front() == ' ' || line.front() == '\r')) line.remove_prefix(1);
      size_t space = line.find_first_of(" \r");
      std::uint64_t uid = 0;
      if (parse_number(line.substr(0, space), uid) && uid >= from) out.push_back(uid);
      line.remove_prefix(space == std::string_view::npos ? line.size() : space);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<std::uint64_t> response_code(std::string_view answer, std::string_view name) {
  const std::string code = "[" + std::string(name) + " ";
  size_t at = 0;
  while (at < answer.size()) {
    size_t end = answer.find('\n', at);
    std::string_view line = answer.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? answer.size() : end + 1;
    if (!line.starts_with("* OK ")) continue;
    size_t found = line.find(code);
    if (found == std::string_view::npos) continue;
    std::string_view rest = line.substr(found + code.size());
    std::uint64_t v = 0;
    if (parse_number(rest.substr(0, rest.find(']')), v)) return v;
  }
  return std::nullopt;
}

std::string message_url(const MailboxUrl& url, std::uint64_t uidvalidity, std::uint64_t uid) {
  return url.server + url.encoded + ";UIDVALIDITY=" + std::to_string(uidvalidity) + "/;UID=" + std::to_string(uid);
}

}  // namespace omniroute::channels::imap
