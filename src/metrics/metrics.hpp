#pragma once
// Prometheus metrics: counters and histograms safe to bump from any loop,
// rendered in the text exposition format. Series are created up front (per
// configured channel and queue), so the hot path never locks.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace omniroute::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// Cumulative buckets in seconds, Prometheus style.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double seconds);
  std::string render(const std::string& name, const Labels& labels) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // one per bound, plus +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

/// Every series the daemon exports, by family.
class Registry {
 public:
  /// The counter `name{labels}`, created on first use (takes a lock: cache the reference).
  Counter& counter(const std::string& name, const Labels& labels);
  Histogram& histogram(const std::string& name, const Labels& labels, const std::vector<double>& bounds);
  /// Declares a family's help text and type, so it is listed even with no series yet.
  void describe(const std::string& name, const std::string& type, const std::string& help);
  /// The text exposition of every family, plus `extra` (gauges computed at scrape time).
  std::string render(const std::string& extra = "") const;

 private:
  struct Family {
    std::string type;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

/// `name{k="v",…} value\n`, with label values escaped.
std::string sample(const std::string& name, const Labels& labels, const std::string& value);

/// Bucket bounds for latencies from 1ms to 10s.
const std::vector<double>& latency_buckets();
/// Bucket bounds for human waits, from 1s to 2 days.
const std::vector<double>& wait_buckets();

}  // namespace omniroute::metrics
