// Every JSON response the integration tests receive is checked against docs/openapi.yaml
// (support/openapi_check.hpp): registered once for the integration test binary.

#include <gtest/gtest.h>

#include "support/openapi_check.hpp"

namespace omniroute::testing {
namespace {

class OpenApiChecks : public ::testing::Environment {
 public:
  void SetUp() override { enable_openapi_checks(true); }
  void TearDown() override { enable_openapi_checks(false); }
};

// A static registration in the test binary itself (not a library, so the linker keeps it).
const auto* const kRegistered = ::testing::AddGlobalTestEnvironment(new OpenApiChecks);

}  // namespace
}  // namespace omniroute::testing
