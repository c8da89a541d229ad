#include "store/sessions.hpp"

#include "store/conversation_store.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<StoreResult<Done>> Sessions::create(const std::string& secret_sha256, const SessionRecord& record,
                                                    std::chrono::seconds ttl) {
  std::string value = (record.kind == SessionRecord::Kind::admin ? "admin " : "agent ") + record.token_sha256;
  std::vector<std::string> set{"SET", keys_.session(secret_sha256), std::move(value), "EX", std::to_string(ttl.count())};
  auto r = co_await detail::command(client_, std::move(set));
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

asio::awaitable<StoreResult<std::optional<SessionRecord>>> Sessions::find(const std::string& secret_sha256,
                                                                          std::chrono::seconds ttl) {
  std::vector<std::string> get{"GETEX", keys_.session(secret_sha256), "EX", std::to_string(ttl.count())};
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  const std::string& v = r->str;
  auto space = v.find(' ');
  if (space == std::string::npos) co_return std::optional<SessionRecord>();
  SessionRecord record;
  record.kind = v.compare(0, space, "admin") == 0 ? SessionRecord::Kind::admin : SessionRecord::Kind::agent;
  record.token_sha256 = v.substr(space + 1);
  co_return std::optional<SessionRecord>(std::move(record));
}

asio::awaitable<StoreResult<Done>> Sessions::remove(const std::string& secret_sha256, std::int64_t now_ms) {
  SessionEndCall call;
  call.session = keys_.session(secret_sha256);
  call.events = keys_.events();
  call.events_max = std::to_string(kEventsMaxLength);
  call.now = std::to_string(now_ms);
  auto r = co_await detail::run_declared<SessionEndResult>(client_, session_end_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return Done{};
}

}  // namespace omniroute::store
