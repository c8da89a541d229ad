#include "email/email_check.hpp"

#include "common/provider_check.hpp"
#include "email/imap.hpp"

namespace omniroute::channels {

namespace asio = boost::asio;

namespace {

HttpCall mail_command(std::string url, std::string command, const std::string& username, const std::string& password) {
  HttpCall call;
  call.url = std::move(url);
  call.method = std::move(command);
  call.username = username;
  call.password = password;
  call.timeout_ms = 20'000;
  return call;
}

std::string mail_words(const HttpReply& r) {
  if (!r.error.empty()) return r.error;
  return "status " + std::to_string(r.status);
}

/// "* 12 EXISTS" in an EXAMINE answer: how many mails the mailbox holds.
std::string exists_count(const std::string& answer) {
  size_t at = answer.find(" EXISTS");
  if (at == std::string::npos) return "";
  size_t start = answer.rfind(' ', at - 1);
  return start == std::string::npos ? "" : answer.substr(start + 1, at - start - 1);
}

asio::awaitable<void> imap_steps(const ChannelSettings& s, const ProviderProbe& probe, std::vector<CheckStep>& steps) {
  auto url = imap::parse_mailbox_url(s.get("imap.url"));
  if (!url) {
    steps.push_back(failed("imap login", url.error()));
    co_return;
  }
  const std::string& user = s.get("imap.username");
  HttpReply login = co_await probe.http(mail_command(url->server, "NOOP", user, s.get("imap.password")));
  if (login.status != 200) {
    steps.push_back(failed("imap login", url->server + " as " + user + ": " + mail_words(login)));
    co_return;
  }
  steps.push_back(passed("imap login", "logged in to " + url->server + " as " + user));
  auto mailbox = imap::quoted(url->mailbox);
  HttpReply examined = co_await probe.http(mail_command(url->server, "EXAMINE " + mailbox.value_or("INBOX"), user,
                                                        s.get("imap.password")));
  if (examined.status != 200) {
    steps.push_back(failed("mailbox", url->mailbox + ": " + mail_words(examined)));
    co_return;
  }
  std::string count = exists_count(examined.body);
  steps.push_back(passed("mailbox", url->mailbox + " exists" + (count.empty() ? "" : " (" + count + " mails)") +
                                        "; opened read-only"));
}

}  // namespace

asio::awaitable<std::vector<CheckStep>> email_check(const ChannelSettings& s, const ProviderProbe& probe) {
  std::vector<CheckStep> steps;
  if (!s.get("imap.url").empty()) co_await imap_steps(s, probe, steps);
  const std::string& smtp = s.get("smtp.url");
  if (smtp.empty()) co_return steps;
  const std::string& user = s.get("smtp.username");
  HttpReply noop = co_await probe.http(mail_command(smtp, "NOOP", user, s.get("smtp.password")));
  if (noop.status / 100 != 2) {
    steps.push_back(failed("smtp", smtp + ": " + mail_words(noop)));
  } else {
    steps.push_back(passed("smtp", smtp + " accepted EHLO" + std::string(smtp.starts_with("smtps") ? "" : ", STARTTLS where required") +
                                       (user.empty() ? "" : " and AUTH as " + user) + "; nothing was sent"));
  }
  co_return steps;
}

}  // namespace omniroute::channels
