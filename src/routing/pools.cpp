#include "routing/pools.hpp"

#include <algorithm>
#include <set>

namespace omniroute::routing {

std::string skill_key(std::vector<std::string> skills) {
  std::sort(skills.begin(), skills.end());
  skills.erase(std::unique(skills.begin(), skills.end()), skills.end());
  std::string out;
  for (const auto& s : skills) out += (out.empty() ? "" : "+") + s;
  return out;
}

std::string pool_name(std::string_view queue, std::string_view skills) {
  std::string out(queue);
  if (!skills.empty()) out.append("+").append(skills);
  return out;
}

std::string_view queue_of_pool(std::string_view pool) { return pool.substr(0, pool.find('+')); }

Pools::Pools(const config::Config& config) : config_(config) {
  std::set<std::string> keys{""};
  for (const auto& r : config.rules) keys.insert(skill_key(r.skills));
  skill_keys_.assign(keys.begin(), keys.end());  // "" sorts first
}

std::vector<std::string> Pools::of_queue(std::string_view queue) const {
  std::vector<std::string> out;
  for (const auto& k : skill_keys_) out.push_back(pool_name(queue, k));
  return out;
}

std::vector<std::string> Pools::for_agent(const std::vector<std::string>& skills) const {
  auto has = [&](const std::string& s) { return std::find(skills.begin(), skills.end(), s) != skills.end(); };
  std::vector<std::string> out;
  for (const auto& q : config_.queues) {
    if (!std::all_of(q.skills.begin(), q.skills.end(), has)) continue;
    for (const auto& k : skill_keys_) {
      bool ok = true;
      for (size_t start = 0; start < k.size();) {
        size_t end = std::min(k.find('+', start), k.size());
        if (!has(k.substr(start, end - start))) ok = false;
        start = end + 1;
      }
      if (ok) out.push_back(pool_name(q.id, k));
    }
  }
  return out;
}

}  // namespace omniroute::routing
