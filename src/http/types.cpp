#include "http/types.hpp"

#include <boost/json.hpp>

namespace omniroute::http {

Response text_response(unsigned status, std::string content_type, std::string body) {
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

}  // namespace omniroute::http
