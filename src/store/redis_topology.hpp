#pragma once
// Which server holds the workspace: the url's node, the master the
// sentinels name, or the cluster node owning the workspace's slot. One-off
// questions on short-lived connections (with the same TLS and credentials as
// the data node); the pipelining client asks again after a fail-over or a
// MOVED.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "omniroute/expected.hpp"
#include "store/redis_stream.hpp"

namespace omniroute::store {

/// The cluster slot of `key` (CRC16 of its {hash tag} when it has one, mod 16384).
std::uint16_t hash_slot(std::string_view key);

/// Why a connection could not be used, and whether trying again can help (a refused certificate or
/// password will be refused again: the daemon reports it and, at start, exits).
struct ContactError {
  std::string message;
  bool fatal = false;
};

/// The commands that open every connection: AUTH (with the ACL user) when a password is set.
std::vector<std::vector<std::string>> auth_commands(const config::RedisEndpoint& endpoint);
/// Judges AUTH's reply; "" when accepted (also when the server has no password at all).
std::string auth_refusal(const Reply& reply);

/// Connects to `to`, authenticates, sends `commands` and returns their replies; gives up at `deadline`.
boost::asio::awaitable<Expected<std::vector<Reply>, ContactError>> ask_once(
    const boost::asio::any_io_executor& executor, const std::shared_ptr<boost::asio::ssl::context>& tls,
    const config::RedisEndpoint& endpoint, const RedisAddress& to, std::vector<std::vector<std::string>> commands,
    std::chrono::steady_clock::time_point deadline);

/// Finds the data node: the master named by the first sentinel that knows it, or the owner of `slot`
/// per the first cluster node that answers CLUSTER SLOTS, or the url's node.
boost::asio::awaitable<Expected<RedisAddress, ContactError>> locate_data_node(
    const boost::asio::any_io_executor& executor, const std::shared_ptr<boost::asio::ssl::context>& tls,
    const config::RedisConfig& config, std::uint16_t slot, std::chrono::steady_clock::time_point deadline);

/// "MOVED 1234 10.0.0.5:6380" / "ASK …" → the node named; nothing for other errors.
std::optional<RedisAddress> redirect_target(std::string_view error);

}  // namespace omniroute::store
