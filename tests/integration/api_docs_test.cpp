// The API reference at /docs: the page rendered from docs/openapi.yaml, served from the binary with
// nothing loaded from elsewhere, and the document itself beside it.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "integration/daemon_fixture.hpp"
#include "support/http_client.hpp"

namespace omniroute::testing {
namespace {

std::string source_file(const std::string& relative) {
  std::ifstream f(std::string(OMNIROUTE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

class ApiDocs : public DaemonTest {
 protected:
  ApiDocs() { start(config().api_channel().queue("{ id: general, channels: [api] }")); }
};

TEST_F(ApiDocs, TheReferenceIsServedAtDocsWithNothingFromElsewhere) {
  auto page = http_request(port, "GET", "/docs");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(page.body, source_file("docs/openapi.html"));
  EXPECT_NE(page.body.find("omniroute HTTP API"), std::string::npos);
  EXPECT_NE(page.body.find("/v1/reports/response_times"), std::string::npos);
  EXPECT_EQ(page.body.find("src=\"http"), std::string::npos) << "a script or image from elsewhere";
  EXPECT_EQ(page.body.find("fonts.googleapis.com"), std::string::npos);
  // Its scripts are inline: the policy allows exactly that, and nothing from other origins.
  const std::string csp = page.headers["content-security-policy"];
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("http"), std::string::npos) << csp;

  auto spec = http_request(port, "GET", "/docs/openapi.yaml");
  ASSERT_EQ(spec.status, 200);
  EXPECT_EQ(spec.body, source_file("docs/openapi.yaml"));
  EXPECT_EQ(http_request(port, "POST", "/docs").status, 405);
  EXPECT_EQ(http_request(port, "GET", "/docs/").body, page.body);  // with a trailing slash, as links often have it
}

}  // namespace
}  // namespace omniroute::testing
