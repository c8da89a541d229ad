#pragma once
// store::Contacts: the people behind conversations: their handles on every
// channel, attributes (tier, …) that routing rules match on, merging two.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "omniroute/contact.hpp"
#include "store/conversations.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

namespace omniroute::store {

namespace history {
class HistoryReader;
}

struct MergeOutcome {
  enum class Status { merged, not_found, same };
  Status status = Status::not_found;
  std::string missing;  // not_found: which contact
};

/// An attribute change: an empty value removes the attribute.
struct AttributeChange {
  std::string name, value;
};

class Contacts {
 public:
  /// With `history`, a contact's conversations include those Redis has let go.
  Contacts(RedisClient& client, const Keys& keys, history::HistoryReader* history = nullptr)
      : client_(client), keys_(keys), history_(history) {}

  /// The contact; nullopt when there is none. A merged contact has only id, merged_into and merged_at.
  boost::asio::awaitable<StoreResult<std::optional<Contact>>> read(const std::string& id);
  boost::asio::awaitable<StoreResult<MergeOutcome>> merge(const std::string& into, const std::string& from,
                                                          std::int64_t now_ms);
  /// Changes the name ("" keeps it) and attributes; false when there is no such (unmerged) contact.
  boost::asio::awaitable<StoreResult<bool>> update(const std::string& id, const std::string& name,
                                                   const std::vector<AttributeChange>& attributes);
  /// Forgets the person in Redis (contact_erase.lua): their conversations whole (open ones closed first),
  /// replies waiting for them, the keys their handles name. The erased conversations' ids; nullopt when
  /// there is no such contact.
  /// `known`: the conversations the history links to them (Redis may have let them go already).
  boost::asio::awaitable<StoreResult<std::optional<std::vector<std::string>>>> erase(
      const std::string& id, const std::vector<std::string>& known, std::int64_t now_ms);
  /// The id of the contact known by `handle` ("" for an unknown handle).
  boost::asio::awaitable<StoreResult<std::string>> id_of(const std::string& handle_kind, const std::string& handle);
  /// The resolved conversation whose rating `contact` is asked for on `channel` now ("" when none).
  boost::asio::awaitable<StoreResult<std::string>> awaiting_rating(const std::string& channel, const std::string& contact);
  /// The attributes of the contact known by `handle`; empty for an unknown handle.
  boost::asio::awaitable<StoreResult<ContactAttributes>> attributes_of(const std::string& handle_kind, const std::string& handle);

 private:
  RedisClient& client_;
  const Keys& keys_;
  history::HistoryReader* history_ = nullptr;
};

}  // namespace omniroute::store
