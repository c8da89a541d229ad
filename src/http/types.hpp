#pragma once
// HTTP request/response types and JSON answers shared by the server and its routes.

#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

namespace omniroute::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

/// `{"error": code, "message": message}` with `status`.
Response json_error(unsigned status, std::string_view code, std::string_view message);
/// `body` (already JSON) with `status`.
Response json_response(unsigned status, std::string body);
/// Any body with its content type.
Response text_response(unsigned status, std::string content_type, std::string body);

}  // namespace omniroute::http
