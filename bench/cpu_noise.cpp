// cpu_noise: how steady this machine's CPU is right now. Times a fixed spin
// (the same integer work every time) N times and prints the median and the
// slowest, in ms, and slowest/median. On a quiet core the ratio is ~1.1; the
// small shared VMs we run on slow 2-7x for ~100 ms every second or two, which
// shows here as a ratio of 2 or more, and in every latency percentile measured
// around it.
//
//   cpu_noise [--rounds N]     prints: cpu_noise rounds=N median_ms=… max_ms=… ratio=…
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

std::uint64_t spin() {
  // A fixed amount of work the compiler cannot fold away (xorshift over 20M steps: ~20 ms).
  volatile std::uint64_t sink = 0;
  std::uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 20'000'000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  sink = x;
  return sink;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 30;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::max(3, std::stoi(argv[i + 1]));
  }
  std::vector<double> ms;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    spin();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  double median = ms[ms.size() / 2];
  double max = ms.back();
  std::printf("cpu_noise rounds=%d median_ms=%.1f max_ms=%.1f ratio=%.2f\n", rounds, median, max, max / median);
}
