#include "daemon/first_run.hpp"

#include <atomic>
#include <iostream>

#include "omniroute/digest.hpp"
#include "omniroute/log.hpp"
#include "store/agents.hpp"

namespace omniroute::daemon {

namespace asio = boost::asio;

asio::awaitable<void> first_run(const config::Config& config, store::ConversationStore& store,
                                routing::Assigner& assigner) {
  static std::atomic<bool> done{false};  // once per process, whichever loop gets here first
  if (!config.first_run_demo || done.exchange(true)) co_return;
  std::string printed;
  if (config.server.admin_token.empty()) {
    std::string admin = random_hex(24);
    store::Agents agents(store.client(), store.keys());
    auto kept = co_await agents.keep_admin_digest(sha256_hex(admin));
    if (kept && *kept) printed += "  admin token:      " + admin + "\n";
  }
  std::string demo = random_hex(24);
  routing::AgentSpec spec{"demo", "Demo Agent", {}, {{Medium::chat, 5}, {Medium::sms, 5}, {Medium::email, 5}},
                          sha256_hex(demo), "api"};
  auto saved = co_await assigner.save_agent(spec, routing::SaveMode::create);
  if (saved && *saved == store::SaveOutcome::ok) printed += "  demo agent token: " + demo + "  (agent \"demo\")\n";
  std::string console = config.server.public_url + "/";
  if (!printed.empty()) {
    // On stdout, once: only their digests are kept, so they cannot be shown again (make new ones with the admin API).
    std::cout << "omniroute: first run: created, and shown only now:\n" << printed;
  }
  std::cout << "omniroute: the agent console is at " << console << "\n";
  for (const auto& c : config.channels) {
    if (c.settings.kind == "webchat") {
      std::cout << "omniroute: the customers' chat is at " << config.server.public_url << "/chat/" << c.settings.id << "\n";
    }
  }
  std::cout << std::flush;
  if (printed.empty()) log::info("first run: demo agent and admin token exist already (they were printed once)");
}

}  // namespace omniroute::daemon
