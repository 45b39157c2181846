#pragma once
// Percentiles of latency samples, after discarding a warm-up prefix.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace rrr::bench {

struct LatencySummary {
  std::size_t samples = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
};

inline LatencySummary summarize(std::vector<std::int64_t> samples_ns, std::size_t warmup) {
  LatencySummary summary;
  if (samples_ns.size() <= warmup) return summary;
  samples_ns.erase(samples_ns.begin(), samples_ns.begin() + static_cast<std::ptrdiff_t>(warmup));
  std::sort(samples_ns.begin(), samples_ns.end());
  auto at = [&](double q) {
    const auto index = static_cast<std::size_t>(q * static_cast<double>(samples_ns.size() - 1));
    return static_cast<double>(samples_ns[index]) / 1000.0;
  };
  summary.samples = samples_ns.size();
  summary.p50_us = at(0.50);
  summary.p99_us = at(0.99);
  summary.p999_us = at(0.999);
  summary.max_us = static_cast<double>(samples_ns.back()) / 1000.0;
  return summary;
}

}  // namespace rrr::bench
