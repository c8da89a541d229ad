#pragma once
// The HTTP API reference at /docs: docs/openapi.html (rendered from docs/openapi.yaml by scripts/openapi,
// self-contained) and the document itself at /docs/openapi.yaml, both embedded in the binary.

#include <optional>
#include <string_view>

#include "http/types.hpp"

namespace omniroute::web {

/// The reference's page or document for `path`, or nothing when `path` is not theirs.
std::optional<http::Response> serve_api_docs(const http::Request& request, std::string_view path);

}  // namespace omniroute::web
