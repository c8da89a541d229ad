#include "metrics/metrics.hpp"

#include <cstdio>

namespace omniroute::metrics {

namespace {
std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string format_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
}  // namespace

std::string sample(const std::string& name, const Labels& labels, const std::string& value) {
  std::string out = name;
  if (!labels.empty()) {
    out += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out += ',';
      first = false;
      out += k + "=\"" + escape(v) + "\"";
    }
    out += '}';
  }
  out += ' ' + value + '\n';
  return out;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Histogram::render(const std::string& name, const Labels& labels) const {
  std::string out;
  std::uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    Labels l = labels;
    l.emplace_back("le", i < bounds_.size() ? format_double(bounds_[i]) : "+Inf");
    out += sample(name + "_bucket", l, std::to_string(cumulative));
  }
  out += sample(name + "_sum", labels, format_double(static_cast<double>(sum_micros_.load()) / 1e6));
  out += sample(name + "_count", labels, std::to_string(count_.load()));
  return out;
}

Counter& Registry::counter(const std::string& name, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& fam = families_[name];
  if (fam.type.empty()) fam.type = "counter";
  auto& slot = fam.counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const Labels& labels, const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& fam = families_[name];
  if (fam.type.empty()) fam.type = "histogram";
  auto& slot = fam.histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Registry::describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mutex_);
  auto& fam = families_[name];
  fam.type = type;
  fam.help = help;
}

std::string Registry::render(const std::string& extra) const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, fam] : families_) {
    if (!fam.help.empty()) out += "# HELP " + name + " " + fam.help + "\n";
    out += "# TYPE " + name + " " + fam.type + "\n";
    for (const auto& [labels, c] : fam.counters) out += sample(name, labels, std::to_string(c->value()));
    for (const auto& [labels, h] : fam.histograms) out += h->render(name, labels);
  }
  return out + extra;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> b{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
  return b;
}

const std::vector<double>& wait_buckets() {
  static const std::vector<double> b{1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800};
  return b;
}

}  // namespace omniroute::metrics
