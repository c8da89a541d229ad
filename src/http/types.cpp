#include "http/types.hpp"

#include <boost/json.hpp>
#include <cctype>

namespace omniroute::http {

Response text_response(unsigned status, const std::string& content_type, std::string body) {
  Response res{static_cast<beast_http::status>(status), 11};
  res.set(beast_http::field::server, "omniroute");
  res.set(beast_http::field::content_type, content_type);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(unsigned status, std::string body) {
  return text_response(status, "application/json; charset=utf-8", std::move(body));
}

Response json_error(unsigned status, std::string_view code, std::string_view message) {
  boost::json::object obj{{"error", code}, {"message", message}};
  return json_response(status, boost::json::serialize(obj));
}

Response no_content() {
  Response res{beast_http::status::no_content, 11};
  res.set(beast_http::field::cache_control, "no-store");
  return res;
}

bool unsupported_framing(const Request& request) {
  auto te = request.find(beast_http::field::transfer_encoding);
  if (te == request.end()) return false;
  std::string_view value = te->value();
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.size() != 7) return true;
  for (size_t i = 0; i < 7; ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != "chunked"[i]) return true;
  }
  // A second Transfer-Encoding line would be appended to the first by a proxy: refuse it too.
  return request.count(beast_http::field::transfer_encoding) > 1;
}

InboundRequest inbound_request(const Request& request, std::string_view public_url) {
  InboundRequest inbound;
  inbound.method = request.method_string();
  inbound.target = request.target();
  inbound.body = request.body();
  inbound.public_url = public_url;
  for (const auto& field : request) inbound.headers.emplace_back(field.name_string(), field.value());
  return inbound;
}

}  // namespace omniroute::http
