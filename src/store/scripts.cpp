#include "store/scripts.hpp"

#include <openssl/sha.h>

#include <memory>

namespace omniroute::store {

namespace lua {
extern const std::string_view lib_agent;
extern const std::string_view ingest;
extern const std::string_view resolve;
extern const std::string_view route;
extern const std::string_view agent_sync;
extern const std::string_view presence;
extern const std::string_view reply;
extern const std::string_view transfer;
extern const std::string_view conversation_view;
extern const std::string_view delivery;
extern const std::string_view presence_sweep;
extern const std::string_view agent_delete;
extern const std::string_view contact_attributes;
extern const std::string_view agents_overview;
extern const std::string_view contact_update;
extern const std::string_view offer_answer;
extern const std::string_view offers_expire;
extern const std::string_view sla_claim;
extern const std::string_view lib_sla;
extern const std::string_view sla_starts;
extern const std::string_view sla_schedule;
extern const std::string_view sla_overview;
extern const std::string_view queue_check;
extern const std::string_view ack_inputs;
extern const std::string_view auto_ack;
extern const std::string_view lib_delivery;
extern const std::string_view delivery_status;
extern const std::string_view contact_merge;
extern const std::string_view nonce_claim;
extern const std::string_view socket_claim;
extern const std::string_view attachment_read;
}  // namespace lua

namespace {

std::string sha1_hex(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

Script make(std::string_view name, std::string_view source) {
  return {name, std::string(source), sha1_hex(source)};
}

/// For scripts that change agents or stop SLA clocks: lib_agent.lua's and lib_sla.lua's functions first.
Script make_with_agent_lib(std::string_view name, std::string_view source) {
  return make(name, std::string(lua::lib_agent) + "\n" + std::string(lua::lib_sla) + "\n" + std::string(source));
}

std::vector<std::string> script_command(std::string_view verb, std::string_view script_or_sha,
                                        const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args) {
  std::vector<std::string> cmd;
  cmd.reserve(3 + keys.size() + args.size());
  cmd.emplace_back(verb);
  cmd.emplace_back(script_or_sha);
  cmd.push_back(std::to_string(keys.size()));
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

}  // namespace

const Script& ingest_script() {
  static const Script s = make("ingest", lua::ingest);
  return s;
}

const Script& resolve_script() {
  static const Script s = make_with_agent_lib("resolve", lua::resolve);
  return s;
}

const Script& route_script() {
  static const Script s = make_with_agent_lib("route", lua::route);
  return s;
}

const Script& agents_overview_script() {
  static const Script s = make("agents_overview", lua::agents_overview);
  return s;
}

const Script& contact_update_script() {
  static const Script s = make("contact_update", lua::contact_update);
  return s;
}

const Script& offer_answer_script() {
  static const Script s = make_with_agent_lib("offer_answer", lua::offer_answer);
  return s;
}

const Script& offers_expire_script() {
  static const Script s = make_with_agent_lib("offers_expire", lua::offers_expire);
  return s;
}

const Script& sla_claim_script() {
  static const Script s = make("sla_claim", lua::sla_claim);
  return s;
}

const Script& contact_attributes_script() {
  static const Script s = make("contact_attributes", lua::contact_attributes);
  return s;
}

const Script& agent_delete_script() {
  static const Script s = make_with_agent_lib("agent_delete", lua::agent_delete);
  return s;
}

const Script& agent_sync_script() {
  static const Script s = make_with_agent_lib("agent_sync", lua::agent_sync);
  return s;
}

const Script& presence_script() {
  static const Script s = make_with_agent_lib("presence", lua::presence);
  return s;
}

const Script& reply_script() {
  static const Script s = make_with_agent_lib("reply", lua::reply);
  return s;
}

const Script& transfer_script() {
  static const Script s = make_with_agent_lib("transfer", lua::transfer);
  return s;
}

const Script& presence_sweep_script() {
  static const Script s = make_with_agent_lib("presence_sweep", lua::presence_sweep);
  return s;
}

const Script& delivery_script() {
  static const Script s = make("delivery", std::string(lua::lib_delivery) + "\n" + std::string(lua::delivery));
  return s;
}

const Script& conversation_view_script() {
  static const Script s = make("conversation_view", lua::conversation_view);
  return s;
}

void eval_script(RedisClient& client, const Script& script, std::vector<std::string> keys,
                 std::vector<std::string> args, RedisClient::Callback done) {
  auto cmd = std::make_shared<std::vector<std::string>>(script_command("EVALSHA", script.sha, keys, args));
  client.command(*cmd, [&client, &script, cmd, done = std::move(done)](RedisResult r) mutable {
    if (r && r->is_error() && r->str.starts_with("NOSCRIPT")) {
      (*cmd)[0] = "EVAL";
      (*cmd)[1] = script.source;
      client.command(*cmd, std::move(done));
      return;
    }
    done(std::move(r));
  });
}

const Script& sla_starts_script() {
  static const Script s = make("sla_starts", lua::sla_starts);
  return s;
}

const Script& sla_schedule_script() {
  static const Script s = make("sla_schedule", lua::sla_schedule);
  return s;
}

const Script& sla_overview_script() {
  static const Script s = make("sla_overview", lua::sla_overview);
  return s;
}

const Script& queue_check_script() {
  static const Script s = make_with_agent_lib("queue_check", lua::queue_check);
  return s;
}

const Script& ack_inputs_script() {
  static const Script s = make_with_agent_lib("ack_inputs", lua::ack_inputs);
  return s;
}

const Script& auto_ack_script() {
  static const Script s = make("auto_ack", lua::auto_ack);
  return s;
}

const Script& delivery_status_script() {
  static const Script s = make("delivery_status", std::string(lua::lib_delivery) + "\n" + std::string(lua::delivery_status));
  return s;
}

const Script& contact_merge_script() {
  static const Script s = make("contact_merge", lua::contact_merge);
  return s;
}

const Script& attachment_read_script() {
  static const Script s = make("attachment_read", lua::attachment_read);
  return s;
}

const Script& socket_claim_script() {
  static const Script s = make("socket_claim", lua::socket_claim);
  return s;
}

const Script& nonce_claim_script() {
  static const Script s = make("nonce_claim", lua::nonce_claim);
  return s;
}

}  // namespace omniroute::store
