#pragma once
// One route table: {method, path pattern, role, handler}. Patterns are literal
// segments and {name} placeholders ("/v1/conversations/{id}/labels/{label}");
// a request's segments are read and percent-decoded by Boost.URL and matched
// against them, literal segments before placeholders. The table answers which
// route a request takes, or that its path is unknown (404) or known under
// other methods (405, with what is allowed). tests/http/route_table_test.cpp;
// tests/integration/api_docs_test.cpp holds the table against docs/openapi.yaml.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/types.hpp"

namespace omniroute::http {

/// Who may call a route; the router checks it before the handler runs.
enum class Role { anyone, agent, admin, agent_or_admin };

/// The placeholders' values of a matched route, decoded ("{id}" → "v12").
class RouteParams {
 public:
  void add(std::string name, std::string value) { values_.emplace_back(std::move(name), std::move(value)); }
  /// The value of {name}; "" when the pattern has none.
  const std::string& operator[](std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

/// A path pattern split into segments; "{x}" segments are placeholders.
class PathPattern {
 public:
  explicit PathPattern(std::string_view pattern);
  /// The placeholders' values when `segments` (decoded) match; nullopt otherwise.
  std::optional<RouteParams> match(const std::vector<std::string>& segments) const;
  /// How many segments are literal: the more specific pattern wins ("/v1/agents/me/…" over "/v1/agents/{id}/…").
  int literal_count() const { return literals_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<std::string> segments_;
  int literals_ = 0;
};

/// The decoded segments of a request target's path (Boost.URL); nullopt for a target it cannot read.
std::optional<std::vector<std::string>> path_segments(std::string_view target);

/// "GET", "GET or POST", "GET, PUT or DELETE".
std::string allowed_methods_text(const std::vector<beast_http::verb>& methods);

template <typename Handler>
class RouteTable {
 public:
  struct Route {
    beast_http::verb method;
    PathPattern pattern;
    Role role;
    Handler handler;
  };
  /// What a request's path and method came to.
  struct Match {
    const Route* route = nullptr;           // the route to run, when one matched both
    RouteParams params;
    Role path_role = Role::anyone;          // the path's role, when it is known under other methods
    std::vector<beast_http::verb> allowed;  // the path is known, with these methods: 405
  };

  void add(beast_http::verb method, std::string_view pattern, Role role, Handler handler) {
    routes_.push_back(Route{method, PathPattern(pattern), role, std::move(handler)});
  }

  Match match(beast_http::verb method, const std::vector<std::string>& segments) const {
    Match out;
    int best = -1, best_any = -1;
    for (const auto& route : routes_) {
      auto params = route.pattern.match(segments);
      if (!params) continue;
      const int specific = route.pattern.literal_count();
      if (route.method == method && specific > best) {
        best = specific;
        out.route = &route;
        out.params = std::move(*params);
      }
      if (specific > best_any) {
        best_any = specific;
        out.allowed.clear();
        out.path_role = route.role;
      }
      if (specific == best_any) out.allowed.push_back(route.method);
    }
    // A more specific path known only under other methods is not taken by a general pattern's method.
    if (out.route && out.route->pattern.literal_count() < best_any) out.route = nullptr;
    if (out.route) out.allowed.clear();
    return out;
  }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace omniroute::http
