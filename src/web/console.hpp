#pragma once
// Serves the console: GET / (the agent console), GET /board (the supervisor
// board), GET /console/<file> (its modules and styles), all embedded in the
// binary. Every answer carries a strict Content-Security-Policy (only this
// origin; no inline script, no eval), nosniff, no referrer, no framing, and an
// ETag of its content (revalidated on every load: a new build is seen at once).

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/types.hpp"

namespace omniroute::web {

class Console {
 public:
  Console();
  /// The answer for `path` (GET or HEAD), or nullopt when it is not a console path.
  std::optional<http::Response> serve(const http::Request& request, std::string_view path) const;
  /// An embedded file's bytes ("/console/chat/widget.js"), "" when there is none.
  std::string_view file(std::string_view path) const;

 private:
  struct Entry {
    std::string_view content;
    std::string content_type;
    std::string etag;
  };
  std::map<std::string, Entry, std::less<>> files_;
};

/// The security headers every console answer carries (CSP and friends).
void set_console_headers(http::Response& res);

}  // namespace omniroute::web
