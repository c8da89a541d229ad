#pragma once
// Small JSON readers the Telegram channel's files share.

#include <boost/json.hpp>
#include <string>
#include <string_view>

namespace omniroute::channels::telegram {

/// `o[key]` as text (numbers written out, doubles as "17.385"), "" when absent.
std::string str(const boost::json::object& o, std::string_view key);
/// `o[key]` as an object, empty when absent or not an object.
const boost::json::object& obj_at(const boost::json::object& o, std::string_view key);
/// NFC, or `s` as it is when it cannot be normalised.
std::string nfc(const std::string& s);

}  // namespace omniroute::channels::telegram
