// /v1/admins: the admin side's people. Accounts of the configuration file (admins:) are listed and
// read-only here (409 configured_in_file); accounts added through the API are kept in Redis
// (store::AdminAccounts), their tokens shown once, only a digest kept.

#include <boost/json.hpp>

#include "admin_api/admin_routes.hpp"
#include "agent_api/request_helpers.hpp"
#include "config/sections.hpp"
#include "omniroute/digest.hpp"
#include "store/admin_accounts.hpp"

namespace omniroute::admin_api {

namespace asio = boost::asio;
namespace json = boost::json;
using agent_api::json_body;
using agent_api::string_field;
using agent_api::unavailable;
using http::json_error;
using http::json_response;
using http::Response;

namespace {
json::object account_json(const std::string& id, const std::string& name, const std::string& role, const char* source) {
  return json::object{{"id", id}, {"name", name.empty() ? id : name}, {"role", role}, {"source", source}};
}

bool valid_role(const std::string& role) { return role == "admin" || role == "supervisor"; }
}  // namespace

const config::AdminConfig* AdminRoutes::configured_admin(const std::string& id) const {
  for (const auto& a : config_.admins) {
    if (a.id == id) return &a;
  }
  return nullptr;
}

asio::awaitable<Response> AdminRoutes::admins() {
  json::array out;
  for (const auto& a : config_.admins) out.push_back(account_json(a.id, a.name, a.role, "config"));
  store::AdminAccounts accounts(store_.client(), store_.keys());
  auto kept = co_await accounts.all();
  if (!kept) co_return unavailable();
  for (const auto& a : *kept) out.push_back(account_json(a.id, a.name, a.role, "api"));
  co_return json_response(200, json::serialize(json::object{{"admins", std::move(out)}}));
}

asio::awaitable<Response> AdminRoutes::admin(const std::string& id) {
  if (const auto* a = configured_admin(id)) co_return json_response(200, json::serialize(account_json(a->id, a->name, a->role, "config")));
  store::AdminAccounts accounts(store_.client(), store_.keys());
  auto kept = co_await accounts.all();
  if (!kept) co_return unavailable();
  for (const auto& a : *kept) {
    if (a.id == id) co_return json_response(200, json::serialize(account_json(a.id, a.name, a.role, "api")));
  }
  co_return json_error(404, "not_found", "no admin '" + id + "'");
}

asio::awaitable<Response> AdminRoutes::create_admin(const http::Request& request) {
  auto body = json_body(request);
  if (!body) co_return body.error();
  store::AdminAccountRecord account{string_field(*body, "id"), string_field(*body, "name"), string_field(*body, "role"), ""};
  if (account.role.empty()) account.role = "admin";
  if (!config::is_identifier(account.id)) co_return json_error(400, "invalid_field", "'id' is 1-64 letters, digits, '_' or '-'");
  if (account.id == "token") co_return json_error(400, "invalid_field", "'token' is the name of server.admin_token");
  if (!valid_role(account.role)) co_return json_error(400, "invalid_field", "'role' is admin or supervisor");
  if (account.name.size() > 200) co_return json_error(400, "invalid_field", "'name' is at most 200 bytes");
  if (configured_admin(account.id)) {
    co_return json_error(409, "configured_in_file", "admin '" + account.id + "' is defined in the configuration file");
  }
  std::string token = string_field(*body, "token");
  if (!token.empty() && token.size() < 16) co_return json_error(400, "invalid_field", "'token' is at least 16 characters");
  if (token.empty()) token = random_hex(24);
  account.token_sha256 = sha256_hex(token);
  if (account.name.empty()) account.name = account.id;
  store::AdminAccounts accounts(store_.client(), store_.keys());
  auto created = co_await accounts.create(account);
  if (!created) co_return unavailable();
  if (!*created) co_return json_error(409, "exists", "admin '" + account.id + "' exists");
  json::object out = account_json(account.id, account.name, account.role, "api");
  out["token"] = token;  // shown once: only its digest is kept
  co_return json_response(201, json::serialize(out));
}

asio::awaitable<Response> AdminRoutes::update_admin(const std::string& id, const http::Request& request) {
  if (configured_admin(id)) co_return json_error(409, "configured_in_file", "admin '" + id + "' is defined in the configuration file");
  auto body = json_body(request);
  if (!body) co_return body.error();
  const std::string name = string_field(*body, "name"), role = string_field(*body, "role");
  if (!role.empty() && !valid_role(role)) co_return json_error(400, "invalid_field", "'role' is admin or supervisor");
  if (name.size() > 200) co_return json_error(400, "invalid_field", "'name' is at most 200 bytes");
  store::AdminAccounts accounts(store_.client(), store_.keys());
  auto changed = co_await accounts.change(id, name, role, "");
  if (!changed) co_return unavailable();
  if (!*changed) co_return json_error(404, "not_found", "no admin '" + id + "'");
  co_return json_response(200, json::serialize(account_json((*changed)->id, (*changed)->name, (*changed)->role, "api")));
}

asio::awaitable<Response> AdminRoutes::delete_admin(const std::string& id) {
  if (configured_admin(id)) co_return json_error(409, "configured_in_file", "admin '" + id + "' is defined in the configuration file");
  store::AdminAccounts accounts(store_.client(), store_.keys());
  auto removed = co_await accounts.remove(id);
  if (!removed) co_return unavailable();
  if (!*removed) co_return json_error(404, "not_found", "no admin '" + id + "'");
  co_return http::no_content();
}

asio::awaitable<Response> AdminRoutes::rotate_admin_token(const std::string& id) {
  if (configured_admin(id)) co_return json_error(409, "configured_in_file", "admin '" + id + "' is defined in the configuration file");
  const std::string token = random_hex(24);
  store::AdminAccounts accounts(store_.client(), store_.keys());
  auto changed = co_await accounts.change(id, "", "", sha256_hex(token));
  if (!changed) co_return unavailable();
  if (!*changed) co_return json_error(404, "not_found", "no admin '" + id + "'");
  co_return json_response(200, json::serialize(json::object{{"id", id}, {"token", token}}));
}

}  // namespace omniroute::admin_api
