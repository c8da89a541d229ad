#include "agent_api/event_hub.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>
#include <random>

#include "agent_api/event_session.hpp"
#include "agent_api/request_helpers.hpp"
#include "omniroute/clock.hpp"
#include "omniroute/log.hpp"

namespace omniroute::agent_api {

namespace asio = boost::asio;
namespace beast = boost::beast;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

namespace {
std::string random_socket_id() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

/// A stream id as Redis writes them: "<ms>-<seq>".
bool is_stream_id(const std::string& s) {
  auto dash = s.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == s.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i != dash && (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}
}  // namespace


EventHub::EventHub(store::ConversationStore& store, const routing::AgentDirectory& directory, EventFeed& feed,
                   int max_sockets_per_agent, metrics::Registry& metrics, TaskGroup& tasks)
    : store_(store),
      tasks_(tasks),
      directory_(directory),
      max_sockets_per_agent_(max_sockets_per_agent),
      closed_slow_(&metrics.counter("omniroute_event_sockets_closed_total", {{"reason", "slow"}})),
      too_many_(&metrics.counter("omniroute_event_sockets_closed_total", {{"reason", "too_many"}})),
      feed_(feed),
      conversations_(store.client(), store.keys(), store.history()),
      events_(store.client(), store.keys()) {}

EventHub::~EventHub() = default;

void EventHub::wake_placed() {
  for (auto& w : placed_) {
    if (auto t = w.lock()) t->cancel();
  }
  placed_.clear();
}

void EventHub::stop() {
  stopped_ = true;
  wake_placed();
  for (auto& w : sessions_) {
    if (auto s = w.lock()) s->close();
  }
  if (wanting_) feed_.unwant(this);
  wanting_ = false;
}

void EventHub::update_demand() {
  sessions_.remove_if([](const auto& w) { return w.expired(); });
  bool want = !stopped_ && (!sessions_.empty() || joining_ > 0);
  if (want == wanting_) return;
  wanting_ = want;
  if (want) {
    feed_.want(this, store_.client().executor());
  } else {
    feed_.unwant(this);
    position_ = "$";  // the next session starts from wherever the feed then stands
  }
}

void EventHub::placed(const std::string& position) {
  if (!wanting_ || position_ != "$") return;  // a late answer to a want since withdrawn, or already placed
  position_ = position;
  wake_placed();
}

void EventHub::deliver(std::shared_ptr<const std::vector<Event>> events) {
  if (!wanting_ || position_ == "$" || events->empty()) return;
  position_ = events->back().id;
  for (auto& w : sessions_) {
    if (auto s = w.lock()) {
      for (const auto& e : *events) s->offer(e);
    }
  }
  update_demand();  // the last session may have ended since: then stop wanting
}

EventHub::Joining::Joining(EventHub& hub) : hub_(hub) {
  ++hub_.joining_;
  hub_.update_demand();  // an idle feed starts following now
}

EventHub::Joining::~Joining() {
  --hub_.joining_;
  hub_.update_demand();
}

asio::awaitable<bool> EventHub::Joining::placed() {
  // Join only once this hub knows where it stands in the stream: it starts at "the current end" when its
  // own connection comes up (or wakes from idling with no session), and a listener that joined before
  // that would miss what happened in between. Woken when the follower learns its place (or stops); 5 s at most.
  if (hub_.position_ == "$" && !hub_.stopped_) {
    auto wait = std::make_shared<asio::steady_timer>(hub_.store_.client().executor(), std::chrono::seconds(5));
    hub_.placed_.push_back(wait);
    co_await wait->async_wait(kAwait);
  }
  co_return hub_.position_ != "$";
}

asio::awaitable<void> EventHub::serve(http::Request request, beast::tcp_stream stream, std::string agent_id,
                                      Authority authority) {
  std::optional<std::string> agent = std::move(agent_id);
  std::string cursor = std::string(request["Last-Event-ID"]);
  if (cursor.empty()) cursor = query_param(request.target(), "last_event_id");
  if (!cursor.empty() && !is_stream_id(cursor)) cursor.clear();
  Joining joining(*this);
  if (!co_await joining.placed()) {
    http::Response res = http::json_error(503, "events_unavailable", "the event stream is not reachable; retry");
    res.keep_alive(false);
    co_await beast::http::async_write(stream, res, kAwait);
    co_return;
  }
  if (agent->empty()) {
    // The admin's stream (GET /v1/events, the supervisor board): every event of the workspace.
    auto session = std::make_shared<EventSession>(*this, "", "", std::move(stream), std::move(authority), false, true);
    sessions_.push_back(session);
    co_await session->run(std::move(request), cursor);
    co_return;
  }
  // At most max_sockets_per_agent sockets per agent (across every daemon): tabs left open, or a
  // client opening sockets it never reads, cannot pile up.
  const std::string socket_id = random_socket_id();
  std::int64_t now = now_ms();
  auto claimed = co_await events_.claim_socket(*agent, socket_id, now, now + 30'000, max_sockets_per_agent_);
  if (!claimed) {
    http::Response res = http::json_error(503, "store_unavailable", "Redis is unavailable; retry later");
    res.keep_alive(false);
    co_await beast::http::async_write(stream, res, kAwait);
    co_return;
  }
  if (!*claimed) {
    too_many_->inc();
    http::Response res = http::json_error(
        429, "too_many_sockets",
        "agent '" + *agent + "' already has " + std::to_string(max_sockets_per_agent_) + " event sockets open; close one");
    res.keep_alive(false);
    co_await beast::http::async_write(stream, res, kAwait);
    co_return;
  }
  const bool waiting = query_param(request.target(), "waiting") == "1";
  auto session = std::make_shared<EventSession>(*this, *agent, socket_id, std::move(stream), std::move(authority), waiting);
  sessions_.push_back(session);
  co_await session->run(std::move(request), cursor);
}

}  // namespace omniroute::agent_api
