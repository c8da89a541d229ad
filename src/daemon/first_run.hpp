#pragma once
// The embedded default's first run: so a newcomer can try the console at once,
// the daemon creates a demo agent and (with no admin_token configured) an
// admin token, keeps only their digests in Redis, and prints the tokens once,
// with the console's URL. Each step happens once per workspace, whoever runs
// first; a crash between them leaves nothing half made (each is one command).

#include <boost/asio/awaitable.hpp>

#include "config/config.hpp"
#include "routing/assigner.hpp"
#include "store/conversation_store.hpp"

namespace omniroute::daemon {

boost::asio::awaitable<void> first_run(const config::Config& config, store::ConversationStore& store,
                                       routing::Assigner& assigner);

}  // namespace omniroute::daemon
