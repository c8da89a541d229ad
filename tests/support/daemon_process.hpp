#pragma once
// The real omnirouted binary, run by a test: its config written to a
// temporary file, its stderr kept in a file, stopped when the object dies.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace omniroute::testing {

/// Path of the built omnirouted (set by CMake).
std::string daemon_binary();

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

/// Runs omnirouted with `args` to completion (e.g. --check-config).
RunResult run_daemon_to_end(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

/// Path of the built omnictl (set by CMake).
std::string omnictl_binary();

/// Runs any program with `args` to completion.
RunResult run_to_end(const std::string& binary, const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {});

class DaemonProcess {
 public:
  /// Starts omnirouted with `config_yaml` (which should listen on `port`; "" runs the embedded default, told
  /// where to listen by `env`) and waits until /readyz answers 200.
  DaemonProcess(const std::string& config_yaml, std::uint16_t port, const std::vector<std::string>& env = {});
  ~DaemonProcess();

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  /// SIGTERM and wait; returns the exit code (or 128+signal).
  int terminate();
  /// SIGKILL and wait.
  void kill_hard();
  /// Sends `signo` without waiting.
  void signal(int signo);
  /// True while the process has not exited.
  bool running();
  /// Replaces the config file the daemon was started with (for SIGHUP).
  void rewrite_config(const std::string& config_yaml);
  /// Its resident memory now (VmRSS, kB; 0 when it cannot be read).
  long rss_kb() const;
  /// What the daemon wrote to stderr so far.
  std::string log() const;

 private:
  int wait_exit(int timeout_ms);

  TempDir dir_;
  std::uint16_t port_;
  pid_t pid_ = -1;
  int status_ = -1;
};

}  // namespace omniroute::testing
