#include "store/scripts.hpp"

#include <openssl/sha.h>

#include <memory>

namespace omniroute::store {


namespace {

std::string sha1_hex(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

std::vector<std::string> script_command(std::string_view verb, std::string_view script_or_sha,
                                        const std::vector<std::string>& keys,
                                        const std::vector<std::string>& args) {
  std::vector<std::string> cmd;
  cmd.reserve(3 + keys.size() + args.size());
  cmd.emplace_back(verb);
  cmd.emplace_back(script_or_sha);
  cmd.push_back(std::to_string(keys.size()));
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

}  // namespace

Script make_script(std::string_view name, std::string source) {
  std::string sha = sha1_hex(source);
  return {name, std::move(source), std::move(sha)};
}

void eval_script(RedisClient& client, const Script& script, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args, RedisClient::Callback done) {
  auto cmd = std::make_shared<std::vector<std::string>>(script_command("EVALSHA", script.sha, keys, args));
  client.command(*cmd, [&client, &script, cmd, done = std::move(done)](RedisResult r) mutable {
    if (r && r->is_error() && r->str.starts_with("NOSCRIPT")) {
      (*cmd)[0] = "EVAL";
      (*cmd)[1] = script.source;
      client.command(*cmd, std::move(done));
      return;
    }
    done(std::move(r));
  });
}

}  // namespace omniroute::store
