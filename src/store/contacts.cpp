#include "store/contacts.hpp"

#include <algorithm>

#include "store/history/reader.hpp"

#include "store/conversation_store.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;

asio::awaitable<StoreResult<std::optional<Contact>>> Contacts::read(const std::string& id) {
  std::vector<std::string> hash{"HGETALL", keys_.contact(id)};
  auto c = co_await detail::command(client_, std::move(hash));
  if (!c) co_return unexpected(c.error());
  // Handles and conversations are fields of the contact's hash (handle:<kind>:<handle>, conv:<id>); contacts
  // stored by earlier builds keep them in the sets read below as well.
  Contact v;
  Fields own;
  for (auto& [name, value] : fields_of(*c)) {
    if (name.starts_with("handle:")) {
      v.handles.push_back(name.substr(7));
    } else if (name.starts_with("conv:")) {
      v.conversations.push_back(name.substr(5));
    } else {
      own[name] = std::move(value);
    }
  }
  if (own["id"].empty()) {
    if (!history_) co_return std::optional<Contact>();
    // Not in Redis: the history may still hold them (the API never says which tier answered).
    auto kept = co_await history_->contact(id);
    if (!kept) co_return unexpected(StoreError{RedisFailure::unavailable, "history: " + kept.error().message});
    if (!*kept || !(*kept)->merged_into.empty()) co_return std::move(*kept);
    v = std::move(**kept);
  } else {
    v.id = own["id"];
    v.name = own["name"];
    v.created_at = time_from_ms(own["created_at"]);
    v.merged_into = own["merged_into"];
    v.merged_at = time_from_ms(own["merged_at"]);
    if (!v.merged_into.empty()) co_return std::optional<Contact>(std::move(v));
    std::vector<std::string> handles{"SMEMBERS", keys_.contact_handles(id)};
    auto h = co_await detail::command(client_, std::move(handles));
    std::vector<std::string> attrs{"HGETALL", keys_.contact_attributes(id)};
    auto a = co_await detail::command(client_, std::move(attrs));
    std::vector<std::string> convs{"SMEMBERS", keys_.contact_conversations(id)};
    auto cs = co_await detail::command(client_, std::move(convs));
    if (!h) co_return unexpected(h.error());
    if (!a) co_return unexpected(a.error());
    if (!cs) co_return unexpected(cs.error());
    for (auto& handle : detail::strings_of(*h)) v.handles.push_back(std::move(handle));
    v.attributes = fields_of(*a);
    for (auto& conv : detail::strings_of(*cs)) v.conversations.push_back(std::move(conv));
  }
  if (history_) {
    // The conversations Redis has let go are still the contact's (best effort: Redis's list without it).
    if (auto earlier = co_await history_->contact_conversations(id)) {
      for (auto& ref : *earlier) {
        if (std::find(v.conversations.begin(), v.conversations.end(), ref.id) == v.conversations.end()) {
          v.conversations.push_back(std::move(ref.id));
        }
      }
    }
  }
  co_return std::optional<Contact>(std::move(v));
}

asio::awaitable<StoreResult<MergeOutcome>> Contacts::merge(const std::string& into, const std::string& from,
                                                           std::int64_t now_ms) {
  ContactMergeCall call;
  call.prefix = keys_.prefix();
  call.into = into;
  call.from = from;
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await detail::run_declared<ContactMergeResult>(client_, contact_merge_script(), call);
  if (!r) co_return unexpected(r.error());
  using R = ContactMergeResult::Status;
  switch (r->status) {
    case R::merged: co_return MergeOutcome{MergeOutcome::Status::merged, ""};
    case R::same: co_return MergeOutcome{MergeOutcome::Status::same, ""};
    case R::not_found: co_return MergeOutcome{MergeOutcome::Status::not_found, r->missing};
  }
  co_return unexpected(StoreError{RedisFailure::closed, "contact_merge: unknown status"});
}

asio::awaitable<StoreResult<std::optional<std::vector<std::string>>>> Contacts::erase(
    const std::string& id, const std::vector<std::string>& known, std::int64_t now_ms) {
  ContactEraseCall call;
  call.conversations = known;
  call.events = keys_.events();
  call.prefix = keys_.prefix();
  call.contact = id;
  call.now = std::to_string(now_ms);
  call.events_max = std::to_string(kEventsMaxLength);
  auto r = co_await detail::run_declared<ContactEraseResult>(client_, contact_erase_script(), call);
  if (!r) co_return unexpected(r.error());
  if (r->status == ContactEraseResult::Status::not_found) co_return std::optional<std::vector<std::string>>();
  co_return std::optional<std::vector<std::string>>(std::move(r->conversations));
}

asio::awaitable<StoreResult<bool>> Contacts::update(const std::string& id, const std::string& name,
                                                    const std::vector<AttributeChange>& attributes) {
  ContactUpdateCall call;
  call.contact = keys_.contact(id);
  call.name = name;
  for (const auto& a : attributes) call.attributes.insert(call.attributes.end(), {a.name, a.value});
  auto r = co_await detail::run_declared<ContactUpdateResult>(client_, contact_update_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return r->status == ContactUpdateResult::Status::ok;
}

asio::awaitable<StoreResult<std::string>> Contacts::id_of(const std::string& handle_kind, const std::string& handle) {
  std::vector<std::string> get{"GET", keys_.handle(handle_kind, handle)};
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  co_return r->type == Reply::Type::string ? r->str : std::string();
}

asio::awaitable<StoreResult<std::string>> Contacts::awaiting_rating(const std::string& channel, const std::string& contact) {
  if (contact.empty()) co_return std::string();
  std::vector<std::string> get{"GET", keys_.survey(channel, contact)};
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  co_return r->type == Reply::Type::string ? r->str : std::string();
}

asio::awaitable<StoreResult<ContactAttributes>> Contacts::attributes_of(const std::string& handle_kind,
                                                             const std::string& handle) {
  ContactAttributesCall call;
  call.handle = keys_.handle(handle_kind, handle);
  call.prefix = keys_.prefix();
  auto r = co_await detail::run_declared<ContactAttributesResult>(client_, contact_attributes_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return fields_of(r->attributes);
}

}  // namespace omniroute::store
