#pragma once
// The shape of a command's reply, declared as a C++ type and checked while it is read:
//   reply_as<std::tuple<std::string, long long>>(r)   ["a", 12]            (at least these, in order)
//   reply_as<std::vector<Pairs<long long>>>(r)          [[k, 1, k2, 2], …]   (flattened pairs: HGETALL, WITHSCORES)
//   reply_as<std::optional<std::string>>(r)             nil or "a"
//   reply_as<std::tuple<std::string, ReplyRef>>(r)      ["a", anything]      (the second left in place)
// A reply of another shape gives std::nullopt, never an out-of-range read. Commands sent raw (XRANGE,
// XREAD, ZRANGE, ROLE, CLUSTER SLOTS, pub/sub messages) are read through this; script replies through
// the results the script generator writes.

#include <charconv>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "store/reply.hpp"

namespace omniroute::store {

/// A flattened list of pairs: [name1, value1, name2, value2, …].
template <typename T>
struct Pairs {
  std::vector<std::pair<std::string, T>> items;
};

/// Any reply, not copied: points into the reply it was read from (valid while that lives).
struct ReplyRef {
  const Reply* reply = nullptr;
  const Reply& operator*() const { return *reply; }
  const Reply* operator->() const { return reply; }
};

template <typename T>
struct ReplyShape;

template <typename T>
std::optional<T> reply_as(const Reply& r) {
  return ReplyShape<T>::read(r);
}

template <>
struct ReplyShape<ReplyRef> {
  static std::optional<ReplyRef> read(const Reply& r) { return ReplyRef{&r}; }
};

template <>
struct ReplyShape<std::string> {
  static std::optional<std::string> read(const Reply& r) {
    if (r.type != Reply::Type::string && r.type != Reply::Type::status) return std::nullopt;
    return r.str;
  }
};

/// An integer reply, or a string holding only an integer (RESP2 sends scores and stream counts as text).
template <>
struct ReplyShape<long long> {
  static std::optional<long long> read(const Reply& r) {
    if (r.type == Reply::Type::integer) return r.integer;
    if (r.type != Reply::Type::string) return std::nullopt;
    long long v = 0;
    const char* end = r.str.data() + r.str.size();
    auto [p, ec] = std::from_chars(r.str.data(), end, v);
    if (ec != std::errc{} || p != end) return std::nullopt;
    return v;
  }
};

/// A number (a sorted set's score): an integer reply or its text.
template <>
struct ReplyShape<double> {
  static std::optional<double> read(const Reply& r) {
    if (r.type == Reply::Type::integer) return static_cast<double>(r.integer);
    if (r.type != Reply::Type::string) return std::nullopt;
    double v = 0;
    const char* end = r.str.data() + r.str.size();
    auto [p, ec] = std::from_chars(r.str.data(), end, v);
    if (ec != std::errc{} || p != end) return std::nullopt;
    return v;
  }
};

template <typename T>
struct ReplyShape<std::optional<T>> {
  static std::optional<std::optional<T>> read(const Reply& r) {
    if (r.type == Reply::Type::nil) return std::optional<T>{};
    auto v = reply_as<T>(r);
    if (!v) return std::nullopt;
    return std::optional<T>{std::move(*v)};
  }
};

template <typename T>
struct ReplyShape<std::vector<T>> {
  static std::optional<std::vector<T>> read(const Reply& r) {
    if (r.type != Reply::Type::array) return std::nullopt;
    std::vector<T> out;
    out.reserve(r.elements.size());
    for (const auto& e : r.elements) {
      auto v = reply_as<T>(e);
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
    }
    return out;
  }
};

template <typename T>
struct ReplyShape<Pairs<T>> {
  static std::optional<Pairs<T>> read(const Reply& r) {
    if (r.type != Reply::Type::array || r.elements.size() % 2 != 0) return std::nullopt;
    Pairs<T> out;
    out.items.reserve(r.elements.size() / 2);
    for (auto it = r.elements.begin(); it != r.elements.end(); it += 2) {
      auto name = reply_as<std::string>(*it);
      auto value = reply_as<T>(*(it + 1));
      if (!name || !value) return std::nullopt;
      out.items.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
  }
};

/// The leading elements of an array, in order (later ones are not read).
template <typename... Ts>
struct ReplyShape<std::tuple<Ts...>> {
  static std::optional<std::tuple<Ts...>> read(const Reply& r) {
    if (r.type != Reply::Type::array || r.elements.size() < sizeof...(Ts)) return std::nullopt;
    return read_each(r, std::index_sequence_for<Ts...>{});
  }

 private:
  template <std::size_t... I>
  static std::optional<std::tuple<Ts...>> read_each(const Reply& r, std::index_sequence<I...>) {
    std::tuple<std::optional<Ts>...> parts{reply_as<Ts>(r.elements[I])...};
    if (!(std::get<I>(parts).has_value() && ...)) return std::nullopt;
    return std::tuple<Ts...>{std::move(*std::get<I>(parts))...};
  }
};

}  // namespace omniroute::store
