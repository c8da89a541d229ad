#include "store/redis_topology.hpp"

#include <boost/asio/steady_timer.hpp>
#include <charconv>

#include "config/values.hpp"
#include "store/reply_shape.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

std::uint16_t hash_slot(std::string_view key) {
  auto open = key.find('{');
  if (open != std::string_view::npos) {
    auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  // CRC16-CCITT (XModem), as Redis Cluster specifies.
  std::uint16_t crc = 0;
  for (unsigned char c : key) {
    crc ^= static_cast<std::uint16_t>(c) << 8;
    for (int i = 0; i < 8; ++i) crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
  }
  return crc & 16383;
}

std::vector<std::vector<std::string>> auth_commands(const config::RedisEndpoint& endpoint) {
  if (endpoint.password.empty()) return {};
  std::vector<std::string> auth{"AUTH"};
  if (!endpoint.username.empty()) auth.push_back(endpoint.username);
  auth.push_back(endpoint.password);
  return {auth};
}

std::string auth_refusal(const Reply& reply) {
  if (!reply.is_error()) return "";
  // A server (often a sentinel) without any password accepts everyone: not a refusal.
  if (reply.str.find("without any password configured") != std::string::npos) return "";
  return reply.str;
}

asio::awaitable<Expected<std::vector<Reply>, ContactError>> ask_once(
    const asio::any_io_executor& executor, const std::shared_ptr<asio::ssl::context>& tls,
    const config::RedisEndpoint& endpoint, const RedisAddress& to, std::vector<std::vector<std::string>> commands,
    std::chrono::steady_clock::time_point deadline) {
  auto stream = std::make_shared<RedisStream>(executor, tls);
  asio::steady_timer limit(executor, deadline);
  limit.async_wait([stream](const boost::system::error_code& ec) {
    if (!ec) stream->close();
  });
  std::string failed = co_await stream->connect(to);
  if (!failed.empty()) {
    const bool fatal = failed.find("certificate verify failed") != std::string::npos ||
                       failed.find("TLS handshake failed") != std::string::npos;
    co_return unexpected(ContactError{failed, fatal});
  }
  auto auth = auth_commands(endpoint);
  const std::size_t skip = auth.size();
  auth.insert(auth.end(), commands.begin(), commands.end());
  auto replies = co_await stream->exchange(auth);
  limit.cancel();
  stream->close();
  if (!replies) {
    co_return unexpected(ContactError{to.text() + ": " + (std::chrono::steady_clock::now() >= deadline ? "timed out" : replies.error())});
  }
  if (skip) {
    if (auto refused = auth_refusal(replies->front()); !refused.empty()) {
      co_return unexpected(ContactError{to.text() + " refused the credentials: " + refused, true});
    }
  }
  co_return std::vector<Reply>(replies->begin() + static_cast<std::ptrdiff_t>(skip), replies->end());
}

namespace {

asio::awaitable<Expected<RedisAddress, ContactError>> from_sentinels(const asio::any_io_executor& executor,
                                                                      const std::shared_ptr<asio::ssl::context>& tls,
                                                                      const config::RedisConfig& config,
                                                                      std::chrono::steady_clock::time_point deadline) {
  std::string why;
  for (const auto& s : config.sentinels) {
    RedisAddress sentinel{s.host, s.port, ""};
    std::vector<std::vector<std::string>> question{{"SENTINEL", "get-master-addr-by-name", config.master_name}};
    auto r = co_await ask_once(executor, tls, config.endpoint, sentinel, std::move(question), deadline);
    if (!r) {
      if (r.error().fatal) co_return unexpected(r.error());
      why += (why.empty() ? "" : "; ") + r.error().message;
      continue;
    }
    const Reply& a = r->front();
    // [host, "port"]
    if (auto addr = reply_as<std::tuple<std::string, long long>>(a)) {
      const auto& [host, port] = *addr;
      if (port > 0 && port < 65536) co_return RedisAddress{host, static_cast<std::uint16_t>(port), ""};
    }
    why += (why.empty() ? "" : "; ") + sentinel.text() + " does not know master '" + config.master_name + "'" +
           (a.is_error() ? ": " + a.str : "");
  }
  co_return unexpected(ContactError{"no sentinel named the master: " + why});
}

asio::awaitable<Expected<RedisAddress, ContactError>> from_cluster(const asio::any_io_executor& executor,
                                                                    const std::shared_ptr<asio::ssl::context>& tls,
                                                                    const config::RedisConfig& config, std::uint16_t slot,
                                                                    std::chrono::steady_clock::time_point deadline) {
  std::string why;
  for (const auto& s : config.cluster) {
    RedisAddress seed{s.host, s.port, ""};
    std::vector<std::vector<std::string>> question{{"CLUSTER", "SLOTS"}};
    auto r = co_await ask_once(executor, tls, config.endpoint, seed, std::move(question), deadline);
    if (!r) {
      if (r.error().fatal) co_return unexpected(r.error());
      why += (why.empty() ? "" : "; ") + r.error().message;
      continue;
    }
    // [[start, end, [ip, port, id], replicas…], …]
    using Node = std::tuple<std::string, long long>;
    for (const auto& entry : reply_as<std::vector<ReplyRef>>(r->front()).value_or(std::vector<ReplyRef>{})) {
      auto range = reply_as<std::tuple<long long, long long, Node>>(*entry);
      if (!range) continue;
      const auto& [first, last, master] = *range;
      if (slot < first || slot > last) continue;
      const auto& [ip, port] = master;
      if (port <= 0 || port > 65535) break;  // a reply we cannot use: ask the next seed
      co_return RedisAddress{ip.empty() ? seed.host : ip, static_cast<std::uint16_t>(port), ""};
    }
    why += (why.empty() ? "" : "; ") + seed.text() + ": no node serves slot " + std::to_string(slot);
  }
  co_return unexpected(ContactError{"no cluster node named the owner of the workspace's slot: " + why});
}

}  // namespace

asio::awaitable<Expected<RedisAddress, ContactError>> locate_data_node(
    const asio::any_io_executor& executor, const std::shared_ptr<asio::ssl::context>& tls,
    const config::RedisConfig& config, std::uint16_t slot, std::chrono::steady_clock::time_point deadline) {
  if (!config.sentinels.empty()) co_return co_await from_sentinels(executor, tls, config, deadline);
  if (!config.cluster.empty()) co_return co_await from_cluster(executor, tls, config, slot, deadline);
  RedisAddress node{config.endpoint.host, config.endpoint.port, config.endpoint.unix_path};
  co_return node;
}

std::optional<RedisAddress> redirect_target(std::string_view error) {
  if (!error.starts_with("MOVED ") && !error.starts_with("ASK ")) return std::nullopt;
  auto space = error.rfind(' ');
  auto node = config::parse_redis_node(error.substr(space + 1));
  if (!node) return std::nullopt;
  return RedisAddress{node->host, node->port, ""};
}

}  // namespace omniroute::store
