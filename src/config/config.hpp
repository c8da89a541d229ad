#pragma once
// The daemon's configuration, as loaded and validated from one YAML file.

#include <array>
#include <chrono>
#include <set>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "omniroute/channel.hpp"
#include "omniroute/conversation.hpp"
#include "config/secret_box.hpp"

namespace omniroute::config {

using Seconds = std::chrono::seconds;
using Millis = std::chrono::milliseconds;

/// host:port to listen on; host may be an IPv6 literal without brackets.
struct ListenAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
};

struct ServerConfig {
  ListenAddress listen;
  std::string public_url;   // without a trailing slash
  std::string admin_token;  // empty: admin API disabled
  int threads = 0;          // event loops; 0 = one per core
  std::size_t body_limit = std::size_t{1024} * 1024;
  std::size_t header_limit = std::size_t{16} * 1024;
  Millis read_timeout{10'000};   // a whole request must arrive within this
  Millis idle_timeout{60'000};   // keep-alive connections idle longer are closed
  Millis drain_timeout{10'000};  // on SIGTERM, in-flight work gets this long
  Millis first_request_timeout{5'000};  // a new connection must start a request within this
  std::size_t max_connections = 0;      // open connections; 0: half the file limit (at most 10,000)
  int max_sockets_per_agent = 5;        // event WebSockets one agent may hold open at once
  std::string secrets_key_file;         // the key sealing channels' secrets kept in Redis ("" none)
  std::shared_ptr<const SecretBox> secrets;  // that key, read at load; nullptr without one
};

/// Where Redis is: TCP host/port or a unix socket path.
struct RedisEndpoint {
  std::string host;  // empty for unix
  std::uint16_t port = 6379;
  std::string unix_path;
  int db = 0;
  std::string username;
  std::string password;
  bool tls = false;  // rediss://
};

/// A sentinel or a cluster seed: host:port.
struct RedisNode {
  std::string host;
  std::uint16_t port = 6379;
};

/// redis.tls: how the server is verified and how we prove who we are (files in PEM).
struct RedisTls {
  std::string ca_file;    // empty: the system's CA store
  std::string cert_file;  // a client certificate, when the server asks for one
  std::string key_file;
};

struct RedisConfig {
  RedisEndpoint endpoint;
  std::string url;
  RedisTls tls;
  std::vector<RedisNode> sentinels;  // with master_name: the data node is the master they name
  std::string master_name;
  std::vector<RedisNode> cluster;    // seeds: the data node owns the workspace's slot
  int replicas_ack = 0;              // a webhook is acknowledged once WAIT confirms this many replicas
  std::string workspace = "default";
  Millis command_timeout{2'000};
  Millis connect_timeout{2'000};
  Seconds dedupe_ttl{7 * 24 * 3600};
};

// Priorities are the conversation's (omniroute/conversation.hpp); config names them as before.
using omniroute::Priority;
using omniroute::priority_from;
using omniroute::to_string;

enum class Strategy { least_busy, round_robin, longest_idle };

/// What a team promises: each target 0 when not promised.
struct SlaTargets {
  Seconds first_response{0};  // from a conversation's first message to the first agent reply
  Seconds next_response{0};   // from a customer message left unanswered (after the first reply) to the next reply
  Seconds resolution{0};      // from the first message to resolved
  double warn_at = 0.8;       // warn at this fraction of each target
};

enum class SlaTarget { first_response, next_response, resolution };

struct SlaPolicy {
  SlaTargets targets;                         // every priority without its own
  std::map<Priority, SlaTargets> priorities;  // complete: what a priority leaves out comes from `targets`
  std::string calendar;                       // business-hours calendar id; "" = the clock always runs

  const SlaTargets& for_priority(Priority p) const {
    auto it = priorities.find(p);
    return it == priorities.end() ? targets : it->second;
  }
};

/// Queue-level alerts: raised when a measure goes over its threshold, cleared (once) when it
/// falls to `clear_at` of it, so a queue hovering at the line does not alert on every tick.
struct QueueAlertThresholds {
  Seconds oldest_wait{0};  // 0: not watched
  long depth = 0;          // 0: not watched
  double clear_at = 0.8;
};

/// Weekly opening hours in a time zone, minus holidays (sla/calendar.hpp).
struct CalendarConfig {
  std::string id;
  std::string timezone;
  std::array<std::vector<std::pair<int, int>>, 7> week;  // [0] = Sunday; minutes after local midnight
  std::set<int> holidays;                                 // local dates, days since 1970-01-01
};

struct QueueConfig {
  std::string id;
  std::vector<std::string> channels;
  Strategy strategy = Strategy::least_busy;
  std::vector<std::string> skills;
  std::optional<SlaPolicy> sla;
  std::string overflow_queue;
  Seconds overflow_after{0};
  Millis offer_timeout{0};  // 0: assign at once; else offer, and the agent accepts within this
  QueueAlertThresholds alert_when;
};

struct AgentConfig {
  std::string id;
  std::string name;
  std::string token;
  std::vector<std::string> skills;
  std::map<Medium, int> capacity;
  bool supervisor = false;  // a team lead: answers customers, and has a supervisor's view of the board
};

/// A named admin or supervisor account (admins: in the file). A supervisor reads everything and may
/// reassign, write notes and retry dead letters, but changes nothing else.
struct AdminConfig {
  std::string id;
  std::string name;
  std::string token;
  std::string role = "admin";  // admin | supervisor
};

struct RuleMatch {
  std::vector<std::string> channels;
  std::string text_matches;  // RE2 syntax
  std::string language;
  std::string tier;
};

struct RoutingRule {
  RuleMatch match;
  std::string queue;
  std::optional<Priority> priority;
  std::vector<std::string> skills;
};

struct AlertSink {
  std::string id;    // names its delivery group in Redis; default "<kind>-<n>"
  std::string kind;  // webhook, slack, email, log
  std::string url;
  std::string secret;
  std::string to;
  std::vector<std::string> queues;  // only these queues' alerts ([] = all)
  std::vector<std::string> kinds;   // only these kinds: warning, breached, queue ([] = all)
  std::string from;                 // email: the sender address
  std::string username, password;   // email: SMTP login, if the server wants one
};

/// How replies are delivered to providers.
struct OutboundConfig {
  Millis timeout{10'000};     // one provider call
  Millis retry_base{1'000};   // first retry after about this long, doubling each time
  Millis retry_max{60'000};   // never wait longer than this between tries
  int max_attempts = 6;       // then the message is dead-lettered
};

struct ChannelConfig {
  ChannelSettings settings;
  Medium medium = Medium::chat;
  int line = 0;  // where it is defined, for messages about it
  int column = 0;
  /// Auto-acknowledgement templates by language ("en", "hi", "te", …); empty: off. `{eta}` in a
  /// template becomes the expected wait in that language (sla/auto_ack.hpp).
  std::map<std::string, std::string> auto_ack;
  /// Customer satisfaction: after a conversation is resolved its customer gets `templates` (by language)
  /// and their next message within `window`, if it is a score (1–5, ⭐…, 👍 = 5, 👎 = 1), is stored
  /// with the conversation and reported (reports/csat.hpp). Off when there are no templates.
  struct Csat {
    Millis window{24 * 3600 * 1000};
    std::map<std::string, std::string> templates;
  };
  std::optional<Csat> csat;
  bool from_api = false;  // added through POST /v1/channels (kept in Redis), not the file
};

/// PostgreSQL, the history (off without a `history` section).
struct HistoryConfig {
  std::string url;  // postgresql://user:pass@host:port/db (or ?host=/socket/dir); "" = no history
  Millis archive_after{7LL * 24 * 3600 * 1000};  // a resolved conversation leaves Redis this long after
  Millis retention{400LL * 24 * 3600 * 1000};    // history older than this is deleted, month by month
  std::string migrate = "auto";                  // auto: the schema is brought up to date at start
  int pool = 4;                                  // connections per daemon for reads

  bool enabled() const { return !url.empty(); }
};

struct Config {
  std::string source;  // file it came from, for messages
  ServerConfig server;
  RedisConfig redis;
  OutboundConfig outbound;
  HistoryConfig history;
  std::vector<ChannelConfig> channels;  // the file's, then those added through the API (from_api)
  std::string api_channels_version;     // the version of Redis's api_channels these were read at ("" not yet)
  std::vector<QueueConfig> queues;
  std::vector<AgentConfig> agents;
  std::vector<AdminConfig> admins;
  std::vector<RoutingRule> rules;
  Millis sticky_window{0};     // 0: off
  Millis offline_grace{60'000};  // an agent whose event socket dropped goes offline after this
  std::vector<AlertSink> alerts;
  std::vector<CalendarConfig> calendars;
  /// Running the embedded default (no --config): on its first run the daemon creates a demo agent and, with no
  /// Whether agent `id` is a team lead (agents[].supervisor: true in the file).
  bool team_lead(std::string_view id) const;
  /// admin_token configured, an admin token kept (as a digest) in Redis, printing both once (daemon/first_run).
  bool first_run_demo = false;

  /// The queue a channel's conversations go to by default: the first queue listing it.
  const QueueConfig* default_queue(std::string_view channel_id) const;
};

std::string_view to_string(SlaTarget t);
std::string_view to_string(Strategy s);

}  // namespace omniroute::config
