#pragma once
// The walking skeleton's market: a seeded geometric random walk per symbol, one 1-minute Bar per
// symbol per step. Deterministic: the n-th bar depends only on the seed and n, so a restarted
// ingest regenerates its state up to the ring's published count and continues the same series.
// (The full synthetic market, with trends, clustering, jumps and volume profiles, comes later.)

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace rrr::ingest {

struct SyntheticBar {
  std::string symbol;
  std::int64_t open_time_ns;
  std::int64_t open_e8, high_e8, low_e8, close_e8, volume_e8;
  std::uint32_t trade_count;
  std::uint64_t index;   // per-symbol bar number
};

class SyntheticFeed {
 public:
  SyntheticFeed(std::vector<std::string> symbols, std::uint64_t seed, std::int64_t start_time_ns);

  // The bar with global number n (symbols interleaved: n % symbols is the symbol).
  // REQUIRES: n == bars produced so far (sequential), which skipTo() arranges after a restart.
  SyntheticBar next();
  // Regenerates the state after `count` bars without returning them.
  void skipTo(std::uint64_t count);
  std::uint64_t produced() const { return produced_; }

 private:
  std::vector<std::string> symbols_;
  std::vector<double> prices_;
  std::mt19937_64 random_;
  std::int64_t start_time_ns_;
  std::uint64_t produced_ = 0;
};

}  // namespace rrr::ingest
