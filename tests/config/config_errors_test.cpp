// Configuration problems are reported as FILE:LINE:COL: message, all at once.

#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace omniroute::config {
namespace {

EnvLookup env_with(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

/// The problems of `yaml` as printed by --check-config ("" when it is valid).
std::string problems(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  ChannelRegistry registry;
  register_builtin_channels(registry);
  try {
    load_config_text(yaml, "omniroute.yaml", registry, env_with(std::move(env)));
    return "";
  } catch (const ConfigError& e) {
    return e.what();
  }
}

Config load(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  ChannelRegistry registry;
  register_builtin_channels(registry);
  return load_config_text(yaml, "omniroute.yaml", registry, env_with(std::move(env)));
}

const std::string kValid = R"(server:
  listen: 127.0.0.1:8080
  public_url: https://support.example.com/
redis:
  url: redis://127.0.0.1:6379/0
channels:
  - id: sms
    kind: twilio_sms
    account_sid: AC00000000000000000000000000000000
    auth_token: ${TWILIO_AUTH_TOKEN}
    from: "+15005550006"
  - id: api
    kind: webhook
    secret: s3cret
queues:
  - id: general
    channels: [sms, api]
    sla:
      first_response: 15m
      warn_at: 0.8
)";

TEST(ConfigErrors, ValidFileLoadsWithEnvExpanded) {
  Config c = load(kValid, {{"TWILIO_AUTH_TOKEN", "tok"}});
  ASSERT_EQ(c.channels.size(), 2u);
  EXPECT_EQ(c.channels[0].settings.get("auth_token"), "tok");
  EXPECT_EQ(c.channels[0].settings.get("api_base"), "https://api.twilio.com");
  EXPECT_EQ(c.server.public_url, "https://support.example.com");
  EXPECT_EQ(c.queues[0].sla->targets.first_response, std::chrono::minutes(15));
  EXPECT_EQ(c.default_queue("api")->id, "general");
}

TEST(ConfigErrors, MissingEnvironmentVariableIsNamedAtItsPosition) {
  EXPECT_EQ(problems(kValid),
            "omniroute.yaml:10:17: channels[0].auth_token: environment variable TWILIO_AUTH_TOKEN is not set\n");
}

TEST(ConfigErrors, EnvDefaultIsUsedWhenUnset) {
  Config c = load("redis:\n  workspace: ${WS:-acme}\nchannels: []\n");
  EXPECT_EQ(c.redis.workspace, "acme");
}

TEST(ConfigErrors, UnknownKeySuggestsTheNearestOne) {
  EXPECT_EQ(problems("server:\n  lisen: 127.0.0.1:80\n"),
            "omniroute.yaml:2:3: unknown key 'lisen' in server (did you mean 'listen'?)\n");
}

TEST(ConfigErrors, UnknownTopLevelKey) {
  EXPECT_EQ(problems("queue:\n  - id: x\n"),
            "omniroute.yaml:1:1: unknown key 'queue' at the top level (did you mean 'queues'?)\n");
}

TEST(ConfigErrors, UnknownChannelKeyIsCheckedAgainstItsKindsSchema) {
  EXPECT_EQ(problems("channels:\n  - id: api\n    kind: webhook\n    secret: x\n    secrett: y\n"
                     "queues:\n  - id: q\n    channels: [api]\n"),
            "omniroute.yaml:5:5: unknown key 'secrett' in channels[0] (did you mean 'secret'?)\n");
}

TEST(ConfigErrors, UnknownChannelKind) {
  EXPECT_EQ(problems("channels:\n  - id: sms\n    kind: twilio\n"),
            "omniroute.yaml:3:11: channels[0].kind: unknown channel kind 'twilio' (did you mean 'twilio_sms'?)\n");
}

TEST(ConfigErrors, QueueNamingAnUndefinedChannel) {
  EXPECT_EQ(problems("channels:\n  - id: sms\n    kind: webhook\n    secret: x\n"
                     "queues:\n  - id: q\n    channels: [sms, smss2]\n"),
            "omniroute.yaml:7:15: queues[0].channels: channel 'smss2' is not defined (did you mean 'sms'?)\n");
}

TEST(ConfigErrors, ChannelInNoQueue) {
  EXPECT_EQ(problems("channels:\n  - id: api\n    kind: webhook\n    secret: x\n"),
            "omniroute.yaml:2:5: channel 'api' is in no queue's channels: its conversations would never reach an "
            "agent\n");
}

TEST(ConfigErrors, BadDurationAndRange) {
  EXPECT_EQ(problems("queues:\n  - id: q\n    sla:\n      first_response: 15 minutes\n      warn_at: 1.5\n"),
            "omniroute.yaml:4:23: queues[0].sla.first_response: expected a duration such as 90s, 15m, 2h or 1d, "
            "got '15 minutes'\n"
            "omniroute.yaml:5:16: queues[0].sla.warn_at: must be between 0.01 and 0.99, got 1.5\n");
}

TEST(ConfigErrors, WrongTypeForAList) {
  EXPECT_EQ(problems("channels:\n  id: api\n"),
            "omniroute.yaml:2:3: channels: expected a list of entries, each starting with '- '\n");
}

TEST(ConfigErrors, EveryProblemIsReportedAtOnceInFileOrder) {
  std::string out = problems(
      "server:\n  listen: nowhere\nredis:\n  url: http://x\nchannels:\n  - id: api\n    kind: webhook\n"
      "queues:\n  - id: q\n    channels: [api]\n    strategy: fastest\n");
  EXPECT_EQ(out,
            "omniroute.yaml:2:11: server.listen: expected host:port, got 'nowhere'\n"
            "omniroute.yaml:4:8: redis.url: expected redis://host:port/db, rediss://host:port/db or unix:///path, got "
            "'http://x'\n"
            "omniroute.yaml:6:5: missing required key 'secret' in channels[0]\n"
            "omniroute.yaml:11:15: queues[0].strategy: 'fastest' is not one of least_busy, longest_idle, "
            "round_robin\n");
}

TEST(ConfigErrors, ProductionRedisKeysAreReadAndCheckedAtTheirLines) {
  Config c = load(
      "redis:\n  url: rediss://omniroute:${REDIS_PASSWORD}@ignored:1/2\n  sentinels: [10.0.0.1:26379, \"[::1]:26380\"]\n"
      "  master_name: main\n  replicas_ack: 1\nchannels: []\n",
      {{"REDIS_PASSWORD", "p@ss:w/rd"}});
  EXPECT_TRUE(c.redis.endpoint.tls);
  EXPECT_EQ(c.redis.endpoint.username, "omniroute");
  EXPECT_EQ(c.redis.endpoint.password, "p@ss:w/rd");
  EXPECT_EQ(c.redis.endpoint.db, 2);
  ASSERT_EQ(c.redis.sentinels.size(), 2u);
  EXPECT_EQ(c.redis.sentinels[1].host, "::1");
  EXPECT_EQ(c.redis.sentinels[1].port, 26380);
  EXPECT_EQ(c.redis.master_name, "main");
  EXPECT_EQ(c.redis.replicas_ack, 1);

  EXPECT_EQ(problems("redis:\n  url: rediss://h:6380/0\n  tls:\n    ca_file: /nonexistent/ca.pem\n"
                     "    key_file: /nonexistent/client.key\nchannels: []\n"),
            "omniroute.yaml:4:14: redis.tls.ca_file: cannot read /nonexistent/ca.pem: No such file or directory\n"
            "omniroute.yaml:5:15: redis.tls.key_file: cannot read /nonexistent/client.key: No such file or directory\n"
            "omniroute.yaml:5:15: redis.tls.key_file: key_file needs cert_file\n");
  EXPECT_EQ(problems("redis:\n  url: redis://h:6379/0\n  tls:\n    cert_file: /etc/hostname\nchannels: []\n"),
            "omniroute.yaml:4:5: redis.tls: redis.tls needs a rediss:// url\n");
  EXPECT_EQ(problems("redis:\n  sentinels: [a:1]\n  cluster: [b:2, nowhere]\nchannels: []\n"),
            "omniroute.yaml:2:14: redis.sentinels: sentinels need master_name\n"
            "omniroute.yaml:3:12: redis.cluster: expected host:port, got 'nowhere'\n"
            "omniroute.yaml:3:12: redis.cluster: use sentinels or cluster, not both\n");
  EXPECT_EQ(problems("redis:\n  url: redis://h/3\n  cluster: [b:2]\n  replicas_ack: 99\nchannels: []\n"),
            "omniroute.yaml:2:8: redis.url: Redis Cluster has database 0 only\n"
            "omniroute.yaml:4:17: redis.replicas_ack: must be between 0 and 16, got 99\n");
}

TEST(ConfigErrors, ARedisPasswordIsNeverRepeatedInAnError) {
  std::string out = problems("redis:\n  url: rediss://user:hunter2@host:notaport/0\nchannels: []\n");
  EXPECT_NE(out, "");
  EXPECT_EQ(out.find("hunter2"), std::string::npos) << out;
  out = problems("redis:\n  url: http://user:hunter2@host\nchannels: []\n");
  EXPECT_EQ(out.find("hunter2"), std::string::npos) << out;
}

TEST(ConfigErrors, YamlSyntaxErrorHasItsPosition) {
  EXPECT_EQ(problems("server:\n  listen: [1, 2\n"), "omniroute.yaml:3:1: end of sequence flow not found\n");
}

TEST(ConfigErrors, DuplicateIds) {
  EXPECT_EQ(problems("channels:\n  - id: a\n    kind: webhook\n    secret: x\n  - id: a\n    kind: webhook\n"
                     "    secret: y\nqueues:\n  - id: q\n    channels: [a]\n"),
            "omniroute.yaml:5:9: channels[1].id: channel id 'a' is used twice\n");
}

TEST(ConfigErrors, TwilioNeedsPublicUrlAndAnE164Sender) {
  EXPECT_EQ(problems("channels:\n  - id: sms\n    kind: twilio_sms\n    account_sid: AC1\n    auth_token: t\n"
                     "    from: 5550006\nqueues:\n  - id: q\n    channels: [sms]\n"),
            "omniroute.yaml:3:11: channels[0].kind: channels of kind 'twilio_sms' need server.public_url: the "
            "provider signs the URL it calls\n"
            "omniroute.yaml:6:11: channels[0].from: expected a phone number in E.164 form such as +15005550006, "
            "got '5550006'\n");
}

TEST(ConfigErrors, AWebChatsOriginsAndOfflineEmailAreCheckedAtTheirLines) {
  EXPECT_EQ(problems("channels:\n  - id: site\n    kind: webchat\n    secret: s\n"
                     "    allowed_origins: [\"https://shop.example\", \"http://shop.example\", \"https://shop.example/\"]\n"
                     "    offline_email: api\n    max_attachment: 2GB\n"
                     "  - id: api\n    kind: webhook\n    secret: s\nqueues:\n  - id: q\n    channels: [site, api]\n"),
            "omniroute.yaml:2:5: channels: 'site': offline_email 'api' is not an e-mail channel of this configuration\n"
            "omniroute.yaml:5:22: channels[0].allowed_origins: 'http://shop.example' is plain http: only https origins may "
            "embed the chat (http only for 127.0.0.1 or localhost)\n"
            "omniroute.yaml:5:22: channels[0].allowed_origins: 'https://shop.example/' is not an origin such as "
            "https://shop.example or https://shop.example:8443 (scheme, host and port only: no path, no trailing '/')\n"
            "omniroute.yaml:7:21: channels[0].max_attachment: expected a size such as 5MB, 512kB or 1048576 (at most "
            "100MB), got '2GB'\n");
  // csat needs no templates on a web chat (the panel has stars); allowed_origins is required.
  Config ok = load("channels:\n  - { id: site, kind: webchat, secret: s, allowed_origins: [\"*\"], csat: true }\n"
                   "queues:\n  - { id: q, channels: [site] }\n");
  ASSERT_TRUE(ok.channels[0].csat.has_value());
  EXPECT_TRUE(ok.channels[0].csat->templates.empty());
  EXPECT_EQ(ok.channels[0].settings.list("allowed_origins"), std::vector<std::string>{"*"});
  EXPECT_NE(problems("channels:\n  - { id: site, kind: webchat, secret: s }\nqueues:\n  - { id: q, channels: [site] }\n")
                .find("allowed_origins"),
            std::string::npos);
}

TEST(ConfigErrors, InvalidRoutingRegexAndUnknownQueue) {
  EXPECT_EQ(problems("routing:\n  rules:\n    - match: { text_matches: \"(?i)refund(\" }\n      queue: billing\n"),
            "omniroute.yaml:3:30: routing.rules[0].match.text_matches: invalid regular expression: missing ): "
            "(?i)refund(\n"
            "omniroute.yaml:4:14: routing.rules[0].queue: queue 'billing' is not defined\n");
}

TEST(ConfigErrors, ARuleMustDoSomethingAndNameSkillsProperly) {
  EXPECT_EQ(problems("routing:\n  rules:\n    - match: { language: te }\n"),
            "omniroute.yaml:3:14: routing.rules[0].match: a rule must set at least one of queue, priority or skills\n");
  EXPECT_EQ(problems("routing:\n  rules:\n    - match: { language: te }\n      skills: [\"te lugu\"]\n"),
            "omniroute.yaml:4:15: routing.rules[0].skills: skill 'te lugu' must be letters, digits, '_' or '-'\n");
  EXPECT_EQ(problems("routing:\n  rules:\n    - match: { language: te }\n      skills: [te]\n"), "");
}

TEST(ConfigErrors, AlertSinksThatCannotDeliverAreRefused) {
  EXPECT_EQ(problems("alerts:\n  - { kind: email, to: oncall@example.com }\n"),
            "omniroute.yaml:2:5: missing required key 'url' in alerts[0]\n"
            "omniroute.yaml:2:5: missing required key 'from' in alerts[0]\n");
  EXPECT_EQ(problems("alerts:\n  - { kind: email, url: \"http://mail\", from: a@b.c, to: \"x@y.z\\r\\nBcc: all@y.z\" }\n"),
            "omniroute.yaml:2:25: alerts[0].url: an email sink's url is smtp://host:port or smtps://host:port\n"
            "omniroute.yaml:2:57: alerts[0].to: 'x@y.z\r\nBcc: all@y.z' is not one e-mail address\n");
  EXPECT_EQ(problems("alerts:\n  - { kind: pager, url: \"http://x\" }\n"),
            "omniroute.yaml:2:13: alerts[0].kind: 'pager' is not one of email, log, slack, webhook\n");
  EXPECT_EQ(problems("alerts:\n  - { kind: email, url: \"smtp://127.0.0.1:2525\", from: a@b.c, to: oncall@b.c }\n"), "");
}

TEST(ConfigErrors, SlaTargetsPrioritiesAndQueueAlerts) {
  const std::string q = "channels:\n  - { id: api, kind: webhook, secret: s }\nqueues:\n  - id: general\n    channels: [api]\n";
  EXPECT_EQ(problems(q + "    sla: { warn_at: 0.5 }\n"),
            "omniroute.yaml:6:10: queues[0].sla.first_response: an sla needs at least one of first_response, "
            "next_response or resolution\n");
  EXPECT_EQ(problems(q + "    sla:\n      first_response: 1h\n      priorities:\n        critical: { first_response: 5m }\n"),
            "omniroute.yaml:9:9: unknown key 'critical' in queues[0].sla.priorities\n");
  EXPECT_EQ(problems(q + "    sla:\n      resolution: 2d\n      priorities:\n        urgent: { first_response: 0s }\n"),
            "omniroute.yaml:9:35: queues[0].sla.priorities.urgent.first_response: must be at least 1s\n");
  EXPECT_EQ(problems(q + "    alert_when: { clear_at: 0.5 }\n"),
            "omniroute.yaml:6:17: queues[0].alert_when.oldest_wait: alert_when needs oldest_wait, depth or both\n");
  EXPECT_EQ(problems(q + "    sla:\n      next_response: 30m\n      priorities:\n        urgent: { first_response: 5m }\n"
                         "    alert_when: { oldest_wait: 10m, depth: 50 }\n"),
            "");
}

TEST(ConfigErrors, RateLimitsAreSendsPerSecond) {
  const std::string ch = "queues:\n  - { id: general, channels: [api] }\nchannels:\n  - id: api\n    kind: webhook\n    secret: s\n";
  EXPECT_EQ(problems(ch + "    rate_limit: fast\n"),
            "omniroute.yaml:7:17: channels[0].rate_limit: expected a rate such as 80/s or 0.5/s, got 'fast'\n");
  EXPECT_EQ(problems(ch + "    rate_limit: 5/s\n"), "");
}

TEST(ConfigErrors, AutoAckTemplatesAreByLanguageCode) {
  const std::string ch = "queues:\n  - { id: general, channels: [api] }\nchannels:\n  - id: api\n    kind: webhook\n    secret: s\n";
  EXPECT_EQ(problems(ch + "    auto_ack: { English: \"We got it\", te: \"\" }\n"),
            "omniroute.yaml:7:26: channels[0].auto_ack.English: 'English' is not a language code such as en, hi or te\n"
            "omniroute.yaml:7:43: channels[0].auto_ack.te: a template is 1 to 1000 bytes\n");
  EXPECT_EQ(problems(ch + "    auto_ack:\n      en: \"Thanks! We will reply {eta}.\"\n      te: \"ధన్యవాదాలు! మేము {eta} సమాధానం ఇస్తాము.\"\n"), "");
}

TEST(ConfigErrors, OverflowQueueMayBeDefinedLater) {
  EXPECT_EQ(problems("queues:\n  - id: a\n    overflow_queue: b\n  - id: b\n    overflow_queue: c\n"),
            "omniroute.yaml:5:21: queues[1].overflow_queue: queue 'c' is not defined (did you mean 'a'?)\n");
}

TEST(ConfigErrors, AgentTokenTooShortAndBadCapacity) {
  EXPECT_EQ(problems("agents:\n  - id: asha\n    token: short\n    capacity: { sms: -1, fax: 2 }\n"),
            "omniroute.yaml:3:12: agents[0].token: must be at least 16 characters\n"
            "omniroute.yaml:4:22: agents[0].capacity.sms: must be between 0 and 1000, got -1\n"
            "omniroute.yaml:4:26: unknown key 'fax' in agents[0].capacity\n");
}

TEST(ConfigErrors, EmptyFile) {
  EXPECT_EQ(problems(""), "omniroute.yaml:1:1: the file is empty: it needs at least a channels section\n");
}

TEST(ConfigErrors, EmailChannelsNameTheirServersAndWhatToDoAfterwards) {
  const std::string head = "queues:\n  - { id: general, channels: [mail] }\nchannels:\n  - id: mail\n    kind: email\n";
  const std::string good_smtp = "    smtp: { url: \"smtps://smtp.example.com:465\", username: u, password: p }\n";
  EXPECT_EQ(problems(head + "    address: support@acme.example\n"
                            "    imap: { url: \"https://imap.example.com/INBOX\", username: u, password: p, after: archive }\n" +
                     good_smtp),
            "omniroute.yaml:7:18: channels[0].imap.url: expected an imap:// or imaps:// URL, got 'https://imap.example.com/INBOX'\n"
            "omniroute.yaml:7:85: channels[0].imap.after: expected 'seen' or 'move:<folder>', got 'archive'\n");
  EXPECT_EQ(problems(head + "    address: support\n"
                            "    imap: { url: \"imaps://imap.example.com/Support\", username: u, password: p }\n"
                            "    smtp: { url: \"http://smtp.example.com\" }\n    keep_attachments_up_to: lots\n"),
            "omniroute.yaml:6:14: channels[0].address: expected an e-mail address such as support@example.com, got 'support'\n"
            "omniroute.yaml:8:18: channels[0].smtp.url: expected an smtp:// (STARTTLS) or smtps:// URL, got 'http://smtp.example.com'\n"
            "omniroute.yaml:9:29: channels[0].keep_attachments_up_to: expected a size such as 10MB, 512KB or 0, got 'lots'\n");
  EXPECT_EQ(problems(head + "    address: support@acme.example\n"
                            "    imap: { url: \"imaps://imap.example.com:993/Support%20Inbox\", username: u, password: p,"
                            " after: \"move:Done\" }\n" + good_smtp),
            "");
  EXPECT_EQ(problems(head + "    address: support@acme.example\n" + good_smtp),
            "omniroute.yaml:5:11: channels[0].kind: an e-mail channel needs a way in: an imap block, or "
            "webhook_signing_key for an inbound-parse webhook\n");
}

}  // namespace
}  // namespace omniroute::config
