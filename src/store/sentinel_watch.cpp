#include "store/sentinel_watch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <sstream>

#include "omniroute/log.hpp"
#include "store/redis_client.hpp"
#include "store/redis_topology.hpp"
#include "store/reply_shape.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

std::optional<RedisAddress> switched_master(std::string_view payload, std::string_view name) {
  std::istringstream in{std::string(payload)};
  std::string master, old_ip, old_port, new_ip, new_port;
  if (!(in >> master >> old_ip >> old_port >> new_ip >> new_port) || master != name) return std::nullopt;
  unsigned port = 0;
  auto [end, ec] = std::from_chars(new_port.data(), new_port.data() + new_port.size(), port);
  if (ec != std::errc() || end != new_port.data() + new_port.size() || port == 0 || port > 65535) return std::nullopt;
  return RedisAddress{new_ip, static_cast<std::uint16_t>(port), ""};
}

SentinelWatch::SentinelWatch(const asio::any_io_executor& executor, std::shared_ptr<asio::ssl::context> tls,
                             const config::RedisConfig& config, std::weak_ptr<RedisClient> client)
    : executor_(executor), tls_(std::move(tls)), config_(config), client_(std::move(client)), wait_(executor),
      tasks_(executor) {}

void SentinelWatch::start() { tasks_.spawn(run(), "redis: following the sentinels"); }

void SentinelWatch::stop() {
  stopped_ = true;
  wait_.cancel();
  tasks_.cancel();
  if (stream_) stream_->close();
}

asio::awaitable<void> SentinelWatch::follow(std::shared_ptr<RedisStream> stream) {
  std::vector<char> buf(8192);
  while (!stopped_) {
    auto [ec, n] = co_await stream->async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    stream->reader().feed(std::string_view(buf.data(), n));
    while (auto message = stream->reader().next()) {
      // ["message", "+switch-master", payload]
      auto parts = reply_as<std::tuple<std::string, std::string, std::string>>(*message);
      if (!parts || std::get<0>(*parts) != "message") continue;
      auto to = switched_master(std::get<2>(*parts), config_.master_name);
      if (!to) continue;
      if (auto client = client_.lock()) client->follow(*to);
    }
    if (stream->reader().failed()) co_return;
  }
}

asio::awaitable<void> SentinelWatch::run() {
  auto self = shared_from_this();
  std::size_t next = 0;
  auto backoff = std::chrono::milliseconds(100);
  while (!stopped_) {
    const auto& s = config_.sentinels[next++ % config_.sentinels.size()];
    RedisAddress sentinel{s.host, s.port, ""};
    stream_ = std::make_shared<RedisStream>(executor_, tls_);
    auto stream = stream_;
    bool subscribed = false;
    if (std::string failed = co_await stream->connect(sentinel); failed.empty() && !stopped_) {
      auto hello = auth_commands(config_.endpoint);
      hello.push_back({"SUBSCRIBE", "+switch-master"});
      auto replies = co_await stream->exchange(hello);
      subscribed = replies && (hello.size() == 1 || auth_refusal(replies->front()).empty());
    }
    if (subscribed) {
      backoff = std::chrono::milliseconds(100);
      log::debug("redis: following fail-overs through sentinel " + sentinel.text());
      co_await follow(stream);
    }
    stream->close();
    if (stopped_) break;
    wait_.expires_after(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    co_await wait_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace omniroute::store
