// omnirouted: parse arguments, load the configuration, run. Nothing else.

#include <malloc.h>

#include <cstring>
#include <iostream>
#include <string>

#include "config/loader.hpp"
#include "config/reference.hpp"
#include "daemon/daemon.hpp"
#include "omniroute/log.hpp"
#include "store/history/migrations.hpp"
#include "store/api_channels.hpp"
#include "store/redis_client.hpp"

namespace omniroute::embedded {
extern const std::string_view omniroute_default;
}

namespace {

constexpr const char* kUsage =
    "usage: omnirouted [--config FILE] [--check-config | --config-reference]\n"
    "  --config FILE    the YAML configuration (default: the embedded default, for local use)\n"
    "  --check-config   validate the configuration, print FILE:LINE:COL: problems, exit 0 or 2\n"
    "  --config-reference  print every configuration key (Markdown: docs/config.md)\n"
    "  --migrate        bring the history's schema (history.url) up to date, exit 0 (1: it could not)\n"
    "  --version        print the version\n";

}  // namespace

int main(int argc, char** argv) {
  // Keep freed memory instead of handing it back to the kernel after every burst: with glibc's
  // defaults a library that allocates a few hundred KiB per call (CLD2, per message) paid a
  // brk/trim round trip each time, ~70 µs, which halved ingest throughput (bench/ingest).
  mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  std::string config_path;
  bool check_only = false;
  bool migrate_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg.starts_with("--config=")) {
      config_path = arg.substr(9);
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--migrate") {
      migrate_only = true;
    } else if (arg == "--config-reference") {
      omniroute::ChannelRegistry registry;
      omniroute::register_builtin_channels(registry);
      std::cout << omniroute::config::config_reference_markdown(registry);
      return 0;
    } else if (arg == "--version") {
      std::cout << "omnirouted " << OMNIROUTE_VERSION << "\n";
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "omnirouted: unknown argument '" << arg << "'\n" << kUsage;
      return 64;
    }
  }

  omniroute::ChannelRegistry registry;
  omniroute::register_builtin_channels(registry);
  auto load = [&]() {
    if (!config_path.empty()) return omniroute::config::load_config_file(config_path, registry);
    auto embedded = omniroute::config::load_config_text(omniroute::embedded::omniroute_default, "<embedded default>",
                                                        registry);
    embedded.first_run_demo = true;
    return embedded;
  };
  omniroute::config::Config config;
  try {
    config = load();
  } catch (const omniroute::config::ConfigError& e) {
    std::cerr << e.what();
    return 2;
  }
  if (check_only) return 0;
  if (migrate_only) {
    if (!config.history.enabled()) {
      std::cerr << "omnirouted: --migrate needs a history section (history.url) in the configuration\n";
      return 2;
    }
    auto done = omniroute::store::history::migrate_now(config.history.url, std::chrono::seconds(10));
    if (!done) {
      std::cerr << "omnirouted: history " << omniroute::store::pg_url_for_log(config.history.url) << ": "
                << done.error().message << "\n";
      return 1;
    }
    std::cout << "history schema at version " << done->version
              << (done->applied.empty() ? " (already up to date)" : " (applied " + std::to_string(done->applied.size()) + ")")
              << "\n";
    return 0;
  }
  // SIGHUP: the same file again; a broken one is reported line by line and changes nothing.
  omniroute::daemon::Reload reload = [&]() -> std::optional<omniroute::config::Config> {
    try {
      return load();
    } catch (const omniroute::config::ConfigError& e) {
      std::string problems = e.what();
      for (size_t start = 0; start < problems.size();) {
        size_t end = problems.find('\n', start);
        if (end == std::string::npos) end = problems.size();
        if (end > start) omniroute::log::error("SIGHUP: " + problems.substr(start, end - start));
        start = end + 1;
      }
      return std::nullopt;
    }
  };

  // A certificate or password Redis refuses will be refused on every retry: say so and stop, rather
  // than run unready. (An unreachable Redis is waited for.)
  if (auto refusal = omniroute::store::RedisClient::refusal_at_start(config.redis, config.redis.connect_timeout)) {
    omniroute::log::error("cannot start: redis: " + *refusal);
    return 1;
  }
  // The channels added through the API are served from the first request, not a moment after start-up. Redis
  // unreachable now delays the start by at most a second: the running daemon's watcher reads them later.
  std::optional<std::pair<std::string, std::map<std::string, std::string>>> kept;
  const auto wait = std::min<std::chrono::milliseconds>(config.redis.connect_timeout, std::chrono::seconds(1));
  if (auto read = omniroute::store::kept_channels_at_start(config.redis, wait)) {
    kept.emplace(std::move(read->version), std::move(read->documents));
  }
  try {
    return omniroute::daemon::run(std::move(config), registry, reload, std::move(kept));
  } catch (const std::exception& e) {
    omniroute::log::error(std::string("cannot start: ") + e.what());
    return 1;
  }
}
