#pragma once
// HTTP request/response types and JSON answers shared by the server and its routes.

#include <boost/beast/http.hpp>
#include <string>
#include <string_view>

#include "omniroute/channel.hpp"

namespace omniroute::http {

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

/// `{"error": code, "message": message}` with `status`.
Response json_error(unsigned status, std::string_view code, std::string_view message);
/// `body` (already JSON) with `status`.
Response json_response(unsigned status, std::string body);
/// Any body with its content type.
Response text_response(unsigned status, const std::string& content_type, std::string body);

/// 204 No Content (never cached).
Response no_content();

/// True when `request` is framed by a transfer coding other than `chunked` alone: RFC 9112 §6.3
/// says its length cannot be known, so it is refused (400) and the connection closed (read as an
/// empty body, the rest would be taken for a second request that a proxy in front never saw).
bool unsupported_framing(const Request& request);

/// `request` as a channel sees it (views into `request`, which must outlive the result).
InboundRequest inbound_request(const Request& request, std::string_view public_url);

}  // namespace omniroute::http
