#pragma once
// Checks omnirouted's JSON responses against docs/openapi.yaml: the operation (path template and method)
// must be documented, the status too (exactly, as 4XX/5XX, or default), and the body must match the
// documented schema (type, required, properties, items, enum/const, oneOf/allOf, $ref). The integration
// tests turn it on for every request the test HTTP client makes (integration/openapi_environment.cpp),
// so the reference cannot drift from the code.

#include <string>
#include <vector>

namespace omniroute::testing {

/// True while responses are checked (set by the integration tests' environment).
bool openapi_checks_enabled();
void enable_openapi_checks(bool on);

/// What is wrong with this response by the document ("" when nothing). `target` may carry a query.
std::string openapi_violation(const std::string& method, const std::string& target, int status,
                              const std::string& content_type, const std::string& body);

}  // namespace omniroute::testing
