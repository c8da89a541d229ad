#include "config/reference.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <regex>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "config/config.hpp"
#include "config/sections.hpp"
#include "config/values.hpp"
#include "config/yaml_reader.hpp"

namespace omniroute::config {

namespace {


/// server.public_url, without a trailing slash.
void read_public_url(MapReader& r, Config& c) {
  auto v = r.text("public_url");
  if (!v) return;
  auto u = parse_http_url(*v);
  if (!u) return r.error("public_url", u.error());
  c.server.public_url = *u;
  while (!c.server.public_url.empty() && c.server.public_url.back() == '/') c.server.public_url.pop_back();
}

/// A key file: readable, by its owner only, holding a valid key; nullopt (the problem reported at `key`) else.
std::optional<SecretBox> read_key_file(MapReader& r, const char* key) {
  auto path = r.text(key);
  if (!path) return std::nullopt;
  struct stat st {};
  if (::stat(path->c_str(), &st) != 0) {
    r.error(key, "cannot read " + *path + ": " + std::strerror(errno));
    return std::nullopt;
  }
  if ((st.st_mode & 077) != 0) {
    r.error(key, *path + " may be read by others (mode " + std::to_string((st.st_mode >> 6) & 7) +
                     std::to_string((st.st_mode >> 3) & 7) + std::to_string(st.st_mode & 7) + "): chmod 600 it");
    return std::nullopt;
  }
  std::ifstream in(*path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    r.error(key, "cannot read " + *path);
    return std::nullopt;
  }
  auto box = SecretBox::from_key_text(text.str());
  if (!box) {
    r.error(key, *path + ": " + box.error());
    return std::nullopt;
  }
  return std::move(*box);
}

/// server.secrets_key_file, and server.previous_secrets_key_file (a key being rotated out: still opens).
void read_secrets_key(MapReader& r, Config& c) {
  auto box = read_key_file(r, "secrets_key_file");
  auto previous = read_key_file(r, "previous_secrets_key_file");
  if (previous && !box) r.error("previous_secrets_key_file", "needs server.secrets_key_file (the key rotated to)");
  if (!box) return;
  if (previous) box->also_open_with(*previous);
  c.server.secrets_key_file = *r.text("secrets_key_file");
  c.server.secrets = std::make_shared<const SecretBox>(std::move(*box));
}

SectionDoc server_section() {
  return {"server", "The HTTP listener (webhooks, the agent and admin APIs, health, metrics).",
       {{"server.listen", described("host:port"), "127.0.0.1:8080", "where to listen; an IPv6 host without brackets",
         [](MapReader& r, Config& c) {
           if (auto v = r.text("listen")) {
             if (auto l = parse_listen(*v)) c.server.listen = *l;
             else r.error("listen", l.error());
           }
         }},
        {"server.public_url", described("http(s) URL"), "", "how providers reach us (needed by channels whose provider signs the URL it calls)",
         read_public_url},
        {"server.admin_token", secret(16), "", "the admin API's bearer token; unset: the admin API is off",
         [](MapReader& r, Config& c) {
           if (auto v = r.text("admin_token")) {
             if (v->size() < 16) r.error("admin_token", "must be at least 16 characters");
             else c.server.admin_token = *v;
           }
         }},
        {"server.secrets_key_file", described("path"), "",
         "a file (mode 600) holding 64 hex characters: the key sealing the secrets of channels added through the API "
         "(libsodium secretbox); unset: such channels cannot have secrets",
         read_secrets_key},
        {"server.previous_secrets_key_file", described("path"), "",
         "while rotating: the key secrets were sealed with before (still opens them; `omnictl channels reseal` "
         "seals them again with secrets_key_file's)",
         [](MapReader&, Config&) {}},
        typed("server.threads", integer(0, 64), "0", "event loops; 0: one per core",
         [](Config& c) -> auto& { return c.server.threads; }),
        typed("server.body_limit", bytes(1024, 64LL * 1024 * 1024), "1048576", "largest request body",
         [](Config& c) -> auto& { return c.server.body_limit; }),
        typed("server.header_limit", bytes(1024, 1024LL * 1024), "16384", "largest request head",
         [](Config& c) -> auto& { return c.server.header_limit; }),
        typed("server.read_timeout", duration(), "10s", "a whole request must arrive within this",
         [](Config& c) -> Millis& { return c.server.read_timeout; }),
        typed("server.idle_timeout", duration(), "60s", "keep-alive connections idle longer are closed",
         [](Config& c) -> Millis& { return c.server.idle_timeout; }),
        typed("server.drain_timeout", duration(), "10s", "on SIGTERM (or a reload), in-flight requests get this long",
         [](Config& c) -> Millis& { return c.server.drain_timeout; }),
        typed("server.first_request_timeout", duration(), "5s", "a new connection must start a request within this",
         [](Config& c) -> Millis& { return c.server.first_request_timeout; }),
        computed_default(typed("server.max_connections", integer(1, 1'000'000), "half the file limit, at most 10000",
         "open connections (WebSockets included); beyond it the longest-idle is closed, else 503",
         [](Config& c) -> auto& { return c.server.max_connections; })),
        typed("server.max_sockets_per_agent", integer(1, 100), "5",
         "agent event WebSockets one agent may hold open, across daemons",
         [](Config& c) -> auto& { return c.server.max_sockets_per_agent; })}};
}

/// A file named in redis.tls must be readable now (the daemon reads it at start and at each reload).
void check_readable(MapReader& r, const char* key, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    r.error(key, "cannot read " + path + ": " + std::strerror(errno));
    return;
  }
  std::fclose(f);
}

void read_redis_tls(MapReader& top, RedisTls& tls) {
  YAML::Node node = top.child("tls");
  if (!node.IsDefined() || node.IsNull()) return;
  MapReader r(node, top.qualified("tls"), top.diagnostics(), top.env(), top.where("tls"));
  if (!r.valid()) return;
  tls.ca_file = r.text("ca_file").value_or("");
  tls.cert_file = r.text("cert_file").value_or("");
  tls.key_file = r.text("key_file").value_or("");
  if (!tls.ca_file.empty()) check_readable(r, "ca_file", tls.ca_file);
  if (!tls.cert_file.empty()) check_readable(r, "cert_file", tls.cert_file);
  if (!tls.key_file.empty()) check_readable(r, "key_file", tls.key_file);
  if (!tls.key_file.empty() && tls.cert_file.empty()) r.error("key_file", "key_file needs cert_file");
  r.finish();
}

std::vector<RedisNode> redis_nodes(MapReader& r, const char* key) {
  std::vector<RedisNode> nodes;
  auto list = r.text_list(key);
  if (!list) return nodes;
  if (list->empty()) r.error(key, "needs at least one host:port");
  for (const auto& item : *list) {
    if (auto n = parse_redis_node(item)) nodes.push_back(*n);
    else r.error(key, n.error());
  }
  return nodes;
}

/// What the redis keys mean together: one topology (a node, sentinels or a cluster), TLS files only with
/// rediss://.
void check_redis_topology(MapReader& r, const RedisConfig& c) {
  if (!c.sentinels.empty() && !c.cluster.empty()) r.error("cluster", "use sentinels or cluster, not both");
  if (!c.sentinels.empty() && c.master_name.empty()) r.error("sentinels", "sentinels need master_name");
  if (c.sentinels.empty() && !c.master_name.empty()) r.error("master_name", "master_name needs sentinels");
  if (!c.cluster.empty() && c.endpoint.db != 0) r.error("url", "Redis Cluster has database 0 only");
  if ((!c.sentinels.empty() || !c.cluster.empty()) && !c.endpoint.unix_path.empty()) {
    r.error("url", "with sentinels or cluster, url gives only scheme, user, password and db: use redis:// or rediss://");
  }
  const bool files = !c.tls.ca_file.empty() || !c.tls.cert_file.empty();
  if (files && !c.endpoint.tls) r.error("tls", "redis.tls needs a rediss:// url");
}

SectionDoc redis_section() {
  return {"redis", "Where conversations live.",
       {{"redis.url", described("redis://[user:pass@]host:port/db, rediss://… (TLS) or unix:///path"), "redis://127.0.0.1:6379/0", "the Redis server",
         [](MapReader& r, Config& c) {
           c.redis.url = r.text("url").value_or("redis://127.0.0.1:6379/0");
           if (auto ep = parse_redis_url(c.redis.url)) c.redis.endpoint = *ep;
           else r.error("url", ep.error());
         }},
        {"redis.tls", mapping(), "", "with rediss://: how the server is verified (and, optionally, who we are)",
         [](MapReader& r, Config& c) { read_redis_tls(r, c.redis.tls); }},
        {"redis.tls.ca_file", described("path (PEM)"), "the system's CA store", "CA certificates the server's certificate must chain to"},
        {"redis.tls.cert_file", described("path (PEM)"), "", "a client certificate, for servers that ask for one"},
        {"redis.tls.key_file", described("path (PEM)"), "cert_file", "the client certificate's private key"},
        {"redis.sentinels", list_of("host:port"), "", "Redis Sentinel: the data node is the master they name (url's host:port unused)",
         [](MapReader& r, Config& c) { c.redis.sentinels = redis_nodes(r, "sentinels"); }},
        typed("redis.master_name", text(), "", "the master's name known to the sentinels (required with sentinels)",
              [](Config& c) -> auto& { return c.redis.master_name; }),
        {"redis.cluster", list_of("host:port"), "", "Redis Cluster seeds: the data node owns the workspace's slot (url's host:port unused)",
         [](MapReader& r, Config& c) { c.redis.cluster = redis_nodes(r, "cluster"); }},
        typed("redis.replicas_ack", integer(0, 16), "0",
         "a webhook is acknowledged only once WAIT confirms this many replicas have the message (else 503)",
         [](Config& c) -> auto& { return c.redis.replicas_ack; }),
        {"redis.workspace", identifier(), "default", "key prefix or:{<workspace>}: (daemons sharing it share conversations)",
         [](MapReader& r, Config& c) {
           if (auto v = r.text("workspace")) {
             if (is_identifier(*v)) c.redis.workspace = *v;
             else r.error("workspace", "'" + *v + "' must be 1-64 letters, digits, '_' or '-'");
           }
         }},
        typed("redis.command_timeout", duration_over_zero(), "2s",
         "a command without a reply this long fails (and the connection is dropped)",
         [](Config& c) -> Millis& { return c.redis.command_timeout; }),
        typed("redis.connect_timeout", duration(), "2s", "connecting (and a reload waiting for its loops' Redis, plus 1 s)",
         [](Config& c) -> Millis& { return c.redis.connect_timeout; }),
        typed("redis.dedupe_ttl", duration(), "7d", "how long a provider message id is remembered (repeats store once)",
              [](Config& c) -> auto& { return c.redis.dedupe_ttl; })},
       [](MapReader& r, Config& c) {
         check_redis_topology(r, c.redis);
       }};
}

SectionDoc outbound_section() {
  return {"outbound", "Delivering agents' replies to providers.",
       {typed("outbound.timeout", duration_over_zero(), "10s", "one provider call",
         [](Config& c) -> Millis& { return c.outbound.timeout; }),
        typed("outbound.retry_base", duration(), "1s", "first retry after about this long, doubling",
         [](Config& c) -> Millis& { return c.outbound.retry_base; }),
        typed("outbound.retry_max", duration(), "60s", "longest wait between tries",
         [](Config& c) -> Millis& { return c.outbound.retry_max; }),
        typed("outbound.max_attempts", integer(1, 100), "6", "then the reply is dead-lettered",
         [](Config& c) -> auto& { return c.outbound.max_attempts; })},
       {}};
}

/// history.url: postgresql:// (or postgres://) with a database, parsed by Boost.URL.
void read_history_url(MapReader& r, Config& c) {
  auto v = r.text("url", true);
  if (!v || v->empty()) return;  // "" (an unset ${VAR:-}): no history
  if (auto why = check_postgres_url(*v); !why.empty()) return r.error("url", why);
  c.history.url = *v;
}

SectionDoc history_section() {
  return {"history", "PostgreSQL keeps every conversation for years (Redis keeps the working set). Off without this section.",
          {{"history.url", described("postgresql://user:pass@host:port/db (or ?host=/socket/dir)"), "",
            "the database; its role must own it (never a superuser). `${VAR}` for the password; empty: no history",
            read_history_url},
           typed("history.archive_after", duration_at_least(Millis(1000)), "7d",
                 "a resolved conversation leaves Redis this long after it was resolved (once PostgreSQL has it)",
                 [](Config& c) -> Millis& { return c.history.archive_after; }),
           typed("history.retention", duration_at_least(Millis(24LL * 3600 * 1000)), "400d",
                 "history older than this is deleted, a month at a time",
                 [](Config& c) -> Millis& { return c.history.retention; }),
           typed("history.migrate", choice({"auto", "manual"}), "auto",
                 "auto: the schema is brought up to date at start; manual: `omnirouted --migrate` does it",
                 [](Config& c) -> auto& { return c.history.migrate; }),
           typed("history.pool", integer(1, 64), "4", "PostgreSQL connections per daemon for reads and search",
                 [](Config& c) -> auto& { return c.history.pool; })},
          [](MapReader& r, Config& c) {
            if (c.history.enabled() && c.history.retention <= c.history.archive_after) {
              r.error("retention", "must be longer than archive_after (history would be deleted while Redis still holds it)");
            }
          }};
}

/// The sections still read by hand in sections.cpp and channels_section.cpp: documented here.
std::vector<SectionDoc> documented_sections() {
  return {
      {"channels[]", "One entry per channel; `kind` picks the keys it takes (below).",
       {{"channels[].id", identifier(), "", "names the channel in URLs (/webhooks/<id>) and in Redis"},
        {"channels[].kind", described("a channel kind"), "", "one of the kinds listed under Channel kinds below"},
        {"channels[].auto_ack", mapping(), "", "auto-acknowledgement templates"},
        {"channels[].auto_ack.<language>", text(), "", "the template in that language (ISO 639-1); {eta} and {minutes} are filled in"},
        {"channels[].csat", mapping(), "", "a satisfaction survey after each resolved conversation (off without it)"},
        {"channels[].csat.window", csat_window_type(), "24h", "how long after the survey the customer's next message may answer it"},
        {"channels[].csat.templates", mapping(), "", "the survey by language"},
        {"channels[].csat.templates.<language>", text(), "", "the question in that language (ISO 639-1); the answer is 1–5, ⭐…, 👍 or 👎"}}},
      calendars_section(),
      queues_section(),
      agents_section(),
      admins_section(),
      {"routing", "Rules that pick a queue, priority and required skills for a new conversation.",
       {typed("routing.sticky_window", duration(), "0s", "a returning customer goes to their last agent if available within this; 0s: off",
         [](Config& c) -> Millis& { return c.sticky_window; }),
        typed("routing.offline_grace", duration(), "60s", "an agent whose event socket dropped goes offline after this",
         [](Config& c) -> Millis& { return c.offline_grace; }),
        {"routing.rules", list_of(), "", "first match wins", read_routing_rules},
        {"routing.rules[].match", mapping(), "", "all given conditions must hold"},
        {"routing.rules[].match.channel", described("channel id or list"), "", ""},
        {"routing.rules[].match.text_matches", described("RE2 regular expression"), "", "on the message text"},
        {"routing.rules[].match.language", described("ISO 639-1"), "", "detected or given"},
        {"routing.rules[].match.tier", text(), "", "the contact's `tier` attribute"},
        {"routing.rules[].queue", described("queue id"), "", "where it goes"},
        {"routing.rules[].priority", choice({"urgent", "high", "normal", "low"}), "normal", ""},
        {"routing.rules[].skills", list_of(), "", "skills the assigned agent must have"}}},
      alerts_section(),
  };
}

}  // namespace

const std::vector<SectionDoc>& core_sections() {
  static const std::vector<SectionDoc> sections = [] {
    std::vector<SectionDoc> all{server_section(), redis_section(), outbound_section(), history_section()};
    for (auto& s : documented_sections()) all.push_back(std::move(s));
    return all;
  }();
  return sections;
}


void read_declared_list(MapReader& top, Config& cfg, const std::string& name) {
  const SectionDoc* section = nullptr;
  for (const auto& s : core_sections()) {
    if (s.name == name) section = &s;
  }
  if (!section || !section->begin_item) return;
  for_each_item(top, name.substr(0, name.size() - 2), [&](MapReader& item) {
    section->begin_item(cfg);
    for (const auto& key : section->keys) {
      if (key.read) key.read(item, cfg);
    }
    if (section->check) section->check(item, cfg);
  });
  if (section->after_items) section->after_items(top, cfg);
}

void read_declared_section(MapReader& top, Config& cfg, const std::string& name) {
  const SectionDoc* section = nullptr;
  for (const auto& s : core_sections()) {
    if (s.name == name) section = &s;
  }
  MapReader r(top.child(name), name, top.diagnostics(), top.env(), top.where(name));
  if (!r.valid() || !section) return;
  for (const auto& key : section->keys) {
    if (key.read) key.read(r, cfg);
  }
  if (section->check) section->check(r, cfg);
  r.finish();
}

std::string reference_key(const std::string& recorded) {
  static const std::regex kPriority(R"(\.priorities\.(urgent|high|normal|low)(\.|$))");
  static const std::regex kDay(R"(\.hours\.(mon|tue|wed|thu|fri|sat|sun)$)");
  static const std::regex kLanguage(R"(^channels\[\]\.auto_ack\.[a-z]{2,3}$)");
  static const std::regex kSurvey(R"(^channels\[\]\.csat\.templates\.[a-z]{2,3}$)");
  std::string key = std::regex_replace(recorded, kPriority, ".priorities.<priority>$2");
  key = std::regex_replace(key, kDay, ".hours.<day>");
  if (std::regex_match(key, kLanguage)) key = "channels[].auto_ack.<language>";
  if (std::regex_match(key, kSurvey)) key = "channels[].csat.templates.<language>";
  return key;
}

namespace {

std::string type_name(const FieldSpec& f) {
  switch (f.type) {
    case FieldType::text: return "text";
    case FieldType::secret: return "secret";
    case FieldType::url: return "URL";
    case FieldType::phone: return "E.164 phone number";
    case FieldType::duration: return "duration";
    case FieldType::rate: return "rate (e.g. 80/s)";
    case FieldType::list: return "list";
    case FieldType::choice: {
      std::string out;
      for (const auto& c : f.choices) out += (out.empty() ? "" : " | ") + c;
      return out;
    }
  }
  return "text";
}

std::string cell(const std::string& s) { return s.empty() ? "" : "`" + s + "`"; }

}  // namespace

std::string config_reference_markdown(const ChannelRegistry& registry) {
  std::string out =
      "# Configuration reference\n\n"
      "Generated by `omnirouted --config-reference` from the loader's own key list\n"
      "(src/config/reference.cpp) and each channel kind's field table; the tests fail when\n"
      "this file, the key list or the loader disagree. Durations are written `250ms`, `90s`,\n"
      "`15m`, `2h`, `1d`; any value may be `${VAR}` (read from the environment). A problem is\n"
      "reported as `FILE:LINE:COL: message`, all of them at once (`omnirouted --check-config`).\n";
  for (const auto& s : core_sections()) {
    out += "\n## `" + s.name + "`\n\n" + s.doc + "\n\n| key | type | default | meaning |\n| --- | --- | --- | --- |\n";
    for (const auto& k : s.keys) {
      out += "| `" + k.key + "` | " + k.type.text() + " | " + cell(k.default_value) + " | " + k.doc + " |\n";
    }
  }
  out += "\n## Channel kinds\n\nThe keys of `channels[]` entries besides `id`, `kind`, `auto_ack` and `csat`, by kind.\n";
  for (const auto& name : registry.names()) {
    const ChannelKind& kind = *registry.find(name);
    out += "\n### `" + kind.name + "`\n\n| key | type | required | default |\n| --- | --- | --- | --- |\n";
    for (const auto& f : kind.fields) {
      out += "| `" + f.name + "` | " + type_name(f) + " | " + (f.required ? "yes" : "") + " | " + cell(f.default_value) +
             " |\n";
    }
  }
  return out;
}

}  // namespace omniroute::config
