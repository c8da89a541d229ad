#include "http/route_table.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>

namespace omniroute::http {

namespace urls = boost::urls;

const std::string& RouteParams::operator[](std::string_view name) const {
  static const std::string none;
  for (const auto& [n, v] : values_) {
    if (n == name) return v;
  }
  return none;
}

PathPattern::PathPattern(std::string_view pattern) : text_(pattern) {
  // Our own constants ("{id}" is no URL character, so not Boost.URL's to read): split at '/'.
  for (size_t start = 1; start <= pattern.size();) {
    size_t end = std::min(pattern.find('/', start), pattern.size());
    segments_.emplace_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  for (const auto& s : segments_) {
    if (!(s.size() > 2 && s.front() == '{' && s.back() == '}')) ++literals_;
  }
}

std::optional<RouteParams> PathPattern::match(const std::vector<std::string>& segments) const {
  if (segments.size() != segments_.size()) return std::nullopt;
  RouteParams params;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = segments_[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (segments[i].empty()) return std::nullopt;  // a placeholder is never empty ("/v1/agents/")
      params.add(want.substr(1, want.size() - 2), segments[i]);
    } else if (want != segments[i]) {
      return std::nullopt;
    }
  }
  return params;
}

std::optional<std::vector<std::string>> path_segments(std::string_view target) {
  auto url = urls::parse_origin_form(urls::string_view(target.data(), target.size()));
  if (!url) return std::nullopt;
  std::vector<std::string> out;
  for (auto segment : url->segments()) out.push_back(segment);  // decoded
  return out;
}

std::string allowed_methods_text(const std::vector<beast_http::verb>& methods) {
  std::vector<std::string> names;
  for (auto m : methods) {
    std::string name(beast_http::to_string(m));
    bool seen = false;
    for (const auto& n : names) seen = seen || n == name;
    if (!seen) names.push_back(name);
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace omniroute::http
