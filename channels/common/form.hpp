#pragma once
// application/x-www-form-urlencoded bodies, as Twilio and others post them.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace omniroute::channels {

using FormFields = std::vector<std::pair<std::string, std::string>>;

/// Decodes `body` into its fields in order; nullopt on a malformed %-escape.
std::optional<FormFields> parse_form(std::string_view body);

/// Encodes `fields` as application/x-www-form-urlencoded (UTF-8 bytes percent-encoded).
std::string form_encode(const FormFields& fields);

/// The first value of `name`, or nullptr.
const std::string* form_value(const FormFields& fields, std::string_view name);

}  // namespace omniroute::channels
