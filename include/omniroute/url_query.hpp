#pragma once
// Request targets, query strings and application/x-www-form-urlencoded bodies,
// read and written with Boost.URL (RFC 3986; '+' is a space only in forms).
// The one place percent-encoding is decoded: nothing in omniroute hand-writes it.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace omniroute {

using FormFields = std::vector<std::pair<std::string, std::string>>;

/// A request target in origin form ("/path?query"), split and checked.
struct Target {
  std::string path;   // percent-decoded path ("/v1/reports/response_times")
  std::string query;  // as sent, without '?' ("" when none)
};

/// `target` parsed as an HTTP origin-form target; nullopt when it is not one (bad %-escape, no leading '/').
std::optional<Target> parse_target(std::string_view target);

/// The percent-decoded value of the first `name` in a whole target ("/p?a=1") or a bare query ("a=1");
/// nullopt when absent or when the query is malformed. '+' stays '+' (RFC 3986; a time zone offset
/// "+05:30" keeps its sign); browsers' encodeURIComponent writes a space as %20.
std::optional<std::string> query_value(std::string_view target_or_query, std::string_view name);

/// Every parameter of a whole target's query (or a bare query), percent-decoded, in order ('+' stays '+');
/// nullopt when the query is malformed.
std::optional<FormFields> query_fields(std::string_view target_or_query);

/// Decodes an application/x-www-form-urlencoded body ('+' is a space) into its fields in order;
/// nullopt on a malformed %-escape.
std::optional<FormFields> parse_form(std::string_view body);

/// Encodes `fields` as application/x-www-form-urlencoded (UTF-8 bytes percent-encoded, unreserved kept).
std::string form_encode(const FormFields& fields);

/// The first value of `name` in `fields`, or nullptr.
const std::string* form_value(const FormFields& fields, std::string_view name);

/// One percent-encoded component (a URL's user or password, a mailbox name) decoded; nullopt when malformed.
std::optional<std::string> percent_decoded(std::string_view component);

}  // namespace omniroute
