#include "support/daemon_process.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/http_client.hpp"

namespace omniroute::testing {

// OMNIROUTED_UNDER_TEST runs the tests against another build (e.g. the last release, to see a new test fail first).
std::string daemon_binary() {
  const char* other = std::getenv("OMNIROUTED_UNDER_TEST");
  return other && *other ? other : OMNIROUTED_PATH;
}
std::string omnictl_binary() { return OMNICTL_PATH; }

namespace {
pid_t spawn_binary(const std::string& binary, const std::vector<std::string>& args, const std::vector<std::string>& env,
                   const std::string& log_path) {
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test leaves nothing running (or holding its output pipe)
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv;
    std::string bin = binary;
    argv.push_back(bin.data());
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env, const std::string& log_path) {
  return spawn_binary(daemon_binary(), args, env, log_path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

RunResult run_daemon_to_end(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  return run_to_end(daemon_binary(), args, env);
}

RunResult run_to_end(const std::string& binary, const std::vector<std::string>& args, const std::vector<std::string>& env) {
  TempDir dir;
  std::string log = (dir.path() / "out.log").string();
  pid_t pid = spawn_binary(binary, args, env, log);
  int status = 0;
  waitpid(pid, &status, 0);
  return {decode_status(status), read_file(log)};
}

DaemonProcess::DaemonProcess(const std::string& config_yaml, std::uint16_t port, const std::vector<std::string>& env)
    : port_(port) {
  std::vector<std::string> args;
  if (!config_yaml.empty()) args = {"--config", dir_.write("omniroute.yaml", config_yaml)};  // else the embedded default
  pid_ = spawn(args, env, (dir_.path() / "daemon.log").string());
  // Ready, as a load balancer would see it: Redis answers and agents are synced.
  for (int i = 0; i < 400; ++i) {
    if (http_request(port_, "GET", "/readyz", {}, "", 500).status == 200) return;
    if (!running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("omnirouted did not come up:\n" + log());
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0 && running()) kill_hard();
}

bool DaemonProcess::running() {
  if (pid_ <= 0 || status_ != -1) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = status;
    return false;
  }
  return true;
}

int DaemonProcess::wait_exit(int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    if (!running()) return decode_status(status_);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  status_ = status;
  return -1;  // did not exit in time
}

int DaemonProcess::terminate() {
  if (!running()) return decode_status(status_);
  ::kill(pid_, SIGTERM);
  return wait_exit(20'000);
}

void DaemonProcess::kill_hard() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  wait_exit(10'000);
}

void DaemonProcess::signal(int signo) { ::kill(pid_, signo); }

void DaemonProcess::rewrite_config(const std::string& config_yaml) { dir_.write("omniroute.yaml", config_yaml); }

std::string DaemonProcess::log() const { return read_file((dir_.path() / "daemon.log").string()); }

}  // namespace omniroute::testing

namespace omniroute::testing {

long DaemonProcess::rss_kb() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

}  // namespace omniroute::testing
