#include "omniroute/url_query.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/grammar/parse.hpp>
#include <boost/url/rfc/pct_encoded_rule.hpp>

namespace omniroute {

namespace urls = boost::urls;

namespace {
/// The query of a whole target, or the text itself when it is a bare query.
std::string_view query_part(std::string_view target_or_query) {
  if (auto mark = target_or_query.find('?'); mark != std::string_view::npos) return target_or_query.substr(mark + 1);
  if (!target_or_query.empty() && target_or_query.front() == '/') return {};  // a path with no query
  return target_or_query;
}

std::optional<FormFields> decoded_fields(std::string_view query, bool space_as_plus) {
  FormFields out;
  if (query.empty()) return out;
  // Read as the query of an origin-form target: Boost 1.81's parse_query() iterates a bare query one
  // byte past its end (its last value ran into " HTTP/1.1" in a request line).
  std::string target = "/?";
  target.append(query);
  auto url = urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  urls::encoding_opts opts;
  opts.space_as_plus = space_as_plus;
  for (auto p : url->encoded_params()) {
    if (p.key.empty() && !p.has_value) continue;  // "a=1&&b=2"
    out.emplace_back(p.key.decode(opts), p.has_value ? p.value.decode(opts) : std::string());
  }
  return out;
}
}  // namespace

std::optional<Target> parse_target(std::string_view target) {
  auto url = urls::parse_origin_form(urls::string_view(target.data(), target.size()));
  if (!url) return std::nullopt;
  // A segment that decodes to '/' or NUL would let "a%2Fb" address another route or key: refused.
  for (auto segment : url->encoded_segments()) {
    std::string decoded = segment.decode();
    if (decoded.find('/') != std::string::npos || decoded.find('\0') != std::string::npos) return std::nullopt;
  }
  Target out;
  out.path = url->path();
  if (url->has_query()) out.query = std::string(url->encoded_query());
  return out;
}

std::optional<FormFields> query_fields(std::string_view target_or_query) {
  return decoded_fields(query_part(target_or_query), false);
}

std::optional<std::string> query_value(std::string_view target_or_query, std::string_view name) {
  auto fields = query_fields(target_or_query);
  if (!fields) return std::nullopt;
  if (const std::string* v = form_value(*fields, name)) return *v;
  return std::nullopt;
}

std::optional<FormFields> parse_form(std::string_view body) { return decoded_fields(body, true); }

std::string form_encode(const FormFields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += urls::encode(k, urls::unreserved_chars);
    out += '=';
    out += urls::encode(v, urls::unreserved_chars);
  }
  return out;
}

const std::string* form_value(const FormFields& fields, std::string_view name) {
  for (const auto& [k, v] : fields) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::optional<std::string> percent_decoded(std::string_view component) {
  auto s = urls::make_pct_string_view(urls::string_view(component.data(), component.size()));
  if (!s) return std::nullopt;
  return s->decode();
}

}  // namespace omniroute
