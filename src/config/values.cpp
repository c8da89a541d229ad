#include "config/values.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "omniroute/url_query.hpp"

#include <charconv>
#include <cstdlib>

namespace omniroute::config {

namespace {
template <typename T>
Parsed<T> fail(std::string message) {
  return unexpected(std::move(message));
}

bool parse_uint(std::string_view s, unsigned long& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

Parsed<std::uint16_t> parse_port(std::string_view s) {
  unsigned long v = 0;
  if (!parse_uint(s, v) || v > 65535) {
    return fail<std::uint16_t>("port must be a number from 0 to 65535, got '" + std::string(s) +
                               "'");
  }
  return static_cast<std::uint16_t>(v);
}

}  // namespace

Parsed<double> parse_rate(std::string_view text) {
  if (auto v = parse_rate_per_second(text)) return *v;
  return fail<double>("expected a rate such as 80/s or 0.5/s, got '" + std::string(text) + "'");
}

Parsed<Millis> parse_duration(std::string_view text) {
  if (auto ms = parse_duration_ms(text)) return Millis(*ms);
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string_view unit = text.substr(digits);
  if (digits > 0 && (unit == "ms" || unit == "s" || unit == "m" || unit == "h" || unit == "d")) {
    return fail<Millis>("duration too long: " + std::string(text));
  }
  return fail<Millis>("expected a duration such as 90s, 15m, 2h or 1d, got '" + std::string(text) + "'");
}

Parsed<ListenAddress> parse_listen(std::string_view text) {
  ListenAddress out;
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return fail<ListenAddress>("expected [ipv6]:port, got '" + std::string(text) + "'");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return fail<ListenAddress>("expected host:port, got '" + std::string(text) + "'");
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  auto p = parse_port(port);
  if (!p) return fail<ListenAddress>(p.error());
  out.host = std::string(host);
  out.port = *p;
  return out;
}

std::string check_postgres_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return "expected postgresql://user:pass@host:port/database, got '" + redact_url(text) + "'";
  const auto& u = *parsed;
  if (u.scheme() != "postgresql" && u.scheme() != "postgres") {
    return "expected postgresql://user:pass@host:port/database, got '" + redact_url(text) + "'";
  }
  std::string db = u.path();
  if (!db.empty() && db.front() == '/') db.erase(0, 1);
  if (db.empty() && !u.params().contains("dbname")) return "the URL names no database: postgresql://host/<database>";
  if (u.host().empty() && !u.params().contains("host")) {
    return "the URL names no host: postgresql://host:port/db, or ?host=/run/postgresql for a unix socket";
  }
  if (u.has_port() && (u.port_number() == 0)) return "the port must be 1-65535";
  return "";
}

Parsed<RedisEndpoint> parse_redis_url(std::string_view text) {
  RedisEndpoint ep;
  if (text.starts_with("unix://")) {
    std::string_view rest = text.substr(7);
    auto q = rest.find('?');
    ep.unix_path = std::string(rest.substr(0, q));
    if (ep.unix_path.empty() || ep.unix_path.front() != '/') {
      return fail<RedisEndpoint>("unix URL needs an absolute path: unix:///run/redis.sock");
    }
    if (q != std::string_view::npos) {
      std::string_view query = rest.substr(q + 1);
      unsigned long db = 0;
      if (!query.starts_with("db=") || !parse_uint(query.substr(3), db)) {
        return fail<RedisEndpoint>("unix URL query must be db=N, got '" + std::string(query) + "'");
      }
      ep.db = static_cast<int>(db);
    }
    return ep;
  }
  if (text.starts_with("rediss://")) {
    ep.tls = true;
    text.remove_prefix(1);  // parsed below like redis://
  } else if (!text.starts_with("redis://")) {
    return fail<RedisEndpoint>("expected redis://host:port/db, rediss://host:port/db or unix:///path, got '" +
                               redact_url(text) + "'");
  }
  std::string_view rest = text.substr(8);
  auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view cred = rest.substr(0, at);
    auto colon = cred.find(':');
    // user:password as RFC 3986 userinfo, decoded by Boost.URL; a bad %-escape is named, never guessed at.
    auto user = percent_decoded(colon == std::string_view::npos ? std::string_view() : cred.substr(0, colon));
    auto password = percent_decoded(colon == std::string_view::npos ? cred : cred.substr(colon + 1));
    if (!user || !password) return fail<RedisEndpoint>("the redis URL's user or password holds a malformed %-escape");
    ep.username = std::move(*user);
    ep.password = std::move(*password);
    rest = rest.substr(at + 1);
  }
  auto slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  if (slash != std::string_view::npos && slash + 1 < rest.size()) {
    unsigned long db = 0;
    if (!parse_uint(rest.substr(slash + 1), db) || db > 1000) {
      return fail<RedisEndpoint>("database must be a number, got '" +
                                 std::string(rest.substr(slash + 1)) + "'");
    }
    ep.db = static_cast<int>(db);
  }
  auto colon = hostport.rfind(':');
  if (colon != std::string_view::npos && hostport.find(']') == std::string_view::npos) {
    auto p = parse_port(hostport.substr(colon + 1));
    if (!p) return fail<RedisEndpoint>(p.error());
    ep.port = *p;
    hostport = hostport.substr(0, colon);
  }
  if (hostport.empty()) return fail<RedisEndpoint>("redis URL has no host");
  ep.host = std::string(hostport);
  return ep;
}

std::string redact_url(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  auto at = url.rfind('@');
  if (at == std::string_view::npos || at < scheme) return std::string(url);
  std::string_view cred = url.substr(scheme + 3, at - scheme - 3);
  auto colon = cred.find(':');
  std::string user = colon == std::string_view::npos ? "" : std::string(cred.substr(0, colon));
  return std::string(url.substr(0, scheme + 3)) + user + (user.empty() ? "" : ":") + "***" + std::string(url.substr(at));
}

Parsed<RedisNode> parse_redis_node(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail<RedisNode>("expected host:port, got '" + std::string(text) + "'");
  }
  auto p = parse_port(text.substr(colon + 1));
  if (!p) return fail<RedisNode>(p.error());
  std::string_view host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  for (char c : host) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '@') {
      return fail<RedisNode>("expected host:port, got '" + std::string(text) + "'");
    }
  }
  return RedisNode{std::string(host), *p};
}

Parsed<std::string> parse_http_url(std::string_view text) {
  std::string_view rest;
  if (text.starts_with("http://")) rest = text.substr(7);
  else if (text.starts_with("https://")) rest = text.substr(8);
  else return fail<std::string>("expected an http:// or https:// URL, got '" + std::string(text) + "'");
  if (rest.empty() || rest.front() == '/') return fail<std::string>("URL has no host: '" + std::string(text) + "'");
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20) return fail<std::string>("URL contains whitespace or control characters");
  }
  return std::string(text);
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Parsed<std::string> expand_env(std::string_view text, const EnvLookup& env) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      out += '$';
      continue;
    }
    auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) return fail<std::string>("unterminated ${ in '" + std::string(text) + "'");
    std::string_view inner = text.substr(i + 2, close - i - 2);
    std::optional<std::string> fallback;
    if (auto d = inner.find(":-"); d != std::string_view::npos) {
      fallback = std::string(inner.substr(d + 2));
      inner = inner.substr(0, d);
    }
    bool valid = !inner.empty();
    for (char c : inner) {
      valid = valid && (c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
    }
    if (!valid) return fail<std::string>("invalid environment variable name '${" + std::string(inner) + "}'");
    auto value = env(std::string(inner));
    if (!value || (value->empty() && fallback)) {
      if (!fallback) return fail<std::string>("environment variable " + std::string(inner) + " is not set");
      value = fallback;
    }
    out += *value;
    i = close;
  }
  return out;
}

}  // namespace omniroute::config
