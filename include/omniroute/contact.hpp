#pragma once
// A contact (the person behind conversations on every channel) as the core knows it.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "omniroute/conversation.hpp"

namespace omniroute {

/// A contact's attributes (tier, …): what routing rules match on.
using ContactAttributes = std::map<std::string, std::string>;

struct Contact {
  std::string id, name;
  std::optional<Time> created_at;
  std::vector<std::string> handles;        // "<kind>:<handle>"
  ContactAttributes attributes;
  std::vector<std::string> conversations;  // ids, in no order
  /// Merged into another contact: only the id, this and merged_at are known.
  std::string merged_into;
  std::optional<Time> merged_at;
};

}  // namespace omniroute
