#include "omniroute/json_text.hpp"

#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>

namespace omniroute {

namespace json = boost::json;

std::string plain_number(double d) {
  if (!std::isfinite(d)) return "null";  // JSON has no NaN or infinity
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  if (ec != std::errc()) return json::serialize(json::value(d));
  return std::string(buf, end);
}

namespace {
void write(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::double_:
      out += plain_number(v.get_double());
      return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        write(e, out);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, value] : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::string_view(key));
        out += ':';
        write(value, out);
      }
      out += '}';
      return;
    }
    default:
      out += json::serialize(v);  // strings (escaped), integers, booleans, null
  }
}
}  // namespace

std::string json_text(const json::value& v) {
  std::string out;
  write(v, out);
  return out;
}

}  // namespace omniroute
