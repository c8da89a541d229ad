#pragma once
// What an SMS costs: its encoding and how many segments the carrier bills.
// GSM-7 (the GSM 03.38 alphabet; extension characters such as € { } take
// two septets) fits 160 characters in one segment, 153 per segment when
// split; anything else (Hindi, Telugu, emoji) is UCS-2: 70, or 67 per segment.

#include <string_view>

namespace omniroute {

struct SmsCost {
  bool gsm7 = true;
  int units = 0;     // septets (GSM-7) or UTF-16 code units (UCS-2)
  int segments = 0;  // 0 for an empty text
  std::string_view encoding() const { return gsm7 ? "GSM-7" : "UCS-2"; }
};

/// The cost of sending `utf8` (valid UTF-8) as one SMS.
SmsCost sms_cost(std::string_view utf8);

}  // namespace omniroute
