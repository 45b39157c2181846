#include "cache_decay.h"

#include <numeric>
#include <random>
#include <vector>

#include "bench_process.h"

namespace rrr::bench {

namespace {

constexpr std::size_t kLine = 64;

// A cycle through every line in random order: line i holds the index of the line after it.
struct LineChase {
  explicit LineChase(std::size_t bytes) : words(bytes / sizeof(std::size_t)) {
    const std::size_t lines = bytes / kLine;
    std::vector<std::size_t> order(lines);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937_64(42));
    for (std::size_t i = 0; i < lines; ++i) words[order[i] * kStride] = order[(i + 1) % lines];
  }
  std::size_t readAll() const {
    std::size_t line = 0;
    for (std::size_t i = 0; i < words.size() / kStride; ++i) line = words[line * kStride];
    return line;
  }
  static constexpr std::size_t kStride = kLine / sizeof(std::size_t);
  std::vector<std::size_t> words;
};

}  // namespace

LatencySummary workingSetReadAgain(std::size_t bytes, std::chrono::nanoseconds gap, bool sleep, int samples) {
  const LineChase chase(bytes);
  volatile std::size_t sink = 0;
  std::vector<std::int64_t> times;
  for (int i = 0; i < samples; ++i) {
    sink = chase.readAll();
    const auto until = steadyNs() + gap.count();
    if (sleep) {
      sleepUntil(until);
    } else {
      while (steadyNs() < until) {
      }
    }
    const auto start = steadyNs();
    sink = chase.readAll();
    times.push_back(steadyNs() - start);
  }
  (void)sink;
  return summarize(std::move(times), 0);
}

}  // namespace rrr::bench
