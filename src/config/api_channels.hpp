#pragma once
// Channels added through the admin API: checked exactly as the file's `channels:` entries are (the same
// reader, on the request's JSON, which is YAML), with problems named by field instead of FILE:LINE:COL;
// their secrets sealed at rest; and merged into a configuration (each into its queue) when a generation
// starts. `${VAR}` is never expanded in them: the API cannot read the daemon's environment.

#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "omniroute/expected.hpp"

namespace omniroute::config {

struct FieldProblem {
  std::string field;    // "bot_token", "imap.url", "queue"; "" for the channel as a whole
  std::string message;
};

/// Channel `id` given by `keys` (its YAML keys as JSON, "kind" included, secrets in clear), checked against
/// `base` (public_url, its other channels) as the channels section checks an entry.
Expected<ChannelConfig, std::vector<FieldProblem>> read_api_channel(const std::string& id, const boost::json::object& keys,
                                                                   const Config& base, const ChannelRegistry& registry);

/// The secret-typed keys `kind` declares ("imap.password"), and whether `keys` sets any of them.
std::vector<std::string> secret_keys(const ChannelKind& kind);
/// The value at a dotted key ("imap.password") of `keys`, or nullptr.
const boost::json::value* value_at(const boost::json::object& keys, const std::string& dotted);
boost::json::value* value_at(boost::json::object& keys, const std::string& dotted);
/// Puts `value` at a dotted key of `keys`, making the blocks on the way.
void put_at(boost::json::object& keys, const std::string& dotted, boost::json::value value);

/// `keys` with each of the kind's secrets sealed (`seal`) or opened (!`seal`); nullopt when one does not open.
std::optional<boost::json::object> secrets_sealed(boost::json::object keys, const ChannelKind& kind, const SecretBox& box,
                                                 bool seal);

/// A kept channel's document: {"kind","queue","enabled","settings":{…}} (settings without kind, secrets sealed).
struct ApiChannelDocument {
  std::string kind;
  std::string queue;  // "" when a configured queue lists the channel
  bool enabled = true;
  boost::json::object settings;
};
std::optional<ApiChannelDocument> parse_api_channel(const std::string& document);
std::string serialize(const ApiChannelDocument& document);

/// `file` with the kept channels (documents by id, read at `version`) added, each into its queue; one that no
/// longer fits (its queue left the file, an id the file took, a key that no longer opens its secrets) is left
/// out and said in `skipped` ("<id>: why").
Config with_api_channels(Config file, const std::map<std::string, std::string>& documents, const std::string& version,
                         const ChannelRegistry& registry, std::vector<std::string>* skipped);

}  // namespace omniroute::config
