#pragma once
// A certificate authority of our own for one test, made with the openssl
// command line: server certificates (valid, expired, for another host) and
// client certificates, all in PEM files in a temporary directory.

#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace omniroute::testing {

struct CertFiles {
  std::string cert;
  std::string key;
};

class TestCa {
 public:
  /// `name` becomes the CA's common name (two CAs in one test are different authorities).
  explicit TestCa(const std::string& name = "omniroute test CA");

  const std::string& ca_file() const { return ca_cert_; }
  /// A certificate for `ip_sans` (IP addresses) and `dns_sans` (names), valid now, or expired a year ago.
  CertFiles issue(const std::string& name, const std::vector<std::string>& ip_sans,
                  const std::vector<std::string>& dns_sans = {}, bool expired = false);

 private:
  TempDir dir_;
  std::string ca_cert_;
  std::string ca_key_;
  int serial_ = 1;
};

/// redis-server arguments serving TLS on `tls_port` (and no plain TCP) with `server`, trusting `ca` for client
/// certificates when `require_client_cert`.
std::vector<std::string> redis_tls_args(std::uint16_t tls_port, const CertFiles& server, const std::string& ca_file,
                                        bool require_client_cert = false);

}  // namespace omniroute::testing
