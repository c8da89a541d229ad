#pragma once
// Lenient readers for providers' JSON: a missing or mistyped field reads as
// empty, so one odd field never rejects a whole batched delivery.

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace omniroute::channels {

/// `o[key]` as text (integers written out, doubles as "17.385"), "" when absent or not scalar.
std::string str(const boost::json::object& o, std::string_view key);
/// `o[key]` as an object, empty when absent or not an object.
const boost::json::object& obj_at(const boost::json::object& o, std::string_view key);
/// `o[key]` as an array, empty when absent or not an array.
const boost::json::array& arr_at(const boost::json::object& o, std::string_view key);
/// `body` parsed as a JSON object, or nullopt (a provider's answer we read leniently).
std::optional<boost::json::object> json_object_of(std::string_view body);
/// NFC, or `s` as it is when it cannot be normalised.
std::string nfc(const std::string& s);

}  // namespace omniroute::channels
