#pragma once
// Parsers for the scalar forms the configuration uses. Each returns the value
// or a message saying what was expected.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "omniroute/expected.hpp"

namespace omniroute::config {

template <typename T>
using Parsed = Expected<T, std::string>;

/// "250ms", "90s", "15m", "2h", "1d" → milliseconds.
Parsed<Millis> parse_duration(std::string_view text);

/// "80/s", "0.5/s" or "80" → sends per second (0: unlimited), at most 100,000.
Parsed<double> parse_rate(std::string_view text);

/// "host:port" or "[v6]:port".
Parsed<ListenAddress> parse_listen(std::string_view text);

/// redis://[user:pass@]host[:port][/db] or unix:///path[?db=N].
Parsed<RedisEndpoint> parse_redis_url(std::string_view text);
/// A sentinel or cluster node: host:port ([v6]:port).
Parsed<RedisNode> parse_redis_node(std::string_view text);
/// `url` with its password replaced by *** (for logs and errors).
std::string redact_url(std::string_view url);

/// http:// or https:// with a host.
Parsed<std::string> parse_http_url(std::string_view text);

/// What is wrong with a PostgreSQL URL (postgresql:// or postgres://, a database, a host or ?host=/dir),
/// or "" when it will do. The message never repeats the password.
std::string check_postgres_url(std::string_view text);

/// Looks up an environment variable; tests substitute their own.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment.
EnvLookup process_env();

/// Replaces ${VAR} (and ${VAR:-default}) with its value; "$$" is a literal "$".
/// Fails naming the first variable that is not set and has no default.
Parsed<std::string> expand_env(std::string_view text, const EnvLookup& env);

}  // namespace omniroute::config
