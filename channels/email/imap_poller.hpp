#pragma once
// Reads one IMAP mailbox into the conversation store, every poll_interval.
//
// The cursor (UIDVALIDITY and the last UID taken) lives in Redis as one
// value and moves on only after a mail is stored, so a restart neither loses
// nor repeats one (a mail fetched twice is stored once, by its Message-ID).
// The first poll, and the first after the mailbox's UIDVALIDITY changed,
// starts from the oldest unread mail. The mails stored in a pass (50 at
// most) are then marked \Seen or moved, as `imap.after` says, in one command. Every IMAP command has a time limit
// and runs on the loop without blocking it; a failing server is retried with
// backoff.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "email/imap.hpp"
#include "omniroute/channel.hpp"

namespace omniroute::channels {

class ImapPoller {
 public:
  ImapPoller(const ChannelSettings& settings, ChannelContext& context);
  void start();
  void stop();

 private:
  struct Cursor {
    std::uint64_t uidvalidity = 0;
    std::uint64_t last_uid = 0;
  };
  enum class Pass { idle, more, failed };

  boost::asio::awaitable<void> run(std::shared_ptr<bool> stopped);
  boost::asio::awaitable<Pass> poll_once(std::shared_ptr<bool> stopped);
  boost::asio::awaitable<bool> take(std::uint64_t uidvalidity, std::uint64_t uid, Cursor& cursor);
  /// Marks \\Seen or moves the mails stored this pass, in one command (a UID set).
  boost::asio::awaitable<void> file_away(const std::vector<std::uint64_t>& uids);
  boost::asio::awaitable<HttpReply> command(std::string url, std::string command, int timeout_ms = 30'000);
  void warn(const std::string& what) const;

  const ChannelSettings& settings_;
  ChannelContext& ctx_;
  imap::MailboxUrl mailbox_;
  std::shared_ptr<bool> stopped_;
};

}  // namespace omniroute::channels
