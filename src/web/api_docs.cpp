#include "web/api_docs.hpp"

#include <string>

namespace omniroute::embedded_docs {
extern const std::string_view openapi;  // docs/openapi.html
}
namespace omniroute::embedded_spec {
extern const std::string_view openapi;  // docs/openapi.yaml
}

namespace omniroute::web {

namespace beast_http = http::beast_http;

std::optional<http::Response> serve_api_docs(const http::Request& request, std::string_view path) {
  const bool page = path == "/docs" || path == "/docs/";
  const bool document = path == "/docs/openapi.yaml";
  if (!page && !document) return std::nullopt;
  if (request.method() != beast_http::verb::get && request.method() != beast_http::verb::head) {
    return http::json_error(405, "method_not_allowed", "use GET");
  }
  http::Response res = page ? http::text_response(200, "text/html; charset=utf-8", std::string(embedded_docs::openapi))
                            : http::text_response(200, "application/yaml; charset=utf-8", std::string(embedded_spec::openapi));
  // Redoc's page is one file: its script and styles are inline, its search runs in a blob: worker.
  res.set("Content-Security-Policy",
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; "
          "font-src data:; worker-src blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
          "frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set(beast_http::field::cache_control, "no-cache");
  return res;
}

}  // namespace omniroute::web
