#include "omniroute/webchat.hpp"

#include <charconv>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "omniroute/digest.hpp"
#include "omniroute/phone.hpp"
#include "omniroute/text.hpp"

namespace omniroute::webchat {

namespace urls = boost::urls;

namespace {

bool loopback_host(std::string_view host) { return host == "127.0.0.1" || host == "localhost" || host == "[::1]"; }

/// The host part of an origin ("http://127.0.0.1:8080" → "127.0.0.1"), "" when it is not one.
std::string host_of_origin(std::string_view origin) {
  auto u = urls::parse_absolute_uri(origin);
  if (!u) return "";
  return ascii_lower(u->encoded_host());
}

}  // namespace

bool plausible_email(std::string_view s) {
  auto at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() && s.find('@', at + 1) == std::string_view::npos &&
         s.find_first_of(" \t\r\n<>") == std::string_view::npos && s.find('.', at) != std::string_view::npos;
}

bool valid_token(std::string_view id, std::size_t min, std::size_t max) {
  if (id.size() < min || id.size() > max) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string origin_of(std::string_view url) {
  auto u = urls::parse_absolute_uri(url);
  if (!u) return "";
  std::string scheme = ascii_lower(u->scheme());
  if ((scheme != "http" && scheme != "https") || u->encoded_host().empty()) return "";
  std::string out = scheme + "://" + ascii_lower(u->encoded_host());
  const bool default_port = u->port().empty() || (scheme == "http" && u->port() == "80") ||
                            (scheme == "https" && u->port() == "443");
  if (!default_port) out += ":" + std::string(u->port());
  return out;
}

std::string origin_setting_problem(std::string_view item) {
  if (item == "*") return "";
  std::string origin = origin_of(item);
  if (origin.empty() || origin != ascii_lower(item)) {
    return "'" + std::string(item) + "' is not an origin such as https://shop.example or https://shop.example:8443 "
           "(scheme, host and port only: no path, no trailing '/')";
  }
  if (origin.starts_with("http://") && !loopback_host(host_of_origin(origin))) {
    return "'" + std::string(item) + "' is plain http: only https origins may embed the chat (http only for 127.0.0.1 or localhost)";
  }
  return "";
}

bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin, std::string_view own) {
  if (origin.empty() || origin == "null") return false;
  std::string given = origin_of(origin);
  if (given.empty() || given != ascii_lower(origin)) return false;  // an Origin is exactly scheme://host[:port]
  if (!own.empty() && given == origin_of(own)) return true;
  for (const auto& a : allowed) {
    if (a == "*" ? loopback_host(host_of_origin(given)) : origin_of(a) == given) return true;
  }
  return false;
}

std::string frame_ancestors(const std::vector<std::string>& allowed, std::string_view own) {
  std::string out = "'self'";
  auto add = [&out](const std::string& source) {
    if (!source.empty() && out.find(" " + source) == std::string::npos) out += " " + source;
  };
  if (!own.empty()) add(origin_of(own));
  for (const auto& a : allowed) {
    if (a == "*") {
      for (const char* loop : {"http://127.0.0.1:*", "http://localhost:*", "https://127.0.0.1:*", "https://localhost:*"}) add(loop);
    } else {
      add(origin_of(a));
    }
  }
  return out;
}

std::optional<std::int64_t> parse_size_bytes(std::string_view text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n < 0 || end == text.data()) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t scale = unit.empty() || unit == "B" ? 1 : unit == "kB" || unit == "KB" ? 1024 : unit == "MB" ? 1024 * 1024 : 0;
  if (scale == 0 || n > (std::int64_t{100} << 20) / scale) return std::nullopt;
  return n * scale;
}

std::string sniff_file_type(std::string_view b) {
  if (b.starts_with("\x89PNG\r\n\x1a\n")) return "image/png";
  if (b.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if (b.starts_with("GIF87a") || b.starts_with("GIF89a")) return "image/gif";
  if (b.size() >= 12 && b.starts_with("RIFF") && b.substr(8, 4) == "WEBP") return "image/webp";
  if (b.starts_with("%PDF-")) return "application/pdf";
  return "";
}

Identity identify(std::string_view channel_id, std::string_view secret, std::string_view visitor_id,
                  std::string_view identifier, std::string_view hash) {
  if (!identifier.empty() && identifier.size() <= 256 && !secret.empty() &&
      constant_time_equal(hmac_sha256_hex(secret, identifier), ascii_lower(hash))) {
    if (auto phone = to_e164(identifier)) return {"phone", *phone, true};
    if (plausible_email(identifier)) return {"email", ascii_lower(identifier), true};
    return {std::string(channel_id), "u:" + std::string(identifier), true};
  }
  // The visitor id is the visitor's secret: the handle agents see (and the store keys) is only its digest.
  return {std::string(channel_id), "v:" + sha256_hex(visitor_id).substr(0, 32), false};
}

}  // namespace omniroute::webchat
