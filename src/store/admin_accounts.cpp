#include "store/admin_accounts.hpp"

#include <boost/json.hpp>
#include <openssl/crypto.h>

#include "omniroute/clock.hpp"
#include "store/conversation_store.hpp"
#include "store/scripts.hpp"
#include "store/store_calls.hpp"

namespace omniroute::store {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {
std::optional<AdminAccountRecord> record_of(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  auto field = [&](const char* name) {
    auto it = o.find(name);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
  };
  return AdminAccountRecord{field("id"), field("name"), field("role"), field("token_sha256")};
}

std::string json_of(const AdminAccountRecord& a) {
  return json::serialize(json::object{{"id", a.id}, {"name", a.name}, {"role", a.role}, {"token_sha256", a.token_sha256}});
}
}  // namespace

asio::awaitable<StoreResult<std::vector<AdminAccountRecord>>> AdminAccounts::all() {
  std::vector<std::string> get{"HGETALL", keys_.admin_accounts()};
  auto r = co_await detail::command(client_, std::move(get));
  if (!r) co_return unexpected(r.error());
  std::vector<AdminAccountRecord> out;
  for (std::size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    if (auto a = record_of(r->elements[i + 1].str)) out.push_back(std::move(*a));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  co_return out;
}

asio::awaitable<StoreResult<std::optional<AdminAccountRecord>>> AdminAccounts::by_digest(const std::string& token_sha256) {
  auto every = co_await all();
  if (!every) co_return unexpected(every.error());
  std::optional<AdminAccountRecord> match;
  for (auto& a : *every) {  // no early exit: every account is compared
    if (a.token_sha256.size() == token_sha256.size() &&
        CRYPTO_memcmp(a.token_sha256.data(), token_sha256.data(), token_sha256.size()) == 0) {
      match = a;
    }
  }
  co_return match;
}

asio::awaitable<StoreResult<bool>> AdminAccounts::create(const AdminAccountRecord& account) {
  std::vector<std::string> set{"HSETNX", keys_.admin_accounts(), account.id, json_of(account)};
  auto r = co_await detail::command(client_, std::move(set));
  if (!r) co_return unexpected(r.error());
  co_return r->integer == 1;
}

asio::awaitable<StoreResult<std::optional<AdminAccountRecord>>> AdminAccounts::change(const std::string& id,
                                                                                      const std::string& name,
                                                                                      const std::string& role,
                                                                                      const std::string& token_sha256) {
  AdminAccountChangeCall call = change_call(id);
  call.name = name;
  call.role = role;
  call.token_sha256 = token_sha256;
  auto r = co_await detail::run_declared<AdminAccountChangeResult>(client_, admin_account_change_script(), call);
  if (!r) co_return unexpected(r.error());
  if (r->status == AdminAccountChangeResult::Status::not_found) co_return std::optional<AdminAccountRecord>();
  co_return record_of(r->account);
}

asio::awaitable<StoreResult<bool>> AdminAccounts::remove(const std::string& id) {
  AdminAccountChangeCall call = change_call(id);
  call.remove = "1";
  auto r = co_await detail::run_declared<AdminAccountChangeResult>(client_, admin_account_change_script(), call);
  if (!r) co_return unexpected(r.error());
  co_return r->status != AdminAccountChangeResult::Status::not_found;
}

AdminAccountChangeCall AdminAccounts::change_call(const std::string& id) const {
  AdminAccountChangeCall call;
  call.accounts = keys_.admin_accounts();
  call.events = keys_.events();
  call.id = id;
  call.remove = "0";
  call.events_max = std::to_string(kEventsMaxLength);
  call.now = std::to_string(now_ms());
  return call;
}

}  // namespace omniroute::store
