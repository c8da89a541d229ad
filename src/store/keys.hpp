#pragma once
// Redis key names. Every key of a workspace shares the hash tag {ws}, so a
// multi-key script runs in one slot (and a workspace fits one Cluster shard).
// docs/redis-schema.md describes each key.

#include <string>
#include <string_view>

namespace omniroute::store {

class Keys {
 public:
  explicit Keys(std::string_view workspace) : prefix_("or:{" + std::string(workspace) + "}:") {}

  const std::string& prefix() const { return prefix_; }
  std::string dedupe(std::string_view channel, std::string_view provider_id) const {
    return cat("dedupe:", channel, ":", provider_id);
  }
  std::string nonce(std::string_view channel, std::string_view nonce) const { return cat("nonce:", channel, ":", nonce); }
  std::string handle(std::string_view kind, std::string_view handle) const { return cat("handle:", kind, ":", handle); }
  std::string thread(std::string_view channel, std::string_view key) const { return cat("thread:", channel, ":", key); }
  std::string blob(std::string_view sha256) const { return cat("blob:", sha256); }
  std::string conversation(std::string_view id) const { return cat("conv:", id); }
  std::string transcript(std::string_view id) const { return cat("conv:", id, ":msgs"); }
  std::string contact(std::string_view id) const { return cat("contact:", id); }
  // A contact's handles and conversations as earlier builds stored them (now fields of contact(id)): read only.
  std::string contact_handles(std::string_view id) const { return cat("contact:", id, ":handles"); }
  std::string contact_attributes(std::string_view id) const { return cat("contact:", id, ":attrs"); }
  std::string contact_conversations(std::string_view id) const { return cat("contact:", id, ":convs"); }
  std::string queue(std::string_view id) const { return cat("queue:", id); }
  std::string channel_state(std::string_view channel) const { return cat("channel:", channel); }
  std::string waiting(std::string_view queue, std::string_view medium) const { return cat("queue:", queue, ":", medium); }
  std::string available(std::string_view queue, std::string_view medium) const {
    return cat("avail:", queue, ":", medium);
  }
  std::string agent(std::string_view id) const { return cat("agent:", id); }
  std::string agent_conversations(std::string_view id) const { return cat("agent:", id, ":convs"); }
  std::string agent_sockets(std::string_view id) const { return cat("agent:", id, ":sockets"); }
  std::string agent_pools(std::string_view id) const { return cat("agent:", id, ":queues"); }
  std::string agent_tokens() const { return prefix_ + "agent_tokens"; }
  std::string agent_offers(std::string_view id) const { return cat("agent:", id, ":offers"); }
  std::string offers() const { return prefix_ + "offers"; }
  std::string agents() const { return prefix_ + "agents"; }
  std::string queues() const { return prefix_ + "queues"; }
  std::string outbox() const { return prefix_ + "outbox"; }
  std::string dead_letters() const { return prefix_ + "outbox:dead"; }
  std::string delivery(std::string_view conv) const { return cat("conv:", conv, ":delivery"); }
  std::string resolved() const { return prefix_ + "resolved"; }
  std::string seq() const { return prefix_ + "seq"; }
  std::string sla() const { return prefix_ + "sla"; }
  std::string alerts() const { return prefix_ + "alerts"; }
  std::string events() const { return prefix_ + "events"; }
  std::string session(std::string_view secret_sha256) const { return cat("session:", secret_sha256); }
  std::string canned_responses() const { return prefix_ + "canned"; }
  std::string label_catalog() const { return prefix_ + "label_catalog"; }
  std::string admin_token() const { return prefix_ + "admin_token"; }
  std::string automatic() const { return prefix_ + "automatic"; }
  std::string first_response_times(std::string_view queue) const { return cat("frt:", queue); }
  /// The reports' raw records of one UTC hour ("2026-12-01T09"), and a rollup ("d:UTC:2026-12-01",
  /// "m:Asia/Kolkata:2026-12") by one dimension (all, queue, channel, agent, label): lib_report.lua.
  std::string responses(std::string_view utc_hour) const { return cat("responses:", utc_hour); }
  /// Which zones are rolled up, and since when (reports read records for days before that).
  std::string rollup_zones() const { return prefix_ + "rollup_zones"; }
  std::string rollup(std::string_view name, std::string_view dimension) const {
    return cat("rollup:", name, ":", dimension);
  }

 private:
  template <typename... Parts>
  std::string cat(Parts... parts) const {
    std::string out = prefix_;
    (out.append(parts), ...);
    return out;
  }
  std::string prefix_;
};

}  // namespace omniroute::store
