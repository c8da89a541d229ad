// Any bytes as what a client sends the daemon: parsed with Beast under the
// server's limits, framing checked (transfer codings), and a request for
// /webhooks/<id> handed to that channel exactly as the router does, for every
// channel kind. A clear refusal or a result, never a crash, and never a
// message with invalid UTF-8 text.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string_view>

#include "http/types.hpp"
#include "omniroute/channel.hpp"
#include "omniroute/text.hpp"
#include "omniroute/url_query.hpp"

namespace {

using omniroute::ChannelSettings;

/// One channel of every kind, configured as a deployment would (secrets known to nobody).
const std::map<std::string, std::unique_ptr<omniroute::Channel>, std::less<>>& channels() {
  static auto built = [] {
    omniroute::ChannelRegistry registry;
    omniroute::register_builtin_channels(registry);
    std::map<std::string, std::unique_ptr<omniroute::Channel>, std::less<>> out;
    auto add = [&](std::string id, std::string kind, std::map<std::string, std::string, std::less<>> values) {
      ChannelSettings s;
      s.id = id;
      s.kind = kind;
      s.values = std::move(values);
      for (const auto& f : registry.find(kind)->fields) {
        if (!s.values.count(f.name) && !f.default_value.empty()) s.values[f.name] = f.default_value;
      }
      out.emplace(id, registry.find(kind)->create(s));
    };
    add("api", "webhook", {{"secret", "fuzz-secret"}});
    add("sms", "twilio_sms", {{"account_sid", "AC0"}, {"auth_token", "tok"}, {"from", "+15005550006"}});
    add("wa", "whatsapp", {{"app_secret", "s"}, {"verify_token", "v"}, {"access_token", "a"}, {"phone_number_id", "1"}});
    add("fb", "messenger", {{"app_secret", "s"}, {"verify_token", "v"}, {"page_access_token", "a"}, {"page_id", "1"}});
    add("tg", "telegram", {{"bot_token", "1:x"}, {"secret_token", "t"}, {"mode", "webhook"}});
    add("mail", "email", {{"address", "support@acme.example"}, {"webhook_signing_key", "k"}});
    return out;
  }();
  return built;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = boost::beast::http;
  boost::beast::flat_buffer buffer;
  auto in = buffer.prepare(size);
  if (size > 0) std::memcpy(in.data(), data, size);  // (memcpy from a null pointer is undefined, even of 0 bytes)
  buffer.commit(size);
  // Every request on the byte stream, as a keep-alive connection would carry them.
  for (int requests = 0; requests < 8 && buffer.size() > 0; ++requests) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(1024 * 1024);
    parser.eager(true);
    boost::system::error_code ec;
    std::size_t used = parser.put(buffer.data(), ec);
    if (ec == http::error::need_more) {
      buffer.consume(used);
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return 0;
    } else if (ec) {
      return 0;  // answered 400/413/431 and closed by the server
    } else {
      buffer.consume(used);
      if (!parser.is_done()) return 0;
    }
    omniroute::http::Request request = parser.release();
    if (omniroute::http::unsupported_framing(request)) return 0;  // 400, closed
    // The router reads every target with Boost.URL (400 when it cannot) and routes on the decoded path;
    // query values and form bodies are decoded the same way. No segment may decode to '/' or NUL, and
    // nothing read may run past what was sent.
    auto parsed = omniroute::parse_target(request.target());
    if (!parsed) continue;  // 400 invalid_target
    if (parsed->path.find('\0') != std::string::npos || parsed->path.size() > request.target().size()) __builtin_trap();
    if (auto fields = omniroute::query_fields(parsed->query)) {
      std::size_t decoded = 0;
      for (const auto& [k, v] : *fields) decoded += k.size() + v.size();
      if (decoded > parsed->query.size()) __builtin_trap();  // decoding never makes text longer
      if (auto tz = omniroute::query_value(request.target(), "tz"); tz && tz->size() > parsed->query.size()) __builtin_trap();
    }
    if (auto form = omniroute::parse_form(request.body())) {
      for (const auto& [k, v] : *form) {
        if (k.size() + v.size() > request.body().size()) __builtin_trap();
      }
    }
    const std::string_view path = parsed->path;
    if (!path.starts_with("/webhooks/")) continue;
    auto it = channels().find(path.substr(10));
    if (it == channels().end()) continue;
    auto result = it->second->on_webhook(omniroute::http::inbound_request(request, "https://support.example.com"));
    if (!result) {
      int status = result.error().status;
      if (status < 400 || status > 499 || result.error().code.empty()) __builtin_trap();
      continue;
    }
    for (const auto& m : result->messages) {
      if (!omniroute::is_valid_utf8(m.text) || !omniroute::is_valid_utf8(m.subject)) __builtin_trap();
    }
    if (!request.keep_alive()) break;
  }
  return 0;
}
