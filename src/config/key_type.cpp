#include "config/key_type.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "config/diagnostics.hpp"
#include "config/sections.hpp"

#include "config/yaml_reader.hpp"

namespace omniroute::config {

namespace {

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string bytes_text(long long v) {
  if (v >= 1024LL * 1024 && v % (1024LL * 1024) == 0) return std::to_string(v / (1024LL * 1024)) + " MiB";
  if (v >= 1024 && v % 1024 == 0) return std::to_string(v / 1024) + " KiB";
  return std::to_string(v);
}

KeyType of(KeyType::Form form) {
  KeyType t;
  t.form = form;
  return t;
}

}  // namespace

std::string duration_text(Millis d) {
  const long long ms = d.count();
  struct Unit {
    long long ms;
    const char* name;
  };
  for (Unit u : {Unit{86'400'000, "d"}, Unit{3'600'000, "h"}, Unit{60'000, "m"}, Unit{1000, "s"}}) {
    if (ms != 0 && ms % u.ms == 0) return std::to_string(ms / u.ms) + u.name;
  }
  return std::to_string(ms) + "ms";
}

std::string KeyType::text() const {
  switch (form) {
    case Form::text: return "text";
    case Form::secret: return min_length ? "secret, " + std::to_string(min_length) + "+ characters" : "secret";
    case Form::identifier: return "identifier";
    case Form::integer:
      return bytes ? "integer bytes " + bytes_text(min) + "–" + bytes_text(max)
                   : "integer " + std::to_string(min) + "–" + std::to_string(max);
    case Form::number: return "number " + number_text(low) + "–" + number_text(high);
    case Form::duration:
      if (max > 0) return "duration " + duration_text(Millis(min)) + "–" + duration_text(Millis(max));
      if (above_min) return "duration, over " + duration_text(Millis(min));
      if (min > 0) return "duration, " + duration_text(Millis(min)) + "+";
      return "duration";
    case Form::choice: {
      std::string out;
      for (const auto& c : choices) out += (out.empty() ? "" : " | ") + c;
      return out;
    }
    case Form::mapping: return "mapping";
    case Form::list: return what.empty() ? "list" : "list of " + what;
    case Form::described: return what;
  }
  return what;
}

KeyType text() { return of(KeyType::Form::text); }
KeyType secret(std::size_t min_length) {
  KeyType t = of(KeyType::Form::secret);
  t.min_length = min_length;
  return t;
}
KeyType identifier() { return of(KeyType::Form::identifier); }
KeyType integer(long long min, long long max) {
  KeyType t = of(KeyType::Form::integer);
  t.min = min;
  t.max = max;
  return t;
}
KeyType bytes(long long min, long long max) {
  KeyType t = integer(min, max);
  t.bytes = true;
  return t;
}
KeyType number(double low, double high) {
  KeyType t = of(KeyType::Form::number);
  t.low = low;
  t.high = high;
  return t;
}
KeyType duration() { return of(KeyType::Form::duration); }
KeyType duration_over_zero() {
  KeyType t = duration();
  t.above_min = true;
  return t;
}
KeyType duration_at_least(Millis min) {
  KeyType t = duration();
  t.min = min.count();
  return t;
}
KeyType duration_between(Millis min, Millis max) {
  KeyType t = duration_at_least(min);
  t.max = max.count();
  return t;
}
KeyType choice(std::vector<std::string> choices) {
  KeyType t = of(KeyType::Form::choice);
  t.choices = std::move(choices);
  return t;
}
KeyType mapping() { return of(KeyType::Form::mapping); }
KeyType list_of(std::string what) {
  KeyType t = of(KeyType::Form::list);
  t.what = std::move(what);
  return t;
}
KeyType described(std::string text) {
  KeyType t = of(KeyType::Form::described);
  t.what = std::move(text);
  return t;
}

std::optional<std::string> normalized(const KeyType& type, const std::string& value) {
  const char* end = value.data() + value.size();
  switch (type.form) {
    case KeyType::Form::integer: {
      long long v = 0;
      auto [p, ec] = std::from_chars(value.data(), end, v);
      if (ec != std::errc{} || p != end) return std::nullopt;
      return std::to_string(v);
    }
    case KeyType::Form::number: {
      double v = 0;
      auto [p, ec] = std::from_chars(value.data(), end, v);
      if (ec != std::errc{} || p != end) return std::nullopt;
      return number_text(v);
    }
    case KeyType::Form::duration: {
      auto d = parse_duration(value);
      if (!d) return std::nullopt;
      return duration_text(*d);
    }
    default: return value;
  }
}

std::optional<long long> read_integer(MapReader& r, std::string_view key, const KeyType& type) {
  return r.integer(key, type.min, type.max);
}

std::optional<double> read_number(MapReader& r, std::string_view key, const KeyType& type) {
  return r.number(key, type.low, type.high);
}

std::optional<Millis> read_duration(MapReader& r, std::string_view key, const KeyType& type) {
  auto d = r.duration(key);
  if (!d) return std::nullopt;
  const Millis min(type.min), max(type.max);
  if (type.above_min && *d <= min) {
    r.error(key, "must be longer than " + duration_text(min));
  } else if (type.max > 0 && (*d < min || *d > max)) {
    r.error(key, "must be between " + duration_text(min) + " and " + duration_text(max));
  } else if (*d < min) {
    r.error(key, "must be at least " + duration_text(min));
  } else {
    return d;
  }
  return std::nullopt;
}

std::optional<std::string> read_text(MapReader& r, std::string_view key, const KeyType& type) {
  auto v = r.text(key);
  if (!v) return std::nullopt;
  if (type.form == KeyType::Form::secret && v->size() < type.min_length) {
    r.error(key, "must be at least " + std::to_string(type.min_length) + " characters");
    return std::nullopt;
  }
  if (type.form == KeyType::Form::identifier && !is_identifier(*v)) {
    r.error(key, "'" + *v + "' must be 1-64 letters, digits, '_' or '-'");
    return std::nullopt;
  }
  if (type.form == KeyType::Form::choice) {
    for (const auto& c : type.choices) {
      if (c == *v) return v;
    }
    std::vector<std::string> sorted = type.choices;
    std::sort(sorted.begin(), sorted.end());
    std::string list;
    for (const auto& c : sorted) list += (list.empty() ? "" : ", ") + c;
    std::string msg = "'" + *v + "' is not one of " + list;
    if (auto near = nearest(*v, type.choices); !near.empty()) msg += " (did you mean '" + near + "'?)";
    r.error(key, msg);
    return std::nullopt;
  }
  return v;
}

}  // namespace omniroute::config
