#include "support/dovecot_server.hpp"

#include <curl/curl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>
#include <fcntl.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "email/imap.hpp"
#include "support/redis_server.hpp"

namespace omniroute::testing {

namespace {

size_t keep(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Upload {
  const std::string* text;
  size_t at = 0;
};

size_t give(char* buffer, size_t size, size_t n, void* userp) {
  auto* u = static_cast<Upload*>(userp);
  size_t take = std::min(size * n, u->text->size() - u->at);
  std::memcpy(buffer, u->text->data() + u->at, take);
  u->at += take;
  return take;
}

bool answers(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  char greeting[64] = {};
  if (ok) {
    timeval tv{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ok = ::recv(fd, greeting, sizeof greeting - 1, 0) > 0 && std::string(greeting).starts_with("* OK");
  }
  ::close(fd);
  return ok;
}

}  // namespace

DovecotServer::DovecotServer(std::string user, std::string password)
    : user_(std::move(user)), password_(std::move(password)), port_(free_port()) {
  namespace fs = std::filesystem;
  const std::string d = dir_.path().string();
  // Dovecot will not run its login processes as root: as root, they run as Debian's dovenull and
  // the mail as the dovecot user (the directory opened to them); otherwise everything as us.
  bool root = ::geteuid() == 0;
  std::string login_user, internal_user, internal_group, mail_uid, mail_gid;
  if (root) {
    passwd* dovecot = ::getpwnam("dovecot");
    if (!dovecot || !::getpwnam("dovenull")) throw std::runtime_error("the dovecot and dovenull users are missing");
    login_user = "dovenull";
    internal_user = "dovecot";
    internal_group = ::getgrgid(dovecot->pw_gid)->gr_name;
    mail_uid = std::to_string(dovecot->pw_uid);
    mail_gid = std::to_string(dovecot->pw_gid);
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                     fs::perms::others_read | fs::perms::others_exec);
  } else {
    login_user = internal_user = ::getpwuid(::geteuid())->pw_name;
    internal_group = ::getgrgid(::getegid())->gr_name;
    mail_uid = std::to_string(::geteuid());
    mail_gid = std::to_string(::getegid());
  }
  fs::create_directories(dir_.path() / "mail");
  fs::permissions(dir_.path() / "mail", fs::perms::all);
  dir_.write("users", user_ + ":{PLAIN}" + password_ + "\n");
  std::string conf = "protocols = imap\n"
                     "listen = 127.0.0.1\n"
                     "base_dir = " + d + "/run\n"
                     "state_dir = " + d + "/state\n"
                     "log_path = " + d + "/dovecot.log\n"
                     "ssl = no\n"
                     "disable_plaintext_auth = no\n"
                     "auth_mechanisms = plain login\n"
                     "default_internal_user = " + internal_user + "\n"
                     "default_internal_group = " + internal_group + "\n"
                     "default_login_user = " + login_user + "\n"
                     "mail_location = maildir:" + d + "/mail/%u\n"
                     "first_valid_uid = 1\n"
                     "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u " + d + "/users\n}\n"
                     "userdb {\n  driver = static\n  args = uid=" + mail_uid + " gid=" + mail_gid +
                     " home=" + d + "/mail/%u\n}\n"
                     "service imap-login {\n  chroot =\n  inet_listener imap {\n    address = 127.0.0.1\n    port = " +
                     std::to_string(port_) + "\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}\n"
                     "service anvil {\n  chroot =\n}\n";
  std::string conf_path = dir_.write("dovecot.conf", conf);
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // a crashed test leaves no Dovecot behind
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    execlp("dovecot", "dovecot", "-F", "-c", conf_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 200; ++i) {
    if (answers(port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("dovecot did not start on port " + std::to_string(port_) + " (see " + d + "/dovecot.log)");
}

DovecotServer::~DovecotServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::string DovecotServer::url(const std::string& mailbox) const {
  return "imap://127.0.0.1:" + std::to_string(port_) + "/" + mailbox;
}

std::string DovecotServer::command(const std::string& mailbox, const std::string& imap_command) {
  CURL* c = curl_easy_init();
  std::string out;
  std::string u = mailbox.empty() ? url("") : url(mailbox);
  curl_easy_setopt(c, CURLOPT_URL, u.c_str());
  curl_easy_setopt(c, CURLOPT_USERNAME, user_.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, password_.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, imap_command.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &keep);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) throw std::runtime_error("IMAP " + imap_command + " failed: " + curl_easy_strerror(rc));
  return out;
}

void DovecotServer::append(const std::string& mailbox, const std::string& raw) {
  CURL* c = curl_easy_init();
  Upload upload{&raw};
  std::string u = url(mailbox);
  curl_easy_setopt(c, CURLOPT_URL, u.c_str());
  curl_easy_setopt(c, CURLOPT_USERNAME, user_.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, password_.c_str());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &give);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE, static_cast<long>(raw.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) throw std::runtime_error("IMAP APPEND to " + mailbox + " failed: " + curl_easy_strerror(rc));
  // libcurl appends with \Seen; delivered mail arrives unread.
  auto all = uids(mailbox);
  if (!all.empty()) command(mailbox, "UID STORE " + std::to_string(all.back()) + " -FLAGS (\\Seen)");
}

std::vector<std::uint64_t> DovecotServer::uids(const std::string& mailbox, const std::string& search) {
  return channels::imap::search_result(command(mailbox, "UID SEARCH " + search), 1);
}

std::uint64_t DovecotServer::uidvalidity(const std::string& mailbox) {
  auto q = channels::imap::quoted(mailbox);
  return channels::imap::response_code(command("", "EXAMINE " + *q), "UIDVALIDITY").value_or(0);
}

}  // namespace omniroute::testing
