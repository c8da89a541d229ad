#include "store/audit_log.hpp"

#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<StoreResult<Done>> AuditLog::record(const AuditEntry& e) {
  // The entry's id is its time: the stream is read by time, and trimmed to what is younger than 400 days.
  std::vector<std::string> add{"XADD", keys_.audit(), "MINID", "~", std::to_string(e.at_ms - kKeepMs), "*",
                               "at", std::to_string(e.at_ms), "actor", e.actor, "action", e.action,
                               "target_type", e.target_type, "target_id", e.target_id, "before", e.before, "after", e.after};
  auto r = co_await detail::command(client_, std::move(add));
  if (!r) co_return unexpected(r.error());
  if (r->is_error()) co_return unexpected(detail::unexpected_reply(*r, "XADD audit"));
  co_return Done{};
}

asio::awaitable<StoreResult<std::vector<AuditEntry>>> AuditLog::newest(std::int64_t from_ms, std::int64_t to_ms,
                                                                       std::size_t limit) {
  std::vector<std::string> range{"XREVRANGE", keys_.audit(), std::to_string(to_ms) + "-18446744073709551615",
                                 std::to_string(std::max<std::int64_t>(0, from_ms)), "COUNT", std::to_string(limit)};
  auto r = co_await detail::command(client_, std::move(range));
  if (!r) co_return unexpected(r.error());
  std::vector<AuditEntry> out;
  for (const auto& item : r->elements) {
    if (item.elements.size() != 2) continue;
    AuditEntry e;
    const auto& fields = item.elements[1].elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      const std::string& name = fields[i].str;
      const std::string& value = fields[i + 1].str;
      if (name == "at") e.at_ms = std::atoll(value.c_str());
      else if (name == "actor") e.actor = value;
      else if (name == "action") e.action = value;
      else if (name == "target_type") e.target_type = value;
      else if (name == "target_id") e.target_id = value;
      else if (name == "before") e.before = value;
      else if (name == "after") e.after = value;
    }
    out.push_back(std::move(e));
  }
  co_return out;
}

}  // namespace omniroute::store
