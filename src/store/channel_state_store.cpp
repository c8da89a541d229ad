#include "store/channel_state_store.hpp"

namespace omniroute::store {

void RedisChannelState::get(const std::string& field, std::function<void(bool, std::optional<std::string>)> done) {
  client_.command({"HGET", key_, field}, [done = std::move(done)](RedisResult r) {
    if (!r || r->is_error()) return done(false, std::nullopt);
    if (r->type == Reply::Type::nil) return done(true, std::nullopt);
    done(true, r->str);
  });
}

void RedisChannelState::set(const std::string& field, const std::string& value, std::function<void(bool)> done) {
  client_.command({"HSET", key_, field, value}, [done = std::move(done)](RedisResult r) { done(r && !r->is_error()); });
}

}  // namespace omniroute::store
