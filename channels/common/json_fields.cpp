#include "common/json_fields.hpp"

#include <cstdio>

#include "omniroute/text.hpp"

namespace omniroute::channels {

namespace json = boost::json;

std::string str(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return "";
  if (it->value().is_string()) return std::string(it->value().get_string());
  if (it->value().is_int64()) return std::to_string(it->value().get_int64());
  if (it->value().is_uint64()) return std::to_string(it->value().get_uint64());
  if (it->value().is_double()) {  // coordinates: 17.385, not 1.7385E1
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.8g", it->value().get_double());
    return buf;
  }
  return "";
}

const json::object& obj_at(const json::object& o, std::string_view key) {
  static const json::object kEmpty;
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? it->value().get_object() : kEmpty;
}

const json::array& arr_at(const json::object& o, std::string_view key) {
  static const json::array kEmpty;
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? it->value().get_array() : kEmpty;
}

std::optional<json::object> json_object_of(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::string nfc(const std::string& s) { return to_nfc(s).value_or(s); }

}  // namespace omniroute::channels
