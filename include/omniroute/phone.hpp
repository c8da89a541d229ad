#pragma once
// Phone numbers to E.164, so one person is one contact whatever the channel
// calls them: WhatsApp's "919876543210", Twilio's "+919876543210" or
// "whatsapp:+919876543210", a national "098765 43210" with a default region.
//
// libphonenumber would be the reference; Debian 12's libphonenumber-dev
// depends on Boost 1.74, which conflicts with the Boost 1.81 this project
// builds with, so this covers what routing needs: international forms, and
// national forms for the regions in its table (trunk prefix dropped).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omniroute {

/// `raw` as "+<digits>" (8 to 15 digits), or nullopt when it is not a phone number we can place.
/// `default_region` (ISO 3166 alpha-2, e.g. "IN") places national numbers; "" accepts only
/// international forms ("+…", "00…").
std::optional<std::string> to_e164(std::string_view raw, std::string_view default_region = "");

/// True when `region` is one `to_e164` knows.
bool known_region(std::string_view region);
/// Every region `to_e164` knows, sorted.
std::vector<std::string> known_regions();

}  // namespace omniroute
