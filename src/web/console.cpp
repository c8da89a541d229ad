#include "web/console.hpp"

#include "omniroute/digest.hpp"
#include "web/console_files.hpp"

namespace omniroute::web {

namespace beast_http = http::beast_http;

namespace {

std::string content_type_of(std::string_view path) {
  if (path.ends_with(".html")) return "text/html; charset=utf-8";
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

void set_console_headers(http::Response& res) {
  res.set("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
          "font-src 'self'; connect-src 'self'; media-src 'self' data: blob:; object-src 'none'; "
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
}

Console::Console() {
  for (std::size_t i = 0; i < kConsoleFileCount; ++i) {
    const ConsoleFile& f = kConsoleFiles[i];
    files_[std::string(f.path)] =
        Entry{f.content, content_type_of(f.path), "\"" + sha256_hex(f.content).substr(0, 20) + "\""};
  }
}

std::string_view Console::file(std::string_view path) const {
  auto it = files_.find(path);
  return it == files_.end() ? std::string_view() : it->second.content;
}

std::optional<http::Response> Console::serve(const http::Request& request, std::string_view path) const {
  std::string file;
  if (path == "/" || path == "/index.html") {
    file = "/console/index.html";
  } else if (path == "/board" || path == "/board/") {
    file = "/console/board.html";
  } else if (path.starts_with("/console/")) {
    file = std::string(path);
  } else {
    return std::nullopt;
  }
  auto it = files_.find(file);
  if (it == files_.end()) {
    if (!path.starts_with("/console/")) return std::nullopt;
    http::Response res = http::json_error(404, "not_found", "no console file " + std::string(path));
    set_console_headers(res);
    return res;
  }
  const Entry& e = it->second;
  const bool get = request.method() == beast_http::verb::get || request.method() == beast_http::verb::head;
  if (!get) {
    http::Response res = http::json_error(405, "method_not_allowed", "use GET");
    set_console_headers(res);
    return res;
  }
  http::Response res;
  if (request[beast_http::field::if_none_match] == e.etag) {
    res = http::Response{beast_http::status::not_modified, request.version()};
  } else {
    res = http::text_response(200, e.content_type, std::string(e.content));
  }
  res.set(beast_http::field::etag, e.etag);
  res.set(beast_http::field::cache_control, "no-cache");
  set_console_headers(res);
  return res;
}

}  // namespace omniroute::web
