#include "common/provider_check.hpp"

#include "common/json_fields.hpp"
#include "omniroute/text.hpp"

namespace omniroute::channels {

std::string provider_words(const HttpReply& reply) {
  if (reply.status == 0) return "no answer: " + (reply.error.empty() ? std::string("the request failed") : reply.error);
  if (auto o = json_object_of(reply.body)) {
    // Graph: {"error":{"message","type","code"}}; Twilio: {"code","message"}; Telegram: {"description","error_code"}.
    const auto& graph = obj_at(*o, "error");
    std::string message = str(graph, "message");
    std::string code = str(graph, "code");
    if (message.empty()) message = str(*o, "message"), code = str(*o, "code");
    if (message.empty()) message = str(*o, "description"), code = str(*o, "error_code");
    if (!message.empty()) {
      return text_excerpt(message, 500) + " (HTTP " + std::to_string(reply.status) + (code.empty() ? "" : ", code " + code) + ")";
    }
  }
  std::string words = "HTTP " + std::to_string(reply.status);
  if (!reply.body.empty()) words += ": " + text_excerpt(reply.body, 300);
  else if (!reply.error.empty()) words += ": " + reply.error;
  return words;
}

HttpCall provider_get(std::string url, const std::string& bearer) {
  HttpCall call;
  call.method = "GET";
  call.url = std::move(url);
  call.timeout_ms = 10'000;
  if (!bearer.empty()) call.headers.emplace_back("Authorization", "Bearer " + bearer);
  return call;
}

std::string no_public_url() {
  return "server.public_url is not set, so there is no address to give the provider";
}

}  // namespace omniroute::channels
