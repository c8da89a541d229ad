// Clients that hold on to what the daemon gives them and never let go: event
// sockets that never read, connections that never speak, providers that never
// answer. The daemon's memory, its descriptors and its shutdown stay bounded.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "integration/test_config.hpp"
#include "support/daemon_process.hpp"
#include "support/fake_provider.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {
namespace {

constexpr const char* kAsha = "asha-token-0123456789";

/// A raw loopback connection to `port`; `rcvbuf` (bytes, 0: the system's) set before connecting,
/// so a client that never reads holds back what the server writes as soon as possible.
int connect_raw(std::uint16_t port, int rcvbuf = 0) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

/// Opens the agent's event WebSocket and reads the handshake answer's status line; the socket is
/// then left unread. Returns the fd (or -1) and the HTTP status the server answered.
std::pair<int, int> open_unread_event_socket(std::uint16_t port, const char* token) {
  int fd = connect_raw(port, 2048);
  if (fd < 0) return {-1, 0};
  std::string upgrade = "GET /v1/agents/me/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + std::string(token) + "\r\n\r\n";
  ::send(fd, upgrade.data(), upgrade.size(), MSG_NOSIGNAL);
  std::string head;
  char c;
  while (head.find("\r\n\r\n") == std::string::npos && ::recv(fd, &c, 1, 0) == 1) head += c;
  int status = head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
  return {fd, status};
}

long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

std::string config_with(std::uint16_t port, const std::string& redis_url, const std::string& server_extra,
                        const std::string& channel_extra = "") {
  std::string p = std::to_string(port);
  return "server:\n  listen: 127.0.0.1:" + p + "\n  threads: 2\n" + server_extra +
         "redis:\n  url: " + redis_url + "\n  workspace: it\n"
         "channels:\n  - { id: api, kind: webhook, secret: " + kApiSecret + channel_extra + " }\n"
         "queues:\n  - { id: general, channels: [api] }\n"
         "agents:\n  - { id: asha, token: " + kAsha + ", capacity: { chat: 5 } }\n";
}

void set_available(std::uint16_t port) {
  auto r = http_request(port, "PUT", "/v1/agents/me/status",
                        {{"Authorization", std::string("Bearer ") + kAsha}, {"Content-Type", "application/json"}},
                        R"({"status":"available"})");
  ASSERT_EQ(r.status, 200) << r.body;
}

TEST(HostileClients, EventSocketsThatNeverReadKeepTheDaemonsMemoryBounded) {
  RedisServer redis;
  std::uint16_t port = free_port();
  DaemonProcess daemon(config_with(port, redis.url(), "  max_sockets_per_agent: 40\n"), port);
  ASSERT_EQ(post_message(port, "first", "cust-1", "नमस्ते, मेरा ऑर्डर कहाँ है?").status, 200);
  set_available(port);
  std::vector<int> sockets;
  for (int i = 0; i < 40; ++i) {
    auto [fd, status] = open_unread_event_socket(port, kAsha);
    ASSERT_EQ(status, 101) << "socket " << i;
    sockets.push_back(fd);
  }
  const long before = rss_kb(daemon.pid());
  // Every one of these is an event for asha's conversation, offered to all 40 sockets; at 16 KB a
  // frame, the kernel's buffers of a socket nobody reads are full after a few hundred.
  std::string long_text;
  while (long_text.size() < 16 * 1024) long_text += "మరో సందేశం, इंतज़ार जारी है. ";
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(post_message(port, "burst-" + std::to_string(i), "cust-1", std::to_string(i) + long_text).status, 200);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the hub hand out the last events
  const long after = rss_kb(daemon.pid());
  std::printf("RSS %ld kB -> %ld kB\n", before, after);
#if !defined(__SANITIZE_ADDRESS__)
  // Unbounded, 40 sockets × ~3,000 queued events grew the daemon by 62 MB; bounded, by about 15.
  // (Under AddressSanitizer freed memory is held in quarantine: RSS says nothing there.)
  EXPECT_LT(after - before, 36 * 1024) << "RSS grew from " << before << " kB to " << after << " kB";
#endif
  auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("omniroute_event_sockets_closed_total{reason=\"slow\"} "), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("omniroute_event_sockets_closed_total{reason=\"slow\"} 0\n"), std::string::npos);
  for (int fd : sockets) ::close(fd);
  EXPECT_EQ(http_request(port, "GET", "/healthz").status, 200);
}

TEST(HostileClients, AnAgentMayHoldOnlySoManyEventSockets) {
  RedisServer redis;
  std::uint16_t port = free_port();
  DaemonProcess daemon(config_with(port, redis.url(), ""), port);  // default: 5
  std::vector<int> sockets;
  for (int i = 0; i < 5; ++i) {
    auto [fd, status] = open_unread_event_socket(port, kAsha);
    EXPECT_EQ(status, 101);
    sockets.push_back(fd);
  }
  auto [sixth, status] = open_unread_event_socket(port, kAsha);
  EXPECT_EQ(status, 429);
  ::close(sixth);
  ::close(sockets.back());
  sockets.pop_back();
  // A closed one makes room again.
  bool reopened = false;
  for (int i = 0; i < 50 && !reopened; ++i) {
    auto [fd, again] = open_unread_event_socket(port, kAsha);
    if (again == 101) {
      reopened = true;
      sockets.push_back(fd);
    } else {
      ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_TRUE(reopened);
  for (int fd : sockets) ::close(fd);
}

TEST(HostileClients, IdleConnectionsBeyondTheFileLimitLeaveHealthReachable) {
  RedisServer redis;
  std::uint16_t port = free_port();
  // The daemon starts with 256 descriptors (inherited); this process takes its own back after.
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = 256;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::unique_ptr<DaemonProcess> daemon;
  try {
    daemon = std::make_unique<DaemonProcess>(config_with(port, redis.url(), ""), port);
  } catch (...) {
    setrlimit(RLIMIT_NOFILE, &saved);
    throw;
  }
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  ASSERT_GE(saved.rlim_cur, 1024u);

  std::vector<int> idle;  // connections that never send a byte
  for (int i = 0; i < 300; ++i) {
    int fd = connect_raw(port);
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(http_request(port, "GET", "/healthz", {}, "", 3000).status, 200) << i;
    EXPECT_EQ(http_request(port, "GET", "/readyz", {}, "", 3000).status, 200) << i;
  }
  EXPECT_EQ(post_message(port, "during", "cust-9", "still taking messages").status, 200);
  auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_EQ(metrics.find("omniroute_connections_shed_total 0\n"), std::string::npos) << "nothing was shed";
  EXPECT_EQ(daemon->log().find("Too many open files"), std::string::npos) << daemon->log();
  for (int fd : idle) ::close(fd);
}

TEST(HostileClients, AConnectionThatNeverSpeaksIsClosedSoon) {
  RedisServer redis;
  std::uint16_t port = free_port();
  DaemonProcess daemon(config_with(port, redis.url(), "  first_request_timeout: 1s\n"), port);
  int fd = connect_raw(port);
  ASSERT_GE(fd, 0);
  char c;
  // The server closes it (recv returns 0) long before this socket's own 5 s read timeout.
  EXPECT_EQ(::recv(fd, &c, 1, 0), 0);
  ::close(fd);
}

TEST(HostileClients, SigtermAfterAHostileRunStillEndsTheDaemon) {
  RedisServer redis;
  FakeProvider blackhole;  // takes replies and never answers
  blackhole.script({}, ScriptedAnswer{200, "{}", true});
  std::uint16_t port = free_port();
  // A mail server that lets connections in and never says a word (they wait in its backlog).
  std::uint16_t mute_port = 0;
  int mute = listen_on_loopback(mute_port);
  ASSERT_GE(mute, 0);
  std::string cfg = config_with(port, redis.url(), "  drain_timeout: 1s\n  read_timeout: 30s\n",
                                ", reply_url: \"" + blackhole.url() + "/replies\"");
  cfg.replace(cfg.find("queues:"), std::string::npos,
              "queues:\n  - { id: general, channels: [api], sla: { first_response: 1s } }\n"
              "agents:\n  - { id: asha, token: " + std::string(kAsha) + ", capacity: { chat: 5 } }\n"
              "alerts:\n  - { kind: webhook, url: \"" + blackhole.url() + "/alerts\" }\n"
              "  - { kind: email, url: \"smtp://127.0.0.1:" + std::to_string(mute_port) + "\", from: a@support.example,"
              " to: oncall@support.example }\n");
  DaemonProcess daemon(cfg, port);
  ASSERT_EQ(post_message(port, "m0", "cust-0", "nobody answers this one").status, 200);  // its alerts go nowhere
  ASSERT_EQ(post_message(port, "m1", "cust-1", "hello").status, 200);
  set_available(port);
  const Headers agent{{"Authorization", std::string("Bearer ") + kAsha}, {"Content-Type", "application/json"}};
  std::string conv = redis.one({"GET", it_keys().thread("api", "cust-1")});
  for (int i = 0; i < 5; ++i) {
    auto r = http_request(port, "POST", "/v1/conversations/" + conv + "/messages", agent, R"({"text":"on it"})");
    ASSERT_EQ(r.status, 202) << r.body;
  }
  ASSERT_TRUE(blackhole.wait_for(2));  // a reply and an alert, both held
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the mail alert is waiting for a greeting
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) held.push_back(open_unread_event_socket(port, kAsha).first);
  for (int i = 0; i < 50; ++i) {  // half a request each, then nothing
    int fd = connect_raw(port);
    std::string part = "POST /webhooks/api HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"id\":";
    ::send(fd, part.data(), part.size(), MSG_NOSIGNAL);
    held.push_back(fd);
  }
  for (int i = 0; i < 50; ++i) held.push_back(connect_raw(port));  // and nothing at all
  // It ends by itself and exits 0 (terminate() gives up, SIGKILLs and says -1 if it never does);
  // the previous build hung here for good.
  EXPECT_EQ(daemon.terminate(), 0) << daemon.log();
  EXPECT_NE(daemon.log().find("omnirouted stopped"), std::string::npos) << daemon.log();
  for (int fd : held) ::close(fd);
  ::close(mute);
}

}  // namespace
}  // namespace omniroute::testing
