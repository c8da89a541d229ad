#pragma once
// What a configuration key holds, declared once: the reference (docs/config.md, omniroute.yaml(5)) prints
// it, and the loader reads the key by it — the bounds a reader checks are the bounds the reference shows.
//
//   {"server.threads", integer(0, 64), "0", "event loops; 0: one per core", into(&Config::server, &ServerConfig::threads)}

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/values.hpp"

namespace omniroute::config {

class MapReader;

struct KeyType {
  enum class Form { text, secret, identifier, integer, number, duration, choice, mapping, list, described };
  Form form = Form::text;
  long long min = 0, max = 0;  // integer bounds; duration bounds in ms (max 0: none)
  double low = 0, high = 0;    // number bounds
  bool bytes = false;          // an integer counting bytes (shown in KiB/MiB)
  bool above_min = false;      // duration: must be longer than min (not equal)
  std::size_t min_length = 0;  // secret
  std::vector<std::string> choices;
  std::string what;  // list: "of host:port"; described: the whole text ("host:port", "IANA zone", …)

  /// As the reference prints it: "integer 0–64", "duration 1s–1h", "urgent | high | normal | low".
  std::string text() const;
};

KeyType text();
KeyType secret(std::size_t min_length = 0);
KeyType identifier();
KeyType integer(long long min, long long max);
KeyType bytes(long long min, long long max);
KeyType number(double low, double high);
KeyType duration();
KeyType duration_over_zero();
KeyType duration_at_least(Millis min);
KeyType duration_between(Millis min, Millis max);
KeyType choice(std::vector<std::string> choices);
KeyType mapping();
KeyType list_of(std::string what = "");
/// A form the loader checks with its own parser (a URL, host:port, a zone): the text says which.
KeyType described(std::string text);

/// `key` of `r` read as `type` declares it, the bounds checked and reported at FILE:LINE:COL.
std::optional<long long> read_integer(MapReader& r, std::string_view key, const KeyType& type);
std::optional<double> read_number(MapReader& r, std::string_view key, const KeyType& type);
std::optional<Millis> read_duration(MapReader& r, std::string_view key, const KeyType& type);
std::optional<std::string> read_text(MapReader& r, std::string_view key, const KeyType& type);

/// The text a value of `type` is documented in ("60s" → "1m", "0.80" → "0.8"), or nullopt when
/// `value` is not one (a default written in prose).
std::optional<std::string> normalized(const KeyType& type, const std::string& value);

/// A value in the notation the reference uses for defaults ("90s" → "1m30s" is not used: the largest
/// unit that divides it, "90s"; 60000 ms → "1m").
std::string duration_text(Millis d);

}  // namespace omniroute::config
