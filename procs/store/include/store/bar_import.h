#pragma once
// The bulk path for history: bars of one series written straight into the monthly market files,
// for `rrr-ingest import` and `rrr-db import` while rrr is stopped (while it runs, rrr-store is the
// only writer and this path is not used). One transaction per monthly file touched, the files
// written in parallel (one thread per core; each file has its own connection); a bar already
// there (same symbol, interval and open time) is left as it is, which makes importing the same
// file twice a no-op.

#include <cstdint>
#include <span>
#include <string>

#include "common/result.h"
#include "store/store_files.h"

namespace rrr::store {

struct BarRecord {
  std::int64_t open_time_ns = 0;
  std::int64_t open_e8 = 0, high_e8 = 0, low_e8 = 0, close_e8 = 0, volume_e8 = 0, quote_volume_e8 = 0;
  std::int64_t trade_count = 0;
};

struct ImportCount {
  std::uint64_t added = 0;
  std::uint64_t present = 0;
};

// REQUIRES: bars in open-time order (each monthly file is then written in one run).
Result<ImportCount, std::string> importBars(MarketShards& shards, const std::string& symbol, std::int64_t interval_s,
                                            std::span<const BarRecord> bars);

}  // namespace rrr::store
