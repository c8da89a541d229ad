#include "store/chat_visitors.hpp"

#include <charconv>
#include <optional>

#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

namespace {
/// How long what was shown to a visitor is remembered: far longer than a reply waits to be judged.
constexpr std::int64_t kShownKeptMs = std::int64_t{10} * 60'000;
}  // namespace

std::int64_t message_number(std::string_view message_id) {
  if (message_id.size() < 2 || message_id.front() != 'm') return 0;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(message_id.data() + 1, message_id.data() + message_id.size(), n);
  if (ec != std::errc{} || end != message_id.data() + message_id.size() || n < 0) return 0;
  return n;
}

asio::awaitable<StoreResult<Done>> ChatVisitors::present(const std::string& channel, const std::string& contact,
                                                         const std::string& socket, std::int64_t expires_ms) {
  const std::string key = keys_.chat_sockets(channel, contact);
  std::vector<std::string> add{"ZADD", key, std::to_string(expires_ms), socket};
  auto r = co_await detail::command(client_, std::move(add));
  if (!r) co_return unexpected(r.error());
  // Sockets of a daemon killed with them open expire; they answer no question any more.
  std::vector<std::string> trim{"ZREMRANGEBYSCORE", key, "-inf", "(" + std::to_string(expires_ms - 60'000)};
  r = co_await detail::command(client_, std::move(trim));
  if (!r) co_return unexpected(r.error());
  // The set lapses a minute after its last socket's last refresh: a daemon killed with sockets open leaves nothing.
  std::vector<std::string> expire{"PEXPIREAT", key, std::to_string(expires_ms + 60'000)};
  r = co_await detail::command(client_, std::move(expire));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<Done>> ChatVisitors::gone(const std::string& channel, const std::string& contact,
                                                      const std::string& socket) {
  std::vector<std::string> closed{"ZREM", keys_.chat_sockets(channel, contact), socket};
  auto r = co_await detail::command(client_, std::move(closed));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<bool>> ChatVisitors::open_at(const std::string& channel, const std::string& contact,
                                                         std::int64_t now_ms) {
  std::vector<std::string> count{"ZCOUNT", keys_.chat_sockets(channel, contact), std::to_string(now_ms), "+inf"};
  auto r = co_await detail::command(client_, std::move(count));
  if (!r) co_return unexpected(r.error());
  co_return r->integer > 0;
}

asio::awaitable<StoreResult<Done>> ChatVisitors::shown(const std::string& channel, const std::string& contact,
                                                       const std::vector<ShownUpTo>& shown) {
  const std::string key = keys_.chat_shown(channel, contact);
  std::vector<std::string> add{"ZADD", key, "GT"};  // GT: a socket behind another never lowers the mark
  for (const auto& [conversation, number] : shown) {
    if (number <= 0) continue;
    add.push_back(std::to_string(number));
    add.push_back(conversation);
  }
  if (add.size() == 3) co_return Done{};
  auto r = co_await detail::command(client_, std::move(add));
  if (!r) co_return unexpected(r.error());
  std::vector<std::string> expire{"PEXPIRE", key, std::to_string(kShownKeptMs)};
  r = co_await detail::command(client_, std::move(expire));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<std::int64_t>> ChatVisitors::shown_through(const std::string& channel,
                                                                       const std::string& contact,
                                                                       const std::string& conversation) {
  std::vector<std::string> score{"ZSCORE", keys_.chat_shown(channel, contact), conversation};
  auto r = co_await detail::command(client_, std::move(score));
  if (!r) co_return unexpected(r.error());
  if (r->str.empty()) co_return std::int64_t{0};
  std::int64_t n = 0;
  std::from_chars(r->str.data(), r->str.data() + r->str.size(), n);
  co_return n;
}

namespace {
std::string member_of(const AwayReply& r) {
  return r.channel + "|" + r.conversation + "|" + r.message + "|" + std::to_string(r.delivered_ms);
}

std::optional<AwayReply> reply_of(std::string_view member) {
  std::vector<std::string_view> parts;
  for (size_t at = 0; parts.size() < 4;) {
    size_t bar = member.find('|', at);
    parts.push_back(member.substr(at, bar == std::string_view::npos ? std::string_view::npos : bar - at));
    if (bar == std::string_view::npos) break;
    at = bar + 1;
  }
  if (parts.size() != 4) return std::nullopt;
  AwayReply r{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]), 0};
  auto [end, ec] = std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), r.delivered_ms);
  if (ec != std::errc{} || end != parts[3].data() + parts[3].size() || r.channel.empty() || r.message.empty()) return std::nullopt;
  return r;
}
}  // namespace

asio::awaitable<StoreResult<Done>> ChatVisitors::decide_at(const AwayReply& reply, std::int64_t at_ms, bool only_if_kept) {
  std::vector<std::string> add{"ZADD", keys_.chat_away()};
  if (only_if_kept) add.emplace_back("XX");
  add.push_back(std::to_string(at_ms));
  add.push_back(member_of(reply));
  auto r = co_await detail::command(client_, std::move(add));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<std::vector<AwayReply>>> ChatVisitors::due(std::int64_t now_ms, int limit) {
  std::vector<std::string> range{"ZRANGEBYSCORE", keys_.chat_away(), "-inf", std::to_string(now_ms), "LIMIT", "0",
                                 std::to_string(limit)};
  auto r = co_await detail::command(client_, std::move(range));
  if (!r) co_return unexpected(r.error());
  std::vector<AwayReply> out;
  for (const auto& e : r->elements) {
    if (auto reply = reply_of(e.str)) {
      out.push_back(std::move(*reply));
    } else {
      std::vector<std::string> drop{"ZREM", keys_.chat_away(), e.str};
      co_await detail::command(client_, std::move(drop));
    }
  }
  co_return out;
}

asio::awaitable<StoreResult<bool>> ChatVisitors::claim(const AwayReply& reply) {
  std::vector<std::string> take{"ZREM", keys_.chat_away(), member_of(reply)};
  auto r = co_await detail::command(client_, std::move(take));
  if (!r) co_return unexpected(r.error());
  co_return r->integer == 1;
}

}  // namespace omniroute::store
