#pragma once
// A real Dovecot IMAP server for one test (Debian's dovecot-imapd): its
// configuration written into a temporary directory, plain authentication on
// loopback, one user, Maildir storage; started by the constructor and stopped
// (SIGTERM, then SIGKILL) by the destructor. Mail is delivered with IMAP
// APPEND, so Dovecot assigns the UIDs as it would for delivered mail.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace omniroute::testing {

class DovecotServer {
 public:
  DovecotServer(std::string user, std::string password);
  ~DovecotServer();
  DovecotServer(const DovecotServer&) = delete;
  DovecotServer& operator=(const DovecotServer&) = delete;

  std::uint16_t port() const { return port_; }
  /// imap://127.0.0.1:<port>/<mailbox>
  std::string url(const std::string& mailbox = "INBOX") const;

  /// Delivers one raw message into `mailbox` (APPEND), unread; throws when Dovecot refuses it.
  void append(const std::string& mailbox, const std::string& raw);
  /// Runs one IMAP command (a mailbox in the URL selects it first); the untagged answers.
  std::string command(const std::string& mailbox, const std::string& imap_command);
  /// The UIDs `search` ("ALL", "UNSEEN", "SEEN") finds in `mailbox`.
  std::vector<std::uint64_t> uids(const std::string& mailbox, const std::string& search = "ALL");
  /// The mailbox's UIDVALIDITY.
  std::uint64_t uidvalidity(const std::string& mailbox);

 private:
  TempDir dir_;
  std::string user_, password_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

}  // namespace omniroute::testing
