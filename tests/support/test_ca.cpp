#include "support/test_ca.hpp"

#include <cstdlib>
#include <stdexcept>

#include "support/daemon_process.hpp"

namespace omniroute::testing {

namespace {

void openssl(const std::vector<std::string>& args) {
  auto r = run_to_end("/usr/bin/openssl", args);
  if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.output);
}

}  // namespace

TestCa::TestCa(const std::string& name) {
  const std::string dir = dir_.path().string();
  ca_key_ = dir + "/ca.key";
  ca_cert_ = dir + "/ca.crt";
  openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key_, "-out", ca_cert_, "-days", "30",
           "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
           "keyUsage=critical,keyCertSign,cRLSign"});
  dir_.write("index.txt", "");
  dir_.write("serial", "1000\n");
  dir_.write("ca.cnf",
             "[ca]\ndefault_ca = ca_default\n[ca_default]\ndir = " + dir + "\ndatabase = " + dir +
                 "/index.txt\nserial = " + dir + "/serial\nnew_certs_dir = " + dir + "\ncertificate = " + ca_cert_ + "\nprivate_key = " + ca_key_ +
                 "\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\nunique_subject = no\n"
                 "[any]\ncommonName = supplied\n");
}

CertFiles TestCa::issue(const std::string& name, const std::vector<std::string>& ip_sans,
                        const std::vector<std::string>& dns_sans, bool expired) {
  const std::string dir = dir_.path().string();
  const std::string base = dir + "/" + name;
  std::string san;
  for (const auto& ip : ip_sans) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  for (const auto& dns : dns_sans) san += (san.empty() ? "" : ",") + std::string("DNS:") + dns;
  std::vector<std::string> req{"req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", base + ".key",
                               "-out", base + ".csr", "-subj", "/CN=" + name};
  if (!san.empty()) {
    req.push_back("-addext");
    req.push_back("subjectAltName=" + san);
  }
  openssl(req);
  std::vector<std::string> sign{"ca", "-batch", "-notext", "-config", dir + "/ca.cnf", "-in", base + ".csr",
                                "-out", base + ".crt"};
  if (expired) {
    for (std::string a : {"-startdate", "20240101000000Z", "-enddate", "20240201000000Z"}) sign.push_back(a);
  } else {
    sign.push_back("-days");
    sign.push_back("30");
  }
  openssl(sign);
  ++serial_;
  return {base + ".crt", base + ".key"};
}

std::vector<std::string> redis_tls_args(std::uint16_t tls_port, const CertFiles& server, const std::string& ca_file,
                                        bool require_client_cert) {
  return {"--port", "0", "--tls-port", std::to_string(tls_port), "--tls-cert-file", server.cert, "--tls-key-file",
          server.key, "--tls-ca-cert-file", ca_file, "--tls-auth-clients", require_client_cert ? "yes" : "no"};
}

}  // namespace omniroute::testing
