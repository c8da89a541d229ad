// Named admins and supervisors (admins: in the file) through the real daemon, over every route of the
// daemon's own route table (which RouteTable.EveryDocumentedOperationIsRoutedAndEveryRouteIsDocumented keeps
// equal to docs/openapi.yaml, so a new endpoint cannot be left out): a supervisor reads everything but a
// contact's export, may reassign, write notes and retry dead letters, and gets 403 role_forbidden for every
// other change; a named admin may call everything; an agent is refused every admin-only route.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "config/loader.hpp"
#include "integration/config_builder.hpp"
#include "integration/daemon_routes.hpp"
#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

constexpr const char* kAdmin = "admin-token-0123456789";
constexpr const char* kMeena = "meena-admin-token-0123456789";     // admins[meena], role admin
constexpr const char* kSunil = "sunil-supervisor-token-0123456";   // admins[sunil], role supervisor
constexpr const char* kAsha = "asha-token-0123456789";
constexpr const char* kKiran = "kiran-team-lead-token-012345";  // agents[kiran], supervisor: true (a team lead)

using RouteCase = DaemonRoute;
std::vector<RouteCase> every_route() { return daemon_routes(); }

/// A concrete target for a pattern: every {parameter} given a harmless value.
std::string target_of(const std::string& pattern) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size();) {
    if (pattern[i] != '{') {
      out += pattern[i++];
      continue;
    }
    std::size_t end = pattern.find('}', i);
    std::string name = pattern.substr(i + 1, end - i - 1);
    out += name == "sha256" ? std::string(64, '0') : name == "channel" ? "api" : name == "id" ? "x1" : "vip";
    i = end + 1;
  }
  return out;
}

bool supervisor_change(const RouteCase& r) {
  return r.method == "POST" && (r.pattern == "/v1/conversations/{id}/transfer" || r.pattern == "/v1/conversations/{id}/notes" ||
                                r.pattern == "/v1/outbox/dead/{id}/retry");
}

class Roles : public ::testing::Test {
 protected:
  Roles() : port(free_port()), daemon(config(), port) {}
  std::string config() const { return config_for(port); }
  std::string config_for(std::uint16_t at) const {
    ConfigBuilder cfg(at, redis.url());
    cfg.server("admin_token", kAdmin)
        .server("public_url", origin_of(at))
        .api_channel()
        .queue("{ id: general, channels: [api] }")
        .agent(std::string("{ id: asha, token: ") + kAsha + ", capacity: { chat: 5 } }")
        .agent(std::string("{ id: kiran, token: ") + kKiran + ", capacity: { chat: 5 }, supervisor: true }");
    return cfg.yaml() + "admins:\n  - { id: meena, name: Meena Iyer, token: " + kMeena + " }\n"
                        "  - { id: sunil, name: Sunil Rao, token: " + kSunil + ", role: supervisor }\n";
  }
  HttpResult call(const std::string& token, const RouteCase& r) {
    const bool body = r.method != "GET" && r.method != "DELETE";
    return as_bearer(port, token, r.method, target_of(r.pattern), body ? "{}" : "");
  }
  RedisServer redis;
  std::uint16_t port;
  DaemonProcess daemon;
};

bool role_forbidden(const HttpResult& r) { return r.status == 403 && r.body.find("role_forbidden") != std::string::npos; }

TEST_F(Roles, ASupervisorReadsEverythingAndChangesOnlyAssignmentsNotesAndDeadLetters) {
  int checked = 0;
  for (const auto& r : every_route()) {
    if (r.role == http::Role::anyone || r.role == http::Role::agent) continue;
    if (r.pattern == "/v1/events") continue;  // a WebSocket: opened by the board (tested below)
    auto res = call(kSunil, r);
    SCOPED_TRACE(r.method + " " + r.pattern + " -> " + std::to_string(res.status) + " " + res.body);
    EXPECT_NE(res.status, 401);
    // Reads are theirs, but a person's export and the audit log are the admins'.
    const bool read = r.method == "GET" && r.pattern != "/v1/contacts/{id}/export" && r.pattern != "/v1/audit";
    if (read || supervisor_change(r)) {
      EXPECT_FALSE(role_forbidden(res));
      EXPECT_TRUE(res.status < 500 || res.body.find("history_unavailable") != std::string::npos);  // no history here
    } else {
      EXPECT_TRUE(role_forbidden(res));
    }
    ++checked;
  }
  EXPECT_GT(checked, 25);
}

TEST_F(Roles, ATeamLeadAnswersCustomersAsAnAgentAndHasTheSupervisorsViewOfTheAdminSide) {
  int checked = 0;
  for (const auto& r : every_route()) {
    if (r.role != http::Role::admin || r.pattern == "/v1/events") continue;
    auto lead = call(kKiran, r);
    SCOPED_TRACE(r.method + " " + r.pattern + " -> " + std::to_string(lead.status) + " " + lead.body);
    const bool read = r.method == "GET" && r.pattern != "/v1/contacts/{id}/export" && r.pattern != "/v1/audit";
    EXPECT_NE(lead.status, 401);
    if (read || supervisor_change(r)) EXPECT_FALSE(role_forbidden(lead));
    else EXPECT_TRUE(role_forbidden(lead));
    ++checked;
  }
  EXPECT_GT(checked, 25);
  // Still an agent: their own conversations and status; the session says they may open the board.
  EXPECT_EQ(as_bearer(port, kKiran, "GET", "/v1/agents/me/conversations").status, 200);
  auto session = as_bearer(port, kKiran, "GET", "/v1/session");
  EXPECT_NE(session.body.find(R"("kind":"agent","supervisor":true)"), std::string::npos) << session.body;
  EXPECT_NE(as_bearer(port, kAsha, "GET", "/v1/session").body.find(R"("supervisor":false)"), std::string::npos);
  EXPECT_EQ(as_bearer(port, kAsha, "GET", "/v1/queues").status / 100, 4);
}

TEST_F(Roles, ANamedAdminMayCallEveryRouteAndAnAgentNoAdminOne) {
  for (const auto& r : every_route()) {
    if (r.role == http::Role::anyone || r.role == http::Role::agent || r.pattern == "/v1/events") continue;
    auto admin = call(kMeena, r);
    SCOPED_TRACE(r.method + " " + r.pattern + " -> " + std::to_string(admin.status) + " " + admin.body);
    EXPECT_NE(admin.status, 401);
    EXPECT_FALSE(role_forbidden(admin));
    EXPECT_TRUE(admin.status < 500 || admin.body.find("history_unavailable") != std::string::npos);  // no history here
    if (r.role == http::Role::admin) {
      auto agent = call(kAsha, r);
      EXPECT_TRUE(agent.status == 401 || agent.status == 403) << agent.status;
    }
  }
}

TEST_F(Roles, AdminsAddedThroughTheApiSignInOnEveryDaemonAndLoseTheirAccessWhenRotatedOrRemoved) {
  auto added = as_bearer(port, kMeena, "POST", "/v1/admins", R"({"id":"priya","name":"प्रिया","role":"supervisor"})");
  ASSERT_EQ(added.status, 201) << added.body;
  const std::string token(boost::json::parse(added.body).at("token").as_string());
  ASSERT_GE(token.size(), 32u);
  // A second daemon on the same Redis knows her at once.
  std::uint16_t other = free_port();
  DaemonProcess second(config_for(other), other);
  EXPECT_EQ(as_bearer(other, token, "GET", "/v1/queues").status, 200);
  EXPECT_TRUE(role_forbidden(as_bearer(other, token, "POST", "/v1/agents", R"({"id":"x","capacity":{"chat":1}})")));
  // The list: the file's accounts and hers; the file's are read-only here.
  auto list = as_bearer(port, kMeena, "GET", "/v1/admins");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find(R"("id":"priya","name":"प्रिया","role":"supervisor","source":"api")"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find(R"("id":"sunil","name":"Sunil Rao","role":"supervisor","source":"config")"), std::string::npos);
  EXPECT_EQ(list.body.find(token), std::string::npos);
  EXPECT_EQ(as_bearer(port, kMeena, "DELETE", "/v1/admins/sunil").status, 409);
  EXPECT_EQ(as_bearer(port, kMeena, "POST", "/v1/admins", R"({"id":"sunil"})").status, 409);
  EXPECT_EQ(as_bearer(port, kMeena, "POST", "/v1/admins", R"({"id":"priya"})").status, 409);
  EXPECT_EQ(as_bearer(port, kMeena, "POST", "/v1/admins", R"({"id":"x","role":"owner"})").status, 400);
  // Promoted, she may change things; a supervisor may not add admins.
  EXPECT_TRUE(role_forbidden(as_bearer(port, kSunil, "POST", "/v1/admins", R"({"id":"eve","role":"admin"})")));
  ASSERT_EQ(as_bearer(port, kMeena, "PUT", "/v1/admins/priya", R"({"role":"admin"})").status, 200);
  EXPECT_EQ(as_bearer(other, token, "POST", "/v1/agents", R"({"id":"ravi","capacity":{"chat":1}})").status, 201);
  // A rotated token: the old one names nobody; removed: neither does the new one.
  auto rotated = as_bearer(port, kMeena, "POST", "/v1/admins/priya/token");
  ASSERT_EQ(rotated.status, 200);
  const std::string fresh(boost::json::parse(rotated.body).at("token").as_string());
  EXPECT_EQ(as_bearer(other, token, "GET", "/v1/queues").status, 401);
  EXPECT_EQ(as_bearer(other, fresh, "GET", "/v1/queues").status, 200);
  ASSERT_EQ(as_bearer(port, kMeena, "DELETE", "/v1/admins/priya").status, 204);
  EXPECT_EQ(as_bearer(other, fresh, "GET", "/v1/queues").status, 401);
  // All of it in the audit log, tokens as "set".
  auto audit = as_bearer(port, kMeena, "GET", "/v1/audit?actor=meena");
  for (const char* action : {"admin.created", "admin.updated", "admin.token_rotated", "admin.removed"}) {
    EXPECT_NE(audit.body.find(std::string("\"action\":\"") + action + "\""), std::string::npos) << action << " " << audit.body;
  }
  EXPECT_EQ(audit.body.find(token), std::string::npos);
  EXPECT_EQ(audit.body.find(fresh), std::string::npos);
}

TEST_F(Roles, SupervisorsSignInToTheBoardAndTheirNotesAreSignedWithTheirName) {
  auto who = [&](const std::string& token) {
    auto r = http_request(port, "GET", "/v1/session", {{"Authorization", "Bearer " + token}}, "");
    EXPECT_EQ(r.status, 200) << r.body;
    return boost::json::parse(r.body).as_object();
  };
  EXPECT_EQ(who(kSunil).at("role"), "supervisor");
  EXPECT_EQ(who(kSunil).at("id"), "sunil");
  EXPECT_EQ(who(kMeena).at("role"), "admin");
  EXPECT_EQ(who(kAdmin).at("id"), "token");
  // A session from the supervisor's token is a supervisor's too.
  const std::string cookie = sign_in_cookie(port, kSunil);
  ASSERT_FALSE(cookie.empty());
  auto by_cookie = http_request(port, "POST", "/v1/agents",
                                {{"Cookie", cookie}, {"Origin", origin_of(port)}, {"Content-Type", "application/json"}},
                                R"({"id":"ravi","capacity":{"chat":1}})");
  EXPECT_TRUE(role_forbidden(by_cookie)) << by_cookie.status << " " << by_cookie.body;
  // A note by the supervisor is theirs.
  ASSERT_EQ(post_message(port, "m-1", "cust-1", "मदद चाहिए").status, 200);
  const std::string conv = conversation_of(redis, "cust-1");
  auto note = as_bearer(port, kSunil, "POST", "/v1/conversations/" + conv + "/notes", R"({"text":"VIP, handle with care"})");
  ASSERT_EQ(note.status, 201) << note.body;
  auto c = as_bearer(port, kSunil, "GET", "/v1/conversations/" + conv);
  ASSERT_EQ(c.status, 200);
  EXPECT_NE(c.body.find(R"("author":"sunil")"), std::string::npos) << c.body;
  // Reassigning is theirs to do.
  auto moved = as_bearer(port, kSunil, "POST", "/v1/conversations/" + conv + "/transfer", R"({"agent":"asha"})");
  EXPECT_FALSE(role_forbidden(moved)) << moved.body;
}

/// The audit log's entries (newest first) as the API answers them to `token`.
boost::json::array audit_entries(std::uint16_t port, const std::string& token, const std::string& query = "") {
  auto r = as_bearer(port, token, "GET", "/v1/audit" + query);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? boost::json::parse(r.body).at("entries").as_array() : boost::json::array{};
}

TEST(Audit, EachChangeIsRecordedOnceWithItsAuthorWhicheverDaemonMadeItAndSecretsAreSet) {
  RedisServer redis;
  std::uint16_t port_a = free_port(), port_b = free_port();
  auto config = [&](std::uint16_t port) {
    ConfigBuilder cfg(port, redis.url());
    cfg.server("admin_token", kAdmin).server("public_url", origin_of(port)).api_channel()
        .queue("{ id: general, channels: [api] }")
        .agent(std::string("{ id: asha, token: ") + kAsha + ", capacity: { chat: 5 } }")
        .agent(std::string("{ id: kiran, token: ") + kKiran + ", capacity: { chat: 5 }, supervisor: true }");
    return cfg.yaml() + "admins:\n  - { id: meena, name: Meena Iyer, token: " + kMeena + " }\n"
                        "  - { id: sunil, name: Sunil Rao, token: " + kSunil + ", role: supervisor }\n";
  };
  DaemonProcess a(config(port_a), port_a), b(config(port_b), port_b);
  // On daemon A, Meena adds an agent (with a token), renames her, rotates her token; on B she removes her.
  ASSERT_EQ(as_bearer(port_a, kMeena, "POST", "/v1/agents",
                      R"({"id":"ravi","name":"Ravi","token":"ravi-secret-token-0123456","capacity":{"chat":2}})").status, 201);
  ASSERT_EQ(as_bearer(port_a, kMeena, "PUT", "/v1/agents/ravi", R"({"name":"Ravi Kumar","capacity":{"chat":3}})").status, 200);
  ASSERT_EQ(as_bearer(port_a, kMeena, "POST", "/v1/agents/ravi/token").status, 200);
  ASSERT_EQ(as_bearer(port_b, kMeena, "DELETE", "/v1/agents/ravi").status, 204);
  // The shared token changes the label catalogue and a canned response; the supervisor reassigns.
  ASSERT_EQ(as_bearer(port_b, kAdmin, "PUT", "/v1/labels/vip", R"({"description":"पुराने ग्राहक","color":"red"})").status / 100, 2);
  ASSERT_EQ(as_bearer(port_b, kAdmin, "PUT", "/v1/canned_responses/thanks",
                      R"({"shortcut":"thanks","variants":{"en":"Thank you {contact.name}","te":"ధన్యవాదాలు {contact.name}"}})").status / 100, 2);
  ASSERT_EQ(post_message(port_a, "m-1", "cust-1", "नमस्ते").status, 200);
  const std::string conv = conversation_of(redis, "cust-1");
  ASSERT_EQ(as_bearer(port_a, kAsha, "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
  ASSERT_EQ(as_bearer(port_a, kSunil, "POST", "/v1/conversations/" + conv + "/transfer", R"({"agent":"asha"})").status / 100, 2);
  // A refused change is no change: nothing recorded.
  EXPECT_EQ(as_bearer(port_a, kSunil, "DELETE", "/v1/labels/vip").status, 403);
  ASSERT_EQ(as_bearer(port_a, kAsha, "GET", "/v1/audit").status, 401);
  EXPECT_EQ(as_bearer(port_a, kSunil, "GET", "/v1/audit").status, 403) << "the audit log is the admins'";

  auto entries = audit_entries(port_b, kMeena);
  std::vector<std::string> actions;
  for (const auto& e : entries) actions.push_back(std::string(e.at("action").as_string()));
  const std::vector<std::string> expected{"conversation.reassigned", "canned_response.changed", "label.changed",
                                          "agent.removed", "agent.token_rotated", "agent.updated", "agent.created"};
  EXPECT_EQ(actions, expected) << boost::json::serialize(entries);
  auto find = [&](const std::string& action) {
    for (const auto& e : entries) {
      if (e.at("action") == action.c_str()) return e.as_object();
    }
    return boost::json::object{};
  };
  auto created = find("agent.created");
  EXPECT_EQ(created.at("actor"), "meena");
  EXPECT_EQ(created.at("target").at("type"), "agent");
  EXPECT_EQ(created.at("target").at("id"), "ravi");
  EXPECT_TRUE(created.at("before").is_null());
  EXPECT_EQ(created.at("after").at("name"), "Ravi");
  auto updated = find("agent.updated");
  EXPECT_EQ(updated.at("before").at("name"), "Ravi");
  EXPECT_EQ(updated.at("after").at("name"), "Ravi Kumar");
  EXPECT_EQ(find("agent.removed").at("before").at("name"), "Ravi Kumar");
  EXPECT_TRUE(find("agent.removed").at("after").is_null());
  EXPECT_EQ(find("agent.token_rotated").at("after").at("token"), "set");
  EXPECT_EQ(find("label.changed").at("actor"), "token");
  EXPECT_EQ(find("conversation.reassigned").at("actor"), "sunil");
  EXPECT_EQ(find("conversation.reassigned").at("after").at("agent"), "asha");
  // No token appears anywhere in the log, whatever was sent.
  const std::string all = boost::json::serialize(entries);
  EXPECT_EQ(all.find("ravi-secret-token"), std::string::npos);
  // Filters, and the same rows as CSV.
  EXPECT_EQ(audit_entries(port_a, kAdmin, "?actor=sunil").size(), 1u);
  EXPECT_EQ(audit_entries(port_a, kAdmin, "?action=agent.created").size(), 1u);
  EXPECT_EQ(audit_entries(port_a, kAdmin, "?to=2020-01-01T00:00:00Z").size(), 0u);
  auto csv = http_request(port_a, "GET", "/v1/audit?action=agent.created",
                          {{"Authorization", std::string("Bearer ") + kAdmin}, {"Accept", "text/csv"}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("at,actor,action,target_type,target_id,before,after\r\n", 0), 0u);
  EXPECT_NE(csv.body.find(",meena,agent.created,agent,ravi,"), std::string::npos) << csv.body;
  EXPECT_EQ(as_bearer(port_a, kAdmin, "GET", "/v1/audit?from=yesterday").status, 400);
  // The same from the command line, for the on-call engineer.
  auto cli = run_to_end(omnictl_binary(), {"--url", origin_of(port_a), "audit", "--actor", "meena", "--action", "agent.updated"},
                        {std::string("OMNIROUTE_ADMIN_TOKEN=") + kAdmin});
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_NE(cli.output.find("agent.updated"), std::string::npos) << cli.output;
  EXPECT_NE(cli.output.find("name=Ravi Kumar"), std::string::npos) << cli.output;
  EXPECT_EQ(cli.output.find("agent.created"), std::string::npos) << cli.output;
}

TEST(Audit, AdminsAndSupervisorsSigningInAndOutAreRecorded) {
  RedisServer redis;
  std::uint16_t port = free_port();
  ConfigBuilder cfg(port, redis.url());
  cfg.server("admin_token", kAdmin).server("public_url", origin_of(port)).api_channel()
      .queue("{ id: general, channels: [api] }")
      .agent(std::string("{ id: asha, token: ") + kAsha + ", capacity: { chat: 5 } }");
  DaemonProcess daemon(cfg.yaml() + "admins:\n  - { id: sunil, token: " + kSunil + ", role: supervisor }\n", port);
  const std::string cookie = sign_in_cookie(port, kSunil);
  ASSERT_FALSE(cookie.empty());
  ASSERT_FALSE(sign_in_cookie(port, kAsha).empty());  // an agent's sign-in is not the audit log's
  ASSERT_EQ(http_request(port, "DELETE", "/v1/session", {{"Cookie", cookie}, {"Origin", origin_of(port)}}).status, 204);
  auto entries = audit_entries(port, kAdmin);
  ASSERT_EQ(entries.size(), 2u) << boost::json::serialize(entries);
  EXPECT_EQ(entries[0].at("action"), "session.signed_out");
  EXPECT_EQ(entries[1].at("action"), "session.signed_in");
  EXPECT_EQ(entries[1].at("actor"), "sunil");
}

TEST(RolesConfig, AdminsAreCheckedAtTheirLines) {
  RedisServer redis;
  std::uint16_t port = free_port();
  ConfigBuilder cfg(port, redis.url());
  cfg.api_channel().queue("{ id: general, channels: [api] }");
  const std::string yaml = cfg.yaml() + "admins:\n  - { id: token, token: short, role: owner }\n";
  ChannelRegistry registry;
  register_builtin_channels(registry);
  try {
    config::load_config_text(yaml, "omniroute.yaml", registry);
    FAIL() << "accepted";
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'token' is the name of server.admin_token"), std::string::npos) << what;
    EXPECT_NE(what.find("admins[0].token"), std::string::npos) << what;
    EXPECT_NE(what.find("admins[0].role"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace omniroute::testing
