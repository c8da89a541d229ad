#include "omniroute/phone.hpp"

#include <algorithm>

#include <map>

namespace omniroute {

namespace {

struct Region {
  const char* calling_code;
  const char* trunk_prefix;  // dialled before national numbers at home ("0"), "" when none
  int national_digits;       // the usual length of a national number without the trunk prefix (0: any)
};

const std::map<std::string, Region, std::less<>>& regions() {
  static const std::map<std::string, Region, std::less<>> r{
      {"IN", {"91", "0", 10}}, {"US", {"1", "1", 10}},  {"CA", {"1", "1", 10}},  {"GB", {"44", "0", 10}},
      {"AE", {"971", "0", 9}}, {"SG", {"65", "", 8}},   {"AU", {"61", "0", 9}},  {"DE", {"49", "0", 0}},
      {"FR", {"33", "0", 9}},  {"ES", {"34", "", 9}},   {"IT", {"39", "", 0}},   {"BR", {"55", "0", 0}},
      {"MX", {"52", "", 10}},  {"NG", {"234", "0", 10}}, {"KE", {"254", "0", 9}}, {"ZA", {"27", "0", 9}},
      {"PK", {"92", "0", 10}}, {"BD", {"880", "0", 10}}, {"LK", {"94", "0", 9}},  {"NP", {"977", "0", 0}},
      {"ID", {"62", "0", 0}},  {"PH", {"63", "0", 10}}, {"SA", {"966", "0", 9}}, {"MY", {"60", "0", 0}},
  };
  return r;
}

std::optional<std::string> international(const std::string& digits) {
  if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') return std::nullopt;
  return "+" + digits;
}

}  // namespace

bool known_region(std::string_view region) { return regions().count(region) > 0; }

std::vector<std::string> known_regions() {
  std::vector<std::string> out;
  for (const auto& [code, r] : regions()) out.push_back(code);
  return out;
}

std::optional<std::string> to_e164(std::string_view raw, std::string_view default_region) {
  // A leading URI scheme goes: tel:, sms:, or a provider's own prefix for a number on its platform.
  if (auto colon = raw.find(':'); colon != std::string_view::npos && colon > 0 &&
      std::all_of(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(colon),
                  [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); })) {
    raw.remove_prefix(colon + 1);
  }
  std::string digits;
  bool plus = false;
  for (char c : raw) {
    if (c >= '0' && c <= '9') digits += c;
    else if (c == '+' && digits.empty() && !plus) plus = true;
    else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    else return std::nullopt;  // letters, an extension marker …: not a number we can place
  }
  if (plus) return international(digits);
  if (digits.starts_with("00")) return international(digits.substr(2));
  auto region = regions().find(default_region);
  if (region == regions().end()) return std::nullopt;
  const Region& r = region->second;
  std::string national = digits;
  const std::string trunk = r.trunk_prefix;
  if (!trunk.empty() && national.starts_with(trunk) &&
      (r.national_digits == 0 || national.size() == static_cast<size_t>(r.national_digits) + trunk.size())) {
    national = national.substr(trunk.size());
  }
  if (r.national_digits != 0 && national.size() != static_cast<size_t>(r.national_digits)) return std::nullopt;
  return international(r.calling_code + national);
}

}  // namespace omniroute
