// The route table's matching: decoded segments (Boost.URL), literal segments before placeholders,
// 404 (no path) versus 405 (the path under other methods, with what is allowed).

#include <gtest/gtest.h>

#include "http/route_table.hpp"

namespace omniroute::http {
namespace {

using verb = beast_http::verb;
using Table = RouteTable<int>;

Table sample() {
  Table t;
  t.add(verb::get, "/v1/agents/{id}", Role::admin, 1);
  t.add(verb::delete_, "/v1/agents/{id}", Role::admin, 2);
  t.add(verb::get, "/v1/agents/me/offers", Role::agent, 3);
  t.add(verb::put, "/v1/conversations/{id}/labels/{label}", Role::agent_or_admin, 4);
  return t;
}

TEST(RouteTable, PlaceholdersAreDecodedSegmentsAndLiteralsWin) {
  Table t = sample();
  auto m = t.match(verb::put, *path_segments("/v1/conversations/v12/labels/%E0%A4%B5%E0%A4%BE%E0%A4%AA%E0%A4%B8%E0%A5%80?x=1"));
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->handler, 4);
  EXPECT_EQ(m.params["id"], "v12");
  EXPECT_EQ(m.params["label"], "वापसी");  // Hindi, percent-decoded whole
  auto me = t.match(verb::get, *path_segments("/v1/agents/me/offers"));
  ASSERT_NE(me.route, nullptr);
  EXPECT_EQ(me.route->handler, 3);
  auto agent = t.match(verb::get, *path_segments("/v1/agents/asha"));
  ASSERT_NE(agent.route, nullptr);
  EXPECT_EQ(agent.params["id"], "asha");
}

TEST(RouteTable, AKnownPathUnderAnotherMethodSaysWhatIsAllowed) {
  Table t = sample();
  auto m = t.match(verb::post, *path_segments("/v1/agents/asha"));
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(allowed_methods_text(m.allowed), "GET or DELETE");
  EXPECT_EQ(m.path_role, Role::admin);
  // The more specific path is not answered by the general one's methods.
  auto offers = t.match(verb::delete_, *path_segments("/v1/agents/me/offers"));
  EXPECT_EQ(offers.route, nullptr);
  EXPECT_EQ(allowed_methods_text(offers.allowed), "GET");
}

TEST(RouteTable, UnknownPathsAndEmptyPlaceholdersMatchNothing) {
  Table t = sample();
  for (const char* path : {"/v1/agents/", "/v1/agents", "/v1/agents/asha/extra", "/v2/agents/asha"}) {
    auto m = t.match(verb::get, *path_segments(path));
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

}  // namespace
}  // namespace omniroute::http
