// The shipped Prometheus rules and Grafana dashboard against promtool and a
// live omnirouted: the rules are valid and fire as intended on synthetic
// series (deploy/prometheus/rules_test.yml), a real /metrics scrape passes
// `promtool check metrics`, and every series the rules and the dashboard read
// is one the daemon exposes (or a rule records), so neither can drift.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "integration/daemon_fixture.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

namespace omniroute::testing {
namespace {

namespace json = boost::json;
constexpr const char* kAdmin = "admin-token-for-metrics-0123";
const std::string kDeploy = std::string(OMNIROUTE_SOURCE_DIR) + "/deploy/";

/// Runs `command` in a shell; its exit status and what it printed (stdout and stderr).
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return {-1, "popen failed"};
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// omniroute_* and omniroute:* names in `text`, without _bucket/_count/_sum.
std::set<std::string> metric_names(const std::string& text) {
  std::set<std::string> out;
  static const std::regex name(R"(omniroute[_:][a-z0-9_:]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator(); ++it) {
    std::string n = it->str();
    for (const char* suffix : {"_bucket", "_count", "_sum"}) {
      if (n.size() > strlen(suffix) && n.ends_with(suffix)) n.resize(n.size() - strlen(suffix));
    }
    out.insert(n);
  }
  return out;
}

TEST(PrometheusRules, AreValidAndFireAsIntendedOnSyntheticSeries) {
  auto check = run("promtool check rules " + kDeploy + "prometheus/rules.yml");
  ASSERT_EQ(check.first, 0) << "promtool (Debian's prometheus package; ./scripts/test installs it):\n" << check.second;
  auto test = run("cd " + kDeploy + "prometheus && promtool test rules rules_test.yml");
  EXPECT_EQ(test.first, 0) << test.second;
  EXPECT_NE(test.second.find("SUCCESS"), std::string::npos) << test.second;
}

class LiveMetrics : public DaemonTest {
 protected:
  LiveMetrics() {
    start(config()
              .server("admin_token", kAdmin)
              .api_channel()
              .queue("{ id: general, channels: [api], sla: { first_response: 7m } }")
              .agent("{ id: ravi, token: ravi-token-0123456789, capacity: { chat: 5 } }"));
  }
  /// Traffic that makes every kind of series appear: a message, a reply, a resolve.
  void traffic() {
    ASSERT_EQ(as("ravi-token-0123456789", "PUT", "/v1/agents/me/status", R"({"status":"available"})").status, 200);
    ASSERT_EQ(post_message(port, "m1", "+919800000002", "नमस्ते").status, 200);
    std::string conv;
    ASSERT_TRUE(eventually([&] { return field(conv = conversation_of("+919800000002"), "agent") == "ravi"; }));
    ASSERT_EQ(as("ravi-token-0123456789", "POST", "/v1/conversations/" + conv + "/messages", R"({"text":"హలో"})").status,
              202);
    ASSERT_EQ(as("ravi-token-0123456789", "POST", "/v1/conversations/" + conv + "/resolve").status, 200);
  }
};

TEST_F(LiveMetrics, AScrapePassesPromtoolAndHasWhatTheRulesAndTheDashboardRead) {
  traffic();
  auto scrape = http_request(port, "GET", "/metrics");
  ASSERT_EQ(scrape.status, 200);
  TempDir dir;
  const std::string file = (dir.path() / "metrics.txt").string();
  std::ofstream(file) << scrape.body;
  auto lint = run("promtool check metrics < " + file);
  EXPECT_EQ(lint.first, 0) << lint.second;
  EXPECT_NE(scrape.body.find("omniroute_responses_total{queue=\"general\",measure=\"first_response\",result=\"met\"} 1"),
            std::string::npos);
  EXPECT_NE(scrape.body.find("omniroute_queue_oldest_wait_seconds{queue=\"general\"} 0"), std::string::npos);
  EXPECT_NE(scrape.body.find("omniroute_channel_last_inbound_timestamp_seconds{channel=\"api\"}"), std::string::npos);

  // Every name the rules or the dashboard read is exposed (HELP/TYPE at least) or recorded by a rule.
  const std::string rules = read(kDeploy + "prometheus/rules.yml");
  std::set<std::string> recorded;
  static const std::regex record(R"(record:\s*(omniroute:[a-z0-9_:]+))");
  for (auto it = std::sregex_iterator(rules.begin(), rules.end(), record); it != std::sregex_iterator(); ++it) {
    recorded.insert((*it)[1]);
  }
  ASSERT_FALSE(recorded.empty());
  const std::set<std::string> exposed = metric_names(scrape.body);
  const std::string dashboard = read(kDeploy + "grafana/omniroute.json");
  for (const auto& [what, text] : {std::pair{"rules.yml", rules}, std::pair{"omniroute.json", dashboard}}) {
    for (const auto& name : metric_names(text)) {
      EXPECT_TRUE(exposed.count(name) || recorded.count(name)) << what << " reads " << name << ", which nothing exposes";
    }
  }
}

TEST(GrafanaDashboard, ImportsWithTheDataSourceAsAnInput) {
  auto dashboard = json::parse(read(kDeploy + "grafana/omniroute.json")).as_object();
  const auto& input = dashboard.at("__inputs").as_array().at(0).as_object();
  EXPECT_EQ(input.at("type").as_string(), "datasource");
  EXPECT_EQ(input.at("pluginId").as_string(), "prometheus");
  const std::string ds = "${" + std::string(input.at("name").as_string()) + "}";
  const auto& panels = dashboard.at("panels").as_array();
  ASSERT_GE(panels.size(), 10u);
  for (const auto& p : panels) {
    for (const auto& t : p.at("targets").as_array()) {
      EXPECT_EQ(t.at("datasource").at("uid").as_string(), ds) << p.at("title");
      EXPECT_FALSE(t.at("expr").as_string().empty()) << p.at("title");
    }
  }
}

}  // namespace
}  // namespace omniroute::testing
