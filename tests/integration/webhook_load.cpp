#include "integration/webhook_load.hpp"

#include <chrono>

#include "integration/test_config.hpp"
#include "support/http_client.hpp"

namespace omniroute::testing {

WebhookLoad::WebhookLoad(std::uint16_t port, std::string prefix, int threads, int customers, std::string text) {
  for (int t = 0; t < threads; ++t) {
    threads_.emplace_back([this, port, prefix, t, customers, text] {
      try {
        HttpConnection conn(port);
        for (int i = 0; !stop_; ++i) {
          const bool after = marked_;
          std::string id = prefix + std::to_string(t) + "-" + std::to_string(i);
          std::string body = webhook_body(id, "cust-" + std::to_string(i % customers), text + " " + id);
          auto r = conn.request("POST", "/webhooks/api", signed_headers(body), body);
          {
            std::lock_guard lock(mu_);
            ++statuses_[r.status];
            if (r.status == 200) (after ? after_ : before_).push_back(id);
          }
          if (r.status == 200) {
            ++acked_;
            if (after) ++acked_after_;
          } else {
            ++refused_;
            if (r.status == 0) break;  // the daemon is gone
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }
      } catch (const std::exception&) {
      }
    });
  }
}

WebhookLoad::~WebhookLoad() { stop(); }

void WebhookLoad::stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::vector<std::string> WebhookLoad::all() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out = before_;
  out.insert(out.end(), after_.begin(), after_.end());
  return out;
}

std::string WebhookLoad::summary() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [status, count] : statuses_) {
    out += (out.empty() ? "" : ", ") + std::to_string(status) + "×" + std::to_string(count);
  }
  return out;
}

}  // namespace omniroute::testing
